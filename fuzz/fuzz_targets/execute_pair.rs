//! An Execute request and response decoded together (ROP pairing and context), then a second
//! exchange in the same Session: the first two bytes split the input into request and response.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::{decode_exchange_in, RequestType, Session};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_at_checked(2) else { return };
    let split = (u16::from_le_bytes([head[0], head[1]]) as usize).min(rest.len());
    let (req, resp) = rest.split_at(split);
    let mut session = Session::default();
    for _ in 0..2 {
        let (d, _) = decode_exchange_in(&mut session, RequestType::Execute, Some(req), Some(resp));
        for n in &d.nodes {
            let src = &d.sources[n.source as usize];
            assert!(n.offset as usize + n.length as usize <= src.data.len());
        }
        let _ = mapiscope_codec::text::render(&d, false);
    }
});
