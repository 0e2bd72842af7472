//! LZ77 + DIRECT2 decompression of arbitrary input: the first two bytes give SizeActual. Checks the
//! output bound, and that whatever our compressor produces decompresses back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::rpc::lz77::{compress, decompress};

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_at_checked(2) else { return };
    let expected = u16::from_le_bytes([head[0], head[1]]) as usize;
    let mut out = Vec::new();
    let _ = decompress(body, expected, &mut out);
    assert!(out.len() <= expected, "output beyond SizeActual");
    // Round trip of the raw input through our own compressor.
    let packed = compress(body);
    let mut back = Vec::new();
    decompress(&packed, body.len(), &mut back).expect("own compressor output decompresses");
    assert_eq!(back, body);
});
