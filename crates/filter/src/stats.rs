//! Capture statistics (`mapiscope stats`, and the web viewer's Statistics view): Wireshark's
//! "service response time" per request type and per ROP, the X-ResponseCode and ROP ReturnValue
//! histograms with names, a sessions table, HTTP body bytes per endpoint and direction, and the
//! compression of RopBuffers.
//!
//! Feed exchanges one at a time with [`Stats::add`] (works with the streaming
//! `mapiscope_capture::mapi::analyze_with`), then [`Stats::report`] with the capture's sessions.
//!
//! Definitions:
//! - **Response time**: the exchange's duration (request sent → last response byte), seconds to
//!   the microsecond ([`to_micros`]); a session's duration likewise.
//!   Percentiles are nearest-rank (`p50` of 1, 2, 3, 4 is 2). Every ROP of an Execute gets its
//!   Execute's response time (ROPs have no timing of their own on the wire).
//! - **Errors of a request type**: exchanges the server failed or did not answer: HTTP status ≥ 400,
//!   X-ResponseCode ≠ 0 ([MS-OXCMAPIHTTP] 2.2.3.3.3), no response or one the capture cuts, a
//!   failure body (StatusCode ≠ 0, 2.2.2.2) or an ErrorCode ≠ 0 (2.2.4, 2.2.5). A response whose
//!   request is not in the capture is judged by its status alone; ROPs failing inside a
//!   successful Execute are errors of those ROPs, not of the Execute.
//! - **ROPs**: counted from the request RopsList ([MS-OXCROPS] 2.2.1), plus the response-only ROPs
//!   (RopNotify, RopPending, RopBackoff, RopBufferTooSmall); an Execute without a request counts its
//!   response ROPs. **Errors of a ROP**: response ROPs of that RopId with ReturnValue ≠ 0.
//! - **Bytes**: HTTP body bytes (after de-chunking and Content-Encoding) of decoded exchanges.
//! - **Compression**: RPC_HEADER_EXT units of Execute RopBuffers ([MS-OXCRPC] 2.2.2.1): Size (as
//!   transmitted) against SizeActual (decompressed) of the units with the Compressed flag.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use mapiscope_capture::mapi::{response_code_name, Kind, MapiExchange, SessionSummary};
use mapiscope_codec::json::string as json_string;
use mapiscope_codec::{Dissection, Field, Severity, Value};

use crate::fields::{body_lengths, is_error, to_micros};

/// The fields the statistics read, as addresses (nodes are matched by field identity, not by key
/// text: one comparison per node).
struct Keys {
    status_code: usize,
    error_code: usize,
    rop_id: usize,
    return_value: usize,
    rop_buffer: usize,
    rpc_header: usize,
}

enum Key {
    RopId,
    ReturnValue,
    RopBuffer,
    RpcHeader,
}

fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| {
        let at = |key: &str| crate::fields::by_key(key).map_or(usize::MAX, |f| f as *const Field as usize);
        Keys {
            status_code: at("mapihttp.statuscode"),
            error_code: at("mapihttp.errorcode"),
            rop_id: at("mapihttp.rop.id"),
            return_value: at("mapihttp.rop.returnvalue"),
            rop_buffer: at("mapihttp.execute.ropbuffer"),
            rpc_header: at("mapihttp.rpc.header"),
        }
    })
}

/// Response times of one group.
#[derive(Clone, Debug, Default)]
pub struct Srt {
    /// Calls.
    pub count: u64,
    /// Calls that failed.
    pub errors: u64,
    /// Response times in seconds of the calls that have one.
    pub times: Vec<f64>,
}

/// Summary of a group's response times.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Times {
    /// Fastest.
    pub min: f64,
    /// Average.
    pub mean: f64,
    /// Median (nearest rank).
    pub p50: f64,
    /// 95th percentile (nearest rank).
    pub p95: f64,
    /// Slowest.
    pub max: f64,
}

