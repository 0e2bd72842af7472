//! Every MAPI/HTTP body decoder: the first byte picks the request type (modulo 24) and the
//! direction (bit 7: response); the rest is the body. Checks the dissection's structural invariants.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::{decode_request, decode_response, RequestType};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else { return };
    let t = RequestType::ALL[(sel & 0x7F) as usize % RequestType::ALL.len()];
    let d = if sel & 0x80 != 0 { decode_response(t, body) } else { decode_request(t, body) };
    for n in &d.nodes {
        let src = &d.sources[n.source as usize];
        assert!(n.offset as usize + n.length as usize <= src.data.len());
    }
    // Rendering must not panic either.
    let _ = mapiscope_codec::text::render(&d, false);
});
