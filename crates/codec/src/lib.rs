//! # mapiscope-codec
//!
//! Decodes MAPI over HTTP bodies ([MS-OXCMAPIHTTP]) — the mailbox (EMSMDB) and address book (NSPI)
//! request and response bodies, their auxiliary buffers and Execute's RPC_HEADER_EXT-framed ROP
//! buffers ([MS-OXCRPC]) — into a field tree in which every node carries its specification name, a
//! filter key from one registry, a typed value and the exact byte span it came from.
//!
//! Invariants:
//! - `no_std` + `alloc`, no `unsafe`, and no panics on any input: every read is checked, every count
//!   is checked against the bytes left before it drives a loop, nesting and node counts are capped.
//! - Decoding never fails as a whole: it returns the tree so far plus [`Diagnostic`]s.
//! - Derived payloads (de-obfuscated, decompressed) are new [`Source`]s; spans always refer to the
//!   source their bytes are in.
//!
//! ```
//! use mapiscope_codec::{decode_request, RequestType};
//! let body = b"/o=Contoso/cn=user\0\0\0\0\0\xe4\x04\0\0\x09\x04\0\0\x09\x04\0\0\0\0\0\0";
//! let d = decode_request(RequestType::Connect, body);
//! let (_, n) = d.find("mapihttp.connect.userdn").unwrap();
//! assert_eq!(mapiscope_codec::display::display_line(&d, n), "UserDn: \"/o=Contoso/cn=user\"");
//! assert!(d.diagnostics.is_empty());
//! ```

#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic))]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod build;
pub mod display;
pub mod errors;
#[cfg(feature = "json")]
pub mod json;
pub mod mapihttp;
pub mod nspi;
pub mod oxcdata;
pub mod props;
pub mod registry;
pub mod rops;
pub mod rpc;
pub mod text;
pub mod tree;

pub use mapihttp::envelope::Envelope;
pub use mapihttp::{Endpoint, RequestType};
pub use rops::context::Session;
pub use tree::{Diagnostic, Disp, Dissection, Field, Node, Severity, Source, SourceId, Ty, Value};

use build::{Builder, Cur};

/// Decodes a request body of the given request type. Source 0 is the body.
pub fn decode_request(t: RequestType, body: &[u8]) -> Dissection<'_> {
    decode_exchange(t, Some(body), None).0
}

/// Decodes a response body (starting with its meta-tags, as de-chunked from HTTP). Source 0 is the body.
pub fn decode_response(t: RequestType, body: &[u8]) -> Dissection<'_> {
    decode_exchange(t, None, Some(body)).0
}

/// Decodes a request and/or a response of one exchange into one dissection. The request body (if
/// any) is source 0 and the response body the next source; derived payloads follow. Returns the
/// response envelope summary too (meta-tags, X-ResponseCode, X-ElapsedTime).
pub fn decode_exchange<'a>(
    t: RequestType,
    request: Option<&'a [u8]>,
    response: Option<&'a [u8]>,
) -> (Dissection<'a>, Option<Envelope>) {
    decode_exchange_in(&mut Session::default(), t, request, response)
}

/// Like [`decode_exchange`], with the state of the exchange's Session Context: responses that need
/// earlier traffic (table columns, logon kinds, named properties) use it, and what this exchange
/// teaches (new handles, column sets, …) is added to it. Feed the exchanges of one session in order.
pub fn decode_exchange_in<'a>(
    session: &mut Session,
    t: RequestType,
    request: Option<&'a [u8]>,
    response: Option<&'a [u8]>,
) -> (Dissection<'a>, Option<Envelope>) {
    decode(session, t, request, response, false)
}

/// Like [`decode_exchange_in`], lean ([`Builder::set_lean`]): the same nodes, spans and values,
/// except that texts built only for display are skipped (a property tag's value is the tag number,
/// not its name text). For callers that never display the tree, such as a capture's exchange list
/// that wants the ROP ids of a request.
pub fn decode_exchange_lean<'a>(
    session: &mut Session,
    t: RequestType,
    request: Option<&'a [u8]>,
    response: Option<&'a [u8]>,
) -> (Dissection<'a>, Option<Envelope>) {
    decode(session, t, request, response, true)
}

fn decode<'a>(
    session: &mut Session,
    t: RequestType,
    request: Option<&'a [u8]>,
    response: Option<&'a [u8]>,
    lean: bool,
) -> (Dissection<'a>, Option<Envelope>) {
    let mut ctx = rops::context::Context { session: core::mem::take(session), exec: Default::default() };
    let mut b = Builder::new();
    b.set_lean(lean);
    // About one node per 10 body bytes (property rows, ROP fields); decompressed payloads add more.
    let body_bytes = request.map_or(0, <[u8]>::len) + response.map_or(0, <[u8]>::len);
    b.reserve_nodes(body_bytes / 10 + 32);
    for (id, n) in &ctx.session.named {
        b.learn_named(*id, props::named_label(&n.guid, n.kind, n.lid, &n.name).into());
    }
    if let Some(req) = request {
        let src = b.add_source("request body", req);
        let mut c = Cur::new(req, src);
        mapihttp::request_body(&mut b, &mut c, t, &mut ctx);
    }
    let env = response.map(|resp| {
        let src = b.add_source("response body", resp);
        let mut c = Cur::new(resp, src);
        let mut env = Envelope::default();
        let _ = b.group(&mut c, &mapihttp::fields::RESPONSE, |b, c| {
            env = mapihttp::envelope::response_body(b, c, t, &mut ctx);
            Ok(())
        });
        env
    });
    *session = ctx.session;
    (b.finish(), env)
}