impl Srt {
    /// min/mean/p50/p95/max, or `None` without any timed call.
    pub fn times(&self) -> Option<Times> {
        let mut t: Vec<f64> = self.times.iter().copied().filter(|x| x.is_finite()).collect();
        if t.is_empty() {
            return None;
        }
        t.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let k = ((p * t.len() as f64).ceil() as usize).clamp(1, t.len());
            t.get(k - 1).copied().unwrap_or(0.0)
        };
        Some(Times {
            min: t.first().copied().unwrap_or(0.0),
            mean: t.iter().sum::<f64>() / t.len() as f64,
            p50: rank(0.5),
            p95: rank(0.95),
            max: t.last().copied().unwrap_or(0.0),
        })
    }
}

/// Compression figures of RopBuffer units in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Compression {
    /// RPC_HEADER_EXT units.
    pub units: u64,
    /// Units with the Compressed flag.
    pub compressed: u64,
    /// Size (bytes as transmitted) of the compressed units.
    pub size: u64,
    /// SizeActual (bytes decompressed) of the compressed units.
    pub size_actual: u64,
}

impl Compression {
    /// SizeActual / Size of the compressed units (3.0 means 3:1), `None` without compressed units.
    pub fn ratio(&self) -> Option<f64> {
        (self.size > 0).then(|| self.size_actual as f64 / self.size as f64)
    }
}

/// Body bytes of one endpoint.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bytes {
    /// Exchanges counted.
    pub exchanges: u64,
    /// Request body bytes (client → server).
    pub request: u64,
    /// Response body bytes (server → client).
    pub response: u64,
}

/// What a session's matching exchanges add up to.
#[derive(Clone, Copy, Debug, Default)]
struct SessionCount {
    requests: u64,
    pending: u64,
}

/// The accumulator.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Exchanges added.
    pub exchanges: u64,
    /// Per request type (`Execute`, `PING`, `Autodiscover`, `HTTP`).
    pub request_types: BTreeMap<String, Srt>,
    /// Per ROP name.
    pub rops: BTreeMap<&'static str, Srt>,
    /// X-ResponseCode → responses.
    pub response_codes: BTreeMap<u32, u64>,
    /// ROP ReturnValue → response ROPs.
    pub return_values: BTreeMap<u32, u64>,
    /// Endpoint (`emsmdb`, `nspi`, `autodiscover`, `other`) → bytes.
    pub bytes: BTreeMap<&'static str, Bytes>,
    /// RopBuffer compression: request, response.
    pub compression: [Compression; 2],
    /// MAPI/HTTP exchanges without an X-ResponseCode (an HTTP error without it, or no response).
    pub response_code_missing: u64,
    sessions: BTreeMap<usize, SessionCount>,
}

fn uint(v: &Value) -> Option<u64> {
    match v {
        Value::UInt(x) => Some(*x),
        Value::Int(x) => u64::try_from(*x).ok(),
        _ => None,
    }
}

/// Whether the server failed the exchange or did not answer it (the request-type error count,
/// before the body's StatusCode and ErrorCode): HTTP status 400 or more, X-ResponseCode not 0, a
/// request without a response, or a message the capture cuts (an error diagnostic: response
/// incomplete, TCP gap inside a message). A response whose request is not in the capture (the
/// capture started while it was pending) is not a failure, nor are the other capture warnings
/// that [`is_error`] counts.
fn failed(x: &MapiExchange) -> bool {
    x.status.is_some_and(|s| s >= 400)
        || x.response_code.is_some_and(|c| c != 0)
        || (x.status.is_none() && is_error(x))
        || x.diagnostics.iter().any(|d| d.severity >= Severity::Error)
}

impl Stats {
    /// Adds one exchange.
    pub fn add(&mut self, x: &MapiExchange) {
        self.exchanges += 1;
        let rt = x.request_type_name().map_or_else(
            || match x.kind {
                Kind::Mapi => String::from("MAPI/HTTP (unknown type)"),
                _ => String::from("HTTP"),
            },
            String::from,
        );
        let d = x.dissection.as_ref();
        // One pass over the tree: ROPs, ReturnValues, RopBuffer units, and failure status codes.
        let failed_body = d.is_some_and(|d| self.add_rops(x, d));
        let failed = failed(x) || failed_body;
        let srt = self.request_types.entry(rt).or_default();
        srt.count += 1;
        srt.errors += u64::from(failed);
        srt.times.extend(x.duration.map(to_micros));
        if x.kind == Kind::Mapi {
            match x.response_code {
                Some(rc) => *self.response_codes.entry(rc).or_default() += 1,
                None => self.response_code_missing += 1,
            }
        }
        let ep = match (x.kind, x.endpoint) {
            (Kind::Mapi, Some(e)) => e.name(),
            (Kind::Autodiscover, _) => "autodiscover",
            _ => "other",
        };
        let (rq, rs) = body_lengths(x);
        if rq.is_some() || rs.is_some() {
            let b = self.bytes.entry(ep).or_default();
            b.exchanges += 1;
            b.request += rq.unwrap_or(0) as u64;
            b.response += rs.unwrap_or(0) as u64;
        }
        if let Some(s) = x.session {
            let c = self.sessions.entry(s).or_default();
            c.requests += 1;
            c.pending += u64::from(x.pending);
        }
    }

