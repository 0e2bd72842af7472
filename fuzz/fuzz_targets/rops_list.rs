//! ROP input and output buffers ([MS-OXCROPS] 2.2.1: RopSize, RopsList, ServerObjectHandleTable)
//! without any session context: the first two bytes split the rest into a request payload and a
//! response payload, decoded in that order within one Execute (so responses pair with requests).
#![no_main]

#[path = "common/mod.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::build::{Builder, Cur};
use mapiscope_codec::rops::context::Context;
use mapiscope_codec::rpc::{rop, Direction};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_at_checked(2) else { return };
    let split = (u16::from_le_bytes([head[0], head[1]]) as usize).min(rest.len());
    let (req, resp) = rest.split_at(split);
    let mut ctx = Context::default();
    let mut b = Builder::new();
    let s0 = b.add_source("request payload", req);
    let s1 = b.add_source("response payload", resp);
    let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(req, s0), Direction::Request, &mut ctx);
    let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(resp, s1), Direction::Response, &mut ctx);
    common::check(&b.finish());
});
