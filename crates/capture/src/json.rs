//! The JSON contract of `mapiscope read --json`:
//!
//! ```text
//! {"exchanges": [Exchange], "sessions": [Session], "diagnostics": [Diag]}
//!
//! Exchange = {"index", "time", "session", "endpoint", "request_type", "status", "response_code",
//!             "request": Node|null, "response": Node|null, "diagnostics": [Diag]}
//! ```
//! - `index`: 0-based position in the capture; `time`: seconds since the Unix epoch (fractional) or
//!   null; `session`: the session index or null (not MAPI/HTTP); `endpoint`: `"emsmdb"`, `"nspi"` or
//!   null; `request_type`: the X-RequestType token (`"Execute"`, `"PING"`, …), `"Autodiscover"` for
//!   Autodiscover, null for other HTTP (and for MAPI/HTTP without a known X-RequestType); `status`:
//!   the HTTP status or null (no response); `response_code`: X-ResponseCode or null.
//! - `Node` and `Diag` are exactly as `mapiscope decode --json` writes them
//!   (`mapiscope_codec::json::node` / `diagnostic`): `Node = {"name","abbrev","display","value",
//!   "source","offset","length","children"}`. `request`/`response` are null in index mode, for other
//!   HTTP, and when that message is missing.
//! - An exchange's `diagnostics` lists its transport diagnostics first (missing or truncated
//!   messages, HTTP errors, X-ResponseCode, reconnects, X-RequestId gaps), then the decoder's. A
//!   transport or capture diagnostic is a `Diag` with `"source": null` and `"offset"` its byte offset
//!   in the capture file (null when it has none), `"length": 0`.
//!
//! ```text
//! Session = {"index", "endpoint", "key", "user", "client_info", "cookies", "first_time", "last_time",
//!            "requests", "exchanges", "request_id_gaps", "reconnects", "context_not_found",
//!            "expiration_info", "pending_period", "pending", "server_time_ms", "response_time", "errors"}
//! ```
//! - `index`: 0-based, in order of first appearance; `endpoint`: `"emsmdb"`, `"nspi"` or null;
//!   `key`: what grouped the session (`"cookie MapiContext=…"`, `"X-RequestId {GUID}"`,
//!   `"X-ClientInfo {GUID}:n"`, `"connection n"`, `"no session identifiers (…)"`); `user`: the
//!   Connect's UserDn (for an address-book session, that of a mailbox session of the same client) or
//!   null; `client_info`: X-ClientInfo or null; `cookies`: names of the session cookies seen.
//! - `first_time`, `last_time`: seconds since the epoch or null; `requests`: number of exchanges;
//!   `exchanges`: their indices; `request_id_gaps`: `[[previous, next], …]` X-RequestId counters
//!   that skipped or went back; `reconnects`: successful Connect/Bind after the first;
//!   `context_not_found`: responses with X-ResponseCode 10.
//! - `expiration_info`, `pending_period`: the latest X-ExpirationInfo / X-PendingPeriod in ms, or
//!   null; `pending`: PENDING keep-alives in all responses; `server_time_ms`: sum of X-ElapsedTime;
//!   `response_time`: sum of the exchanges' durations in seconds; `errors`: exchanges with transport
//!   errors.

use std::fmt::Write as _;
use std::io;

use mapiscope_codec::json::{diagnostic, node, string};

use crate::mapi::{analyze_with, MapiCapture, MapiExchange, Mode, SessionSummary};
use crate::model::HttpCapture;
use crate::model::CaptureDiag;

pub(crate) fn opt_num<T: std::fmt::Display>(out: &mut String, v: Option<T>) {
    match v {
        Some(x) => {
            let _ = write!(out, "{x}");
        }
        None => out.push_str("null"),
    }
}

pub(crate) fn opt_f64(out: &mut String, v: Option<f64>) {
    match v.filter(|x| x.is_finite()) {
        Some(x) => {
            let _ = write!(out, "{x}");
        }
        None => out.push_str("null"),
    }
}

