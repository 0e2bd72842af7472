//! The JSON contract of `mapiscope decode --json` (and the wasm API):
//!
//! ```text
//! {"request": Node|null, "response": Node|null, "diagnostics": [Diag], "sources": [{"id","name","length"}]}
//! Node = {"name","abbrev","display","value","source","offset","length","children":[Node]}
//! Diag = {"severity","message","source","offset","length"}
//! ```
//! `value`: a JSON number for integers up to 2^53, else a decimal string; text as text; bytes as
//! lowercase hex; GUIDs as "{…}"; structures null. Written by hand (no serde): the contract is small
//! and fixed, and the codec stays lean for wasm.

use alloc::string::String;
use core::fmt::Write;

use crate::display::{display_line, guid_string, hex_string, str8_string, utf16_string};
use crate::tree::{Diagnostic, Dissection, Node, Value};

/// Appends `s` as a JSON string literal.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

const MAX_SAFE: u64 = 1 << 53;

/// Appends a node's value.
pub fn value(out: &mut String, d: &Dissection<'_>, n: &Node) {
    match &n.value {
        Value::None => out.push_str("null"),
        Value::UInt(v) => {
            if *v <= MAX_SAFE {
                let _ = write!(out, "{v}");
            } else {
                let _ = write!(out, "\"{v}\"");
            }
        }
        Value::Int(v) => {
            if v.unsigned_abs() <= MAX_SAFE {
                let _ = write!(out, "{v}");
            } else {
                let _ = write!(out, "\"{v}\"");
            }
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Float(x) => {
            if x.is_finite() {
                let _ = write!(out, "{x}");
            } else {
                let _ = write!(out, "\"{x}\"");
            }
        }
        Value::Bytes => {
            out.push('"');
            out.push_str(&hex_string(d.bytes_of(n)));
            out.push('"');
        }
        Value::Str8 => string(out, &str8_string(d.bytes_of(n))),
        Value::Utf16 => string(out, &utf16_string(d.bytes_of(n))),
        Value::Guid => string(out, &guid_string(d.bytes_of(n))),
        Value::Text(t) => string(out, t),
    }
}

/// Appends the node at `i` with its subtree.
pub fn node(out: &mut String, d: &Dissection<'_>, i: u32) {
    let Some(n) = d.node(i) else {
        out.push_str("null");
        return;
    };
    out.push_str("{\"name\":");
    string(out, n.field.name);
    out.push_str(",\"abbrev\":");
    string(out, n.field.key);
    out.push_str(",\"display\":");
    string(out, &display_line(d, n));
    out.push_str(",\"value\":");
    value(out, d, n);
    let _ = write!(out, ",\"source\":{},\"offset\":{},\"length\":{},\"children\":[", n.source, n.offset, n.length);
    for (k, ch) in d.children(i).enumerate() {
        if k > 0 {
            out.push(',');
        }
        node(out, d, ch);
    }
    out.push_str("]}");
}

/// Appends a diagnostic.
pub fn diagnostic(out: &mut String, x: &Diagnostic) {
    out.push_str("{\"severity\":");
    string(out, x.severity.name());
    out.push_str(",\"message\":");
    string(out, &x.message);
    let _ = write!(out, ",\"source\":{},\"offset\":{},\"length\":{}}}", x.source, x.offset, x.length);
}

/// Appends the diagnostics array.
pub fn diagnostics(out: &mut String, d: &Dissection<'_>) {
    out.push('[');
    for (k, x) in d.diagnostics.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        diagnostic(out, x);
    }
    out.push(']');
}

/// Appends the sources array.
pub fn sources(out: &mut String, d: &Dissection<'_>) {
    out.push('[');
    for (k, s) in d.sources.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\":{k},\"name\":");
        string(out, &s.name);
        let _ = write!(out, ",\"length\":{}}}", s.data.len());
    }
    out.push(']');
}

/// The source id of the response body: after the request body *and the payloads derived from it*
/// (a compressed or obfuscated request RopBuffer adds sources before the response's).
pub fn response_source(d: &Dissection<'_>, has_request: bool) -> u16 {
    let first = u16::from(has_request);
    d.sources
        .iter()
        .skip(usize::from(first))
        .position(|s| s.name == "response body")
        .and_then(|p| u16::try_from(p).ok())
        .map_or(first, |p| p + first)
}

/// The root node of the request (source 0 when a request was decoded) and of the response
/// ([`response_source`]).
pub fn roots(d: &Dissection<'_>, has_request: bool, has_response: bool) -> (Option<u32>, Option<u32>) {
    let resp_src = response_source(d, has_request);
    let req = if has_request { d.roots.iter().copied().find(|&r| d.node(r).is_some_and(|n| n.source == 0)) } else { None };
    let resp = if has_response {
        d.roots.iter().copied().find(|&r| d.node(r).is_some_and(|n| n.source == resp_src))
    } else {
        None
    };
    (req, resp)
}

/// The whole `decode` document. The response may have several top-level nodes (meta-tags,
/// additional headers, body); they are wrapped under one "Response" node in the contract.
pub fn document(d: &Dissection<'_>, has_request: bool, has_response: bool) -> String {
    let mut out = String::with_capacity(d.nodes.len() * 160 + 256);
    out.push_str("{\"request\":");
    let resp_src = response_source(d, has_request);
    let req_roots: alloc::vec::Vec<u32> = d.roots.iter().copied().filter(|&r| d.node(r).is_some_and(|n| n.source == 0) && has_request).collect();
    let resp_roots: alloc::vec::Vec<u32> =
        d.roots.iter().copied().filter(|&r| d.node(r).is_some_and(|n| n.source == resp_src) && has_response).collect();
    group(&mut out, d, &req_roots, "Request", "mapihttp.request", 0);
    out.push_str(",\"response\":");
    group(&mut out, d, &resp_roots, "Response", "mapihttp.response", resp_src);
    out.push_str(",\"diagnostics\":");
    diagnostics(&mut out, d);
    out.push_str(",\"sources\":");
    sources(&mut out, d);
    out.push('}');
    out
}

fn group(out: &mut String, d: &Dissection<'_>, roots: &[u32], name: &str, key: &str, src: u16) {
    match roots {
        [] => out.push_str("null"),
        [one] => node(out, d, *one),
        many => {
            let len = d.sources.get(src as usize).map_or(0, |s| s.data.len());
            out.push_str("{\"name\":");
            string(out, name);
            out.push_str(",\"abbrev\":");
            string(out, key);
            out.push_str(",\"display\":");
            string(out, name);
            let _ = write!(out, ",\"value\":null,\"source\":{src},\"offset\":0,\"length\":{len},\"children\":[");
            for (k, r) in many.iter().enumerate() {
                if k > 0 {
                    out.push(',');
                }
                node(out, d, *r);
            }
            out.push_str("]}");
        }
    }
}
