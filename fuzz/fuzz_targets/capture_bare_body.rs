//! A bare body in hex or base64: the first byte picks the request type (modulo 24) and the direction
//! (bit 7: response); the rest is the text. Then the MAPI view with full trees.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{body, mapi};
use mapiscope_codec::RequestType;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, text)) = data.split_first() else { return };
    let t = RequestType::ALL[(sel & 0x7F) as usize % RequestType::ALL.len()];
    if let Ok(c) = body::read_bare_body_with(text, t, sel & 0x80 != 0, &common::limits()) {
        common::check_capture(&mapi::analyze(c, mapi::Mode::Full));
    }
});
