//! The Fiddler SAZ reader (zip central directory or local headers, bounded entries, session
//! metadata XML), then the MAPI view with full trees.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{mapi, saz};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = saz::read_saz(data, &common::limits()) {
        common::check_capture(&mapi::analyze(c, mapi::Mode::Full));
    }
});
