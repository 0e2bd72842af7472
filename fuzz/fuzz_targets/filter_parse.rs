//! Display-filter compilation of arbitrary text (`mapiscope read -Y`): never panics; an error's span
//! lies inside the text on char boundaries; a filter that compiles evaluates on a decoded Execute
//! exchange (the committed sample bodies) without panicking.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::{decode_exchange, Dissection, RequestType};
use mapiscope_filter::Filter;

static REQUEST: &[u8] = include_bytes!("../../tests/samples/execute.request.bin");
static RESPONSE: &[u8] = include_bytes!("../../tests/samples/execute.response.bin");

fn tree() -> &'static Dissection<'static> {
    static T: OnceLock<Dissection<'static>> = OnceLock::new();
    T.get_or_init(|| decode_exchange(RequestType::Execute, Some(REQUEST), Some(RESPONSE)).0)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Filter::compile(&text) {
        Ok(f) => {
            let _ = f.matches_dissection(tree());
        }
        Err(e) => {
            assert!(e.start <= e.end && e.end <= text.len(), "span {}..{} outside {} bytes", e.start, e.end, text.len());
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "span off a char boundary");
            let _ = e.render(&text);
        }
    }
});