pub(crate) fn opt_str(out: &mut String, v: Option<&str>) {
    match v {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// Appends a capture (transport) diagnostic as a `Diag` with `"source": null`.
pub fn capture_diagnostic(out: &mut String, d: &CaptureDiag) {
    out.push_str("{\"severity\":");
    string(out, d.severity.name());
    out.push_str(",\"message\":");
    string(out, &d.message);
    out.push_str(",\"source\":null,\"offset\":");
    opt_num(out, d.file_offset);
    out.push_str(",\"length\":0}");
}

fn diag_list(out: &mut String, list: &[CaptureDiag]) {
    out.push('[');
    for (k, d) in list.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        capture_diagnostic(out, d);
    }
    out.push(']');
}

/// Appends one exchange object.
pub fn exchange(out: &mut String, x: &MapiExchange) {
    exchange_head(out, x);
    out.push_str(",\"status\":");
    opt_num(out, x.status);
    out.push_str(",\"response_code\":");
    opt_num(out, x.response_code);
    trees_and_diagnostics(out, x);
    out.push('}');
}

/// Opens an exchange object with the members every exchange JSON starts with:
/// `{"index","time","session","endpoint","request_type"` (the `read --json` contract, and the
/// viewer's list rows).
pub(crate) fn exchange_head(out: &mut String, x: &MapiExchange) {
    let _ = write!(out, "{{\"index\":{},\"time\":", x.index);
    opt_f64(out, x.time);
    out.push_str(",\"session\":");
    opt_num(out, x.session);
    out.push_str(",\"endpoint\":");
    opt_str(out, x.endpoint.map(|e| e.name()));
    out.push_str(",\"request_type\":");
    opt_str(out, x.request_type_name());
}

/// Appends `,"request":Node|null,"response":Node|null,"diagnostics":[Diag]` of an exchange: the
/// transport diagnostics first (`"source": null`), then the decoder's with their spans.
pub fn trees_and_diagnostics(out: &mut String, x: &MapiExchange) {
    for (key, root) in [("request", x.request_root), ("response", x.response_root)] {
        let _ = write!(out, ",\"{key}\":");
        match (&x.dissection, root) {
            (Some(d), Some(r)) => node(out, d, r),
            _ => out.push_str("null"),
        }
    }
    out.push_str(",\"diagnostics\":[");
    let mut first = true;
    for d in &x.diagnostics {
        if !first {
            out.push(',');
        }
        first = false;
        capture_diagnostic(out, d);
    }
    if let Some(d) = &x.dissection {
        for dg in &d.diagnostics {
            if !first {
                out.push(',');
            }
            first = false;
            diagnostic(out, dg);
        }
    }
    out.push(']');
}

/// Appends one session object.
pub fn session(out: &mut String, s: &SessionSummary) {
    let _ = write!(out, "{{\"index\":{},\"endpoint\":", s.index);
    opt_str(out, s.endpoint.map(|e| e.name()));
    out.push_str(",\"key\":");
    string(out, &s.key);
    out.push_str(",\"user\":");
    opt_str(out, s.user.as_deref());
    out.push_str(",\"client_info\":");
    opt_str(out, s.client_info.as_deref());
    out.push_str(",\"cookies\":[");
    for (k, c) in s.cookies.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        string(out, c);
    }
    out.push_str("],\"first_time\":");
    opt_f64(out, s.first_time);
    out.push_str(",\"last_time\":");
    opt_f64(out, s.last_time);
    let _ = write!(out, ",\"requests\":{},\"exchanges\":[", s.requests);
    for (k, e) in s.exchanges.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "{e}");
    }
    out.push_str("],\"request_id_gaps\":[");
    for (k, (a, b)) in s.request_id_gaps.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{a},{b}]");
    }
    let _ = write!(out, "],\"reconnects\":{},\"context_not_found\":{},\"expiration_info\":", s.reconnects, s.context_not_found);
    opt_num(out, s.expiration_info);
    out.push_str(",\"pending_period\":");
    opt_num(out, s.pending_period);
    let _ = write!(out, ",\"pending\":{},\"server_time_ms\":{},\"response_time\":", s.pending, s.server_time_ms);
    opt_f64(out, Some(s.response_time));
    let _ = write!(out, ",\"errors\":{}}}", s.errors);
}

/// Writes the whole document to `w`, one exchange at a time (the document of a large capture is
/// never held in memory as a whole).
pub fn write_document<W: io::Write>(c: &MapiCapture, w: &mut W) -> io::Result<()> {
    w.write_all(b"{\"exchanges\":[")?;
    let mut buf = String::new();
    for (k, x) in c.exchanges.iter().enumerate() {
        buf.clear();
        if k > 0 {
            buf.push(',');
        }
        exchange(&mut buf, x);
        w.write_all(buf.as_bytes())?;
    }
    write_tail(c, w)
}

/// Analyses a capture and writes its document as it goes ([`analyze_with`]): each exchange is
/// written and dropped, so memory stays bounded by the capture plus one exchange's tree.
pub fn write_streaming<W: io::Write>(capture: HttpCapture, mode: Mode, w: &mut W) -> io::Result<()> {
    w.write_all(b"{\"exchanges\":[")?;
    let mut buf = String::new();
    let mut result = Ok(());
    let mut first = true;
    let c = analyze_with(capture, mode, |x| {
        if result.is_err() {
            return;
        }
        buf.clear();
        if !first {
            buf.push(',');
        }
        first = false;
        exchange(&mut buf, &x);
        result = w.write_all(buf.as_bytes());
    });
    result?;
    write_tail(&c, w)
}

/// Writes the end of the document after the exchanges: `],"sessions":[…],"diagnostics":[…]}` (for
/// writers that stream the exchanges themselves, as `mapiscope read --json` does).
pub fn write_tail<W: io::Write>(c: &MapiCapture, w: &mut W) -> io::Result<()> {
    let mut buf = String::new();
    w.write_all(b"],\"sessions\":[")?;
    for (k, s) in c.sessions.iter().enumerate() {
        buf.clear();
        if k > 0 {
            buf.push(',');
        }
        session(&mut buf, s);
        w.write_all(buf.as_bytes())?;
    }
    buf.clear();
    buf.push_str("],\"diagnostics\":");
    diag_list(&mut buf, &c.diagnostics);
    buf.push('}');
    w.write_all(buf.as_bytes())
}

/// The whole document as a string.
pub fn document(c: &MapiCapture) -> String {
    let mut v = Vec::new();
    let _ = write_document(c, &mut v);
    String::from_utf8(v).unwrap_or_default()
}