    /// Adds the ROPs, ReturnValues and RopBuffer units of a tree; returns whether a StatusCode or
    /// ErrorCode is not 0.
    fn add_rops(&mut self, x: &MapiExchange, d: &Dissection<'_>) -> bool {
        let k = keys();
        let mut failed = false;
        let req_range = x.request_root.and_then(|r| d.node(r).map(|n| r..n.end));
        let in_request = |i: u32| req_range.as_ref().is_some_and(|r| r.contains(&i));
        let has_request = req_range.is_some();
        let mut current: Option<u8> = None;
        let mut rop_buffer_end: u32 = 0;
        let mut rop_buffer_dir = 0usize;
        for (i, n) in d.nodes.iter().enumerate() {
            let i = i as u32;
            let f = n.field as *const Field as usize;
            if f == k.status_code || f == k.error_code {
                failed |= uint(&n.value).is_some_and(|v| v != 0);
                continue;
            }
            let key = if f == k.rop_id {
                Key::RopId
            } else if f == k.return_value {
                Key::ReturnValue
            } else if f == k.rop_buffer {
                Key::RopBuffer
            } else if f == k.rpc_header {
                Key::RpcHeader
            } else {
                continue;
            };
            match key {
                Key::RopId => {
                    let Some(id) = uint(&n.value).and_then(|v| u8::try_from(v).ok()) else { continue };
                    current = if in_request(i) { None } else { Some(id) };
                    let counted = if in_request(i) { true } else { !has_request || mapiscope_codec::rops::UNASKED.contains(&id) };
                    if counted {
                        let name = mapiscope_codec::rops::rop_name(id).map_or("(unknown RopId)", |r| r.name);
                        let s = self.rops.entry(name).or_default();
                        s.count += 1;
                        s.times.extend(x.duration.map(to_micros));
                    }
                }
                Key::ReturnValue if !in_request(i) => {
                    let Some(v) = uint(&n.value).and_then(|v| u32::try_from(v).ok()) else { continue };
                    *self.return_values.entry(v).or_default() += 1;
                    if v != 0 {
                        let name = current.and_then(mapiscope_codec::rops::rop_name).map_or("(unknown RopId)", |r| r.name);
                        self.rops.entry(name).or_default().errors += 1;
                    }
                }
                Key::RopBuffer => {
                    rop_buffer_end = n.end;
                    rop_buffer_dir = usize::from(!in_request(i));
                }
                Key::RpcHeader if i < rop_buffer_end => {
                    let mut flags = None;
                    let mut size = None;
                    let mut actual = None;
                    for c in d.children(i) {
                        let Some(cn) = d.node(c) else { continue };
                        match cn.field.key {
                            "mapihttp.rpc.header.flags" => flags = uint(&cn.value),
                            "mapihttp.rpc.header.size" => size = uint(&cn.value),
                            "mapihttp.rpc.header.sizeactual" => actual = uint(&cn.value),
                            _ => {}
                        }
                    }
                    if let Some(c) = self.compression.get_mut(rop_buffer_dir) {
                        c.units += 1;
                        if flags.is_some_and(|f| f & 0x0001 != 0) {
                            c.compressed += 1;
                            c.size += size.unwrap_or(0);
                            c.size_actual += actual.unwrap_or(0);
                        }
                    }
                }
                _ => {}
            }
        }
        failed
    }

    /// ROPs counted over all groups.
    pub fn rop_count(&self) -> u64 {
        self.rops.values().map(|s| s.count).sum()
    }

