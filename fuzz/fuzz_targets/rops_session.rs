//! ROP input and output buffers decoded with a session context primed by earlier Executes (the golden
//! Execute exchanges: logons, object handles, table columns, named properties), so that context-
//! dependent responses (RopQueryRows rows typed by known columns, named property labels, …) are
//! reached. Input framing as in `rops_list`; the same session then decodes a second Execute.
#![no_main]

#[path = "common/mod.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mapiscope_codec::build::{Builder, Cur};
use mapiscope_codec::rops::context::Context;
use mapiscope_codec::rpc::{rop, Direction};
use mapiscope_codec::Session;

static PRIMED: OnceLock<Session> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_at_checked(2) else { return };
    let split = (u16::from_le_bytes([head[0], head[1]]) as usize).min(rest.len());
    let (req, resp) = rest.split_at(split);
    let mut session = PRIMED.get_or_init(common::primed_session).clone();
    for _ in 0..2 {
        let mut ctx = Context { session: std::mem::take(&mut session), exec: Default::default() };
        let mut b = Builder::new();
        let s0 = b.add_source("request payload", req);
        let s1 = b.add_source("response payload", resp);
        let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(req, s0), Direction::Request, &mut ctx);
        let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(resp, s1), Direction::Response, &mut ctx);
        common::check(&b.finish());
        session = ctx.session;
    }
});
