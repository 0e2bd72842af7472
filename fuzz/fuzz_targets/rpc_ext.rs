//! RPC_HEADER_EXT chains with XorMagic and LZ77 ([MS-OXCRPC] 2.2.2.1, 3.1.4.1.1): the first byte
//! picks the buffer — 0 request RopBuffer, 1 response RopBuffer, 2 AuxiliaryBuffer — the rest is the
//! buffer. Checks the dissection's invariants and that derived sources respect the 32 KB payload
//! limit of [MS-OXCRPC] 3.1.4.2.1 (SizeActual is a u16, so at most 64 KB each).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::build::{Builder, Cur};
use mapiscope_codec::rops::context::Context;
use mapiscope_codec::rpc::{self, aux, Direction};

fuzz_target!(|data: &[u8]| {
    let Some((&sel, buf)) = data.split_first() else { return };
    let mut b = Builder::new();
    let src = b.add_source("buffer", buf);
    let mut c = Cur::new(buf, src);
    let mut ctx = Context::default();
    let _ = match sel % 3 {
        0 => rpc::rop_buffer(&mut b, &mut c, Direction::Request, &mut ctx),
        1 => rpc::rop_buffer(&mut b, &mut c, Direction::Response, &mut ctx),
        _ => aux::auxiliary_buffer(&mut b, &mut c),
    };
    let d = b.finish();
    for s in d.sources.iter().skip(1) {
        assert!(s.data.len() <= 0xFFFF, "a derived payload beyond SizeActual's range");
    }
    common::check(&d);
});
