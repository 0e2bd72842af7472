//! The pcap and pcapng reader (link and IP layers, TCP reassembly, HTTP), then the MAPI view with
//! full trees. Seeds: small pcap captures.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_capture::{mapi, pcap};

fuzz_target!(|data: &[u8]| {
    if let Ok(c) = pcap::read_pcap(data, &common::limits()) {
        common::check_capture(&mapi::analyze(c, mapi::Mode::Full));
    }
});
