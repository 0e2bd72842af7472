//! The raw HTTP text reader (requests and responses as pasted from a proxy), then the MAPI view.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{mapi, rawhttp};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = rawhttp::read_raw_http(data, &common::limits()) {
        common::check_capture(&mapi::analyze(c, mapi::Mode::Full));
    }
});
