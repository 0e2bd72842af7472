//! The HAR 1.2 reader, then the MAPI view with full trees.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{har, mapi};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = har::read_har(data, &common::limits()) {
        common::check_capture(&mapi::analyze(c, mapi::Mode::Full));
    }
});
