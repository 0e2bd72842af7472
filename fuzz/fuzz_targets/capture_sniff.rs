//! The one entry point for any file: format detection (`sniff::read`), then `mapi::analyze` in both
//! modes (index: the exchange list; full: every tree) and the `read --json` document. Its corpus mixes
//! every format.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{mapi, sniff};

fuzz_target!(|data: &[u8]| {
    let _ = sniff::detect(data);
    match sniff::read(data, &common::limits()) {
        Ok(c) => {
            let index = mapi::analyze(c.clone(), mapi::Mode::Index);
            let full = mapi::analyze(c, mapi::Mode::Full);
            assert_eq!(index.exchanges.len(), full.exchanges.len(), "index and full list different exchanges");
            common::check_capture(&index);
            common::check_capture(&full);
        }
        Err(e) => assert!(e.message.starts_with(sniff::TRIED), "read error without the formats tried: {}", e.message),
    }
});