    /// The report, with the sessions of the capture that have at least one counted exchange.
    pub fn report<'a>(&'a self, sessions: &'a [SessionSummary]) -> Report<'a> {
        Report { stats: self, sessions }
    }
}

/// Statistics ready to print as text or JSON.
pub struct Report<'a> {
    stats: &'a Stats,
    sessions: &'a [SessionSummary],
}

fn return_value_name(v: u32) -> &'static str {
    mapiscope_codec::errors::name(v.into()).unwrap_or("unknown")
}

fn ms(s: f64) -> String {
    format!("{:.3}", s * 1000.0)
}

fn num(out: &mut String, v: f64) {
    if v.is_finite() {
        let _ = write!(out, "{v}");
    } else {
        out.push_str("null");
    }
}

/// A text table: a header row and rows, each column right-aligned except the first (tshark -z style).
fn table(out: &mut String, title: &str, header: &[&str], rows: &[Vec<String>]) {
    let cols = header.len();
    let mut w: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate().take(cols) {
            if let Some(x) = w.get_mut(k) {
                *x = (*x).max(c.chars().count());
            }
        }
    }
    // Numeric columns are right-aligned, text columns (names, users) left-aligned.
    let numeric: Vec<bool> = (0..cols)
        .map(|k| k > 0 && rows.iter().all(|r| r.get(k).is_none_or(|c| c.chars().all(|ch| ch.is_ascii_digit() || matches!(ch, '.' | ':' | '-')))))
        .collect();
    let total: usize = w.iter().sum::<usize>() + 2 * cols.saturating_sub(1);
    let rule = "=".repeat(total.max(title.chars().count()));
    let _ = writeln!(out, "{rule}\n{title}\n{}", "-".repeat(total.max(title.chars().count())));
    let line = |out: &mut String, cells: &[String]| {
        let mut s = String::new();
        for (k, c) in cells.iter().enumerate().take(cols) {
            let width = w.get(k).copied().unwrap_or(0);
            if k > 0 {
                s.push_str("  ");
            }
            let pad = width.saturating_sub(c.chars().count());
            if !numeric.get(k).copied().unwrap_or(false) {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(out, &header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for r in rows {
        line(out, r);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "(none)");
    }
    let _ = writeln!(out, "{rule}\n");
}

/// Lines under a table (before its trailing blank line): what the table counts.
fn note(out: &mut String, lines: &[&str]) {
    if out.ends_with("\n\n") {
        out.pop();
    }
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out.push('\n');
}

fn srt_rows<'k>(groups: impl Iterator<Item = (&'k str, &'k Srt)>) -> Vec<Vec<String>> {
    groups
        .map(|(name, s)| {
            let t = s.times();
            let f = |g: fn(&Times) -> f64| t.as_ref().map_or_else(|| "-".to_string(), |t| ms(g(t)));
            vec![name.to_string(), s.count.to_string(), s.errors.to_string(), f(|t| t.min), f(|t| t.mean), f(|t| t.p50), f(|t| t.p95), f(|t| t.max)]
        })
        .collect()
}

const SRT_HEADER: [&str; 8] = ["", "Count", "Errors", "Min ms", "Mean ms", "P50 ms", "P95 ms", "Max ms"];

impl Report<'_> {
    fn sessions(&self) -> impl Iterator<Item = (&SessionSummary, SessionCount)> + '_ {
        self.sessions.iter().filter_map(|s| self.stats.sessions.get(&s.index).map(|c| (s, *c)))
    }

    /// The tables as text, aligned like `tshark -z`.
    pub fn text(&self) -> String {
        let s = self.stats;
        let mut out = String::new();
        let mut h = SRT_HEADER;
        h[0] = "Request type";
        table(&mut out, "MAPI/HTTP service response time, per request type", &h, &srt_rows(s.request_types.iter().map(|(k, v)| (k.as_str(), v))));
        note(&mut out, &[
            "Time: request sent → last response byte. Errors: HTTP status ≥ 400, X-ResponseCode ≠ 0, no or cut response,",
            "StatusCode or ErrorCode ≠ 0 in the body (a failing ROP is an error of that ROP, not of its Execute).",
        ]);
        h[0] = "ROP";
        table(&mut out, "ROP service response time (the Execute's response time)", &h, &srt_rows(s.rops.iter().map(|(k, v)| (*k, v))));
        note(&mut out, &["Count: ROPs of the Execute requests, and RopNotify/RopPending/RopBackoff/RopBufferTooSmall of responses.", "Errors: response ROPs with ReturnValue ≠ 0."]);
        let rows: Vec<Vec<String>> = s.response_codes.iter().map(|(c, n)| vec![c.to_string(), response_code_name(*c).to_string(), n.to_string()]).collect();
        table(&mut out, "X-ResponseCode", &["Code", "Name", "Responses"], &rows);
        if s.response_code_missing > 0 {
            note(&mut out, &[&format!("{} MAPI/HTTP exchanges have no X-ResponseCode (HTTP error, or no response).", s.response_code_missing)]);
        }
        let rows: Vec<Vec<String>> =
            s.return_values.iter().map(|(v, n)| vec![format!("0x{v:08X}"), return_value_name(*v).to_string(), n.to_string()]).collect();
        table(&mut out, "ROP ReturnValue", &["Value", "Name", "ROPs"], &rows);
        let rows: Vec<Vec<String>> = self
            .sessions()
            .map(|(x, c)| {
                let dur = match (x.first_time, x.last_time) {
                    (Some(a), Some(b)) if b >= a => format!("{:.3}", b - a),
                    _ => "-".to_string(),
                };
                vec![
                    x.index.to_string(),
                    x.user.clone().unwrap_or_else(|| "-".into()),
                    x.endpoint.map_or("-", |e| e.name()).to_string(),
                    dur,
                    c.requests.to_string(),
                    x.reconnects.to_string(),
                    c.pending.to_string(),
                ]
            })
            .collect();
        table(&mut out, "Sessions", &["Session", "User", "Endpoint", "Duration s", "Requests", "Reconnects", "PENDING"], &rows);
        note(&mut out, &[
            "Duration: first request → last response byte (or last request without a response). Reconnects: successful",
            "Connect/Bind after the session's first (also the one after X-ResponseCode 10). PENDING: keep-alives in responses.",
            "Requests and PENDING count the exchanges counted here (-Y); duration and reconnects are the whole session's.",
        ]);
        let rows: Vec<Vec<String>> = s
            .bytes
            .iter()
            .map(|(e, b)| vec![e.to_string(), b.exchanges.to_string(), b.request.to_string(), b.response.to_string(), (b.request + b.response).to_string()])
            .collect();
        table(&mut out, "HTTP body bytes per endpoint", &["Endpoint", "Exchanges", "Client→server", "Server→client", "Total"], &rows);
        note(&mut out, &["Bodies after de-chunking and Content-Encoding, of MAPI/HTTP and Autodiscover exchanges (other HTTP is not counted)."]);
        let rows: Vec<Vec<String>> = ["request", "response"]
            .iter()
            .zip(s.compression.iter())
            .map(|(dir, c)| {
                vec![
                    dir.to_string(),
                    c.units.to_string(),
                    c.compressed.to_string(),
                    c.size.to_string(),
                    c.size_actual.to_string(),
                    c.ratio().map_or_else(|| "-".to_string(), |r| format!("{r:.2}:1")),
                ]
            })
            .collect();
        table(&mut out, "RopBuffer compression (RPC_HEADER_EXT units)", &["Direction", "Units", "Compressed", "Size", "SizeActual", "Ratio"], &rows);
        let _ = writeln!(out, "{} exchanges", s.exchanges);
        out
    }

    /// The same numbers as JSON:
    /// `{"exchanges", "request_types": [Srt], "rops": [Srt], "response_codes": [{"code","name","count"}],
    /// "response_code_missing", "return_values": [{"value","name","count"}], "sessions": [{"index","user","endpoint",
    /// "duration","requests","reconnects","pending"}], "bytes": [{"endpoint","exchanges","request",
    /// "response"}], "compression": {"request": C, "response": C}}` with
    /// `Srt = {"name","count","errors","min","mean","p50","p95","max"}` (seconds; null without
    /// timed calls) and `C = {"units","compressed","size","size_actual","ratio"}`.
    pub fn json(&self) -> String {
        let s = self.stats;
        let mut out = format!("{{\"exchanges\":{}", s.exchanges);
        let srt_list = |out: &mut String, key: &str, groups: &mut dyn Iterator<Item = (&str, &Srt)>| {
            let _ = write!(out, ",\"{key}\":[");
            for (k, (name, srt)) in groups.enumerate() {
                if k > 0 {
                    out.push(',');
                }
                out.push_str("{\"name\":");
                json_string(out, name);
                let _ = write!(out, ",\"count\":{},\"errors\":{}", srt.count, srt.errors);
                let t = srt.times();
                for (label, v) in [("min", t.map(|t| t.min)), ("mean", t.map(|t| t.mean)), ("p50", t.map(|t| t.p50)), ("p95", t.map(|t| t.p95)), ("max", t.map(|t| t.max))] {
                    let _ = write!(out, ",\"{label}\":");
                    match v {
                        Some(v) => num(out, v),
                        None => out.push_str("null"),
                    }
                }
                out.push('}');
            }
            out.push(']');
        };
        srt_list(&mut out, "request_types", &mut s.request_types.iter().map(|(k, v)| (k.as_str(), v)));
        srt_list(&mut out, "rops", &mut s.rops.iter().map(|(k, v)| (*k, v)));
        out.push_str(",\"response_codes\":[");
        for (k, (c, n)) in s.response_codes.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"code\":{c},\"name\":");
            json_string(&mut out, response_code_name(*c));
            let _ = write!(out, ",\"count\":{n}}}");
        }
        let _ = write!(out, "],\"response_code_missing\":{},\"return_values\":[", s.response_code_missing);
        for (k, (v, n)) in s.return_values.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"value\":{v},\"name\":");
            json_string(&mut out, return_value_name(*v));
            let _ = write!(out, ",\"count\":{n}}}");
        }
        out.push_str("],\"sessions\":[");
        for (k, (x, c)) in self.sessions().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"index\":{},\"user\":", x.index);
            match &x.user {
                Some(u) => json_string(&mut out, u),
                None => out.push_str("null"),
            }
            out.push_str(",\"endpoint\":");
            match x.endpoint {
                Some(e) => json_string(&mut out, e.name()),
                None => out.push_str("null"),
            }
            out.push_str(",\"duration\":");
            match (x.first_time, x.last_time) {
                (Some(a), Some(b)) if b >= a => num(&mut out, to_micros(b - a)),
                _ => out.push_str("null"),
            }
            let _ = write!(out, ",\"requests\":{},\"reconnects\":{},\"pending\":{}}}", c.requests, x.reconnects, c.pending);
        }
        out.push_str("],\"bytes\":[");
        for (k, (e, b)) in s.bytes.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"endpoint\":\"{e}\",\"exchanges\":{},\"request\":{},\"response\":{}}}", b.exchanges, b.request, b.response);
        }
        out.push_str("],\"compression\":{");
        for (k, (dir, c)) in ["request", "response"].iter().zip(s.compression.iter()).enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{dir}\":{{\"units\":{},\"compressed\":{},\"size\":{},\"size_actual\":{},\"ratio\":", c.units, c.compressed, c.size, c.size_actual);
            match c.ratio() {
                Some(r) => num(&mut out, r),
                None => out.push_str("null"),
            }
            out.push('}');
        }
        out.push_str("}}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s = Srt { count: 4, errors: 0, times: vec![0.004, 0.001, 0.003, 0.002] };
        let t = s.times().unwrap();
        assert_eq!((t.min, t.p50, t.p95, t.max), (0.001, 0.002, 0.004, 0.004));
        assert!((t.mean - 0.0025).abs() < 1e-12);
        let one = Srt { count: 1, errors: 0, times: vec![0.5] };
        assert_eq!(one.times().unwrap().p50, 0.5);
        assert_eq!(Srt::default().times(), None);
        let twenty = Srt { count: 20, errors: 0, times: (1..=20).map(f64::from).collect() };
        let t = twenty.times().unwrap();
        assert_eq!((t.p50, t.p95), (10.0, 19.0));
    }

    #[test]
    fn tables_align() {
        let mut out = String::new();
        table(&mut out, "T", &["Name", "N"], &[vec!["a".into(), "1".into()], vec!["long name".into(), "100".into()]]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[3], "Name         N");
        assert_eq!(lines[4], "a            1");
        assert_eq!(lines[5], "long name  100");
    }
}
