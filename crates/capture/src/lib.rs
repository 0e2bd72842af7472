//! # mapiscope-capture
//!
//! Reads captures — pcap, pcapng, HAR 1.2, Fiddler SAZ, raw HTTP text, bare hex/base64 bodies —
//! auto-detected from the content, into HTTP exchanges ([`model`]), then into MAPI/HTTP exchanges
//! grouped into sessions and decoded with the session's ROP context ([`mapi`]).
//!
//! Invariants: never panics on any input; every size read from the input is bounded ([`model::Limits`]);
//! nothing is silently dropped (non-MAPI HTTP is listed, TLS connections are counted and reported).

#![forbid(unsafe_code)]

pub mod model;
pub mod http;
pub mod net;
pub mod pcap;
pub mod tcp;
pub mod util;
pub mod body;
pub mod har;
pub mod saz;
pub mod inflate;
pub mod zipfile;
pub mod xml;
pub mod rawhttp;
pub mod sniff;
pub mod autodiscover;
pub mod mapi;
pub mod json;
pub mod lazy;
pub mod synth;
pub mod text;

pub use model::*;
