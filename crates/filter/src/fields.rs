//! The filter keys: the codec's field registry, the Autodiscover fields of the capture crate, and the
//! exchange-level fields of the capture's MAPI view declared here in the same registry style
//! ([`mapiscope_codec::fields!`]: key, name, type, description).
//!
//! Exchange-level fields are not nodes of a dissection: their values come from the
//! [`MapiExchange`] (request type, endpoint, session, HTTP status, duration, …), so they work in the
//! capture's index mode too. Two codec keys also take the exchange's value when the dissection has
//! no node for them (index mode, or the value only came in an HTTP header):
//! `mapihttp.response_code` (X-ResponseCode, [MS-OXCMAPIHTTP] 2.2.3.3.3) and
//! `mapihttp.elapsed_time` (X-ElapsedTime, 2.2.3.3).

use std::collections::HashMap;
use std::sync::OnceLock;

use mapiscope_capture::mapi::{Kind, MapiExchange};
use mapiscope_codec::{Disp, Field, Severity};

/// Names of [`EXPERT_SEVERITY`] values (ordered: `mapihttp.expert.severity >= warning`).
pub static SEVERITIES: mapiscope_codec::tree::NameTable = &[(0, "note"), (1, "warning"), (2, "error")];

mapiscope_codec::fields! {
    NUMBER: U32 = "mapihttp.exchange.number", "No.", "The exchange's number in the capture, from 1 (the No. column of `mapiscope read`)";
    TIME: F64 = "mapihttp.exchange.time", "Time", "When the request was sent (else the first response byte), seconds since 1970-01-01 UTC";
    KIND: Text = "mapihttp.exchange.kind", "Kind", "What the exchange is: mapi (MAPI over HTTP), autodiscover, or http (any other HTTP)";
    REQUEST_TYPE: Text = "mapihttp.request_type", "X-RequestType", "[MS-OXCMAPIHTTP] 2.2.3.3.1 the request type token (Execute, Connect, PING, Bind, …); Autodiscover for Autodiscover exchanges";
    ENDPOINT: Text = "mapihttp.endpoint", "Endpoint", "[MS-OXCMAPIHTTP] 2.2.1 the server endpoint: emsmdb (mailbox) or nspi (address book)";
    SESSION: U32 = "mapihttp.session", "Session", "The session the exchange belongs to (0-based, as `mapiscope read` numbers them)";
    METHOD: Text = "mapihttp.exchange.method", "Method", "The HTTP method of the request (POST)";
    URI: Text = "mapihttp.exchange.uri", "URI", "The request target (/mapi/emsmdb/?MailboxId=…)";
    STATUS: U16 = "mapihttp.exchange.status", "HTTP status", "The HTTP status code of the response";
    DURATION: F64 [Disp::Unit("s")] = "mapihttp.exchange.duration", "Duration", "Seconds from the request to the last response byte (the response time), to the microsecond";
    PENDING: U32 = "mapihttp.exchange.pending", "PENDING", "[MS-OXCMAPIHTTP] 2.2.7 PENDING meta-tags (keep-alives) in the response";
    SUMMARY: Text = "mapihttp.exchange.summary", "Summary", "The summary line of `mapiscope read` (request type and ROP names, …)";
    ROP: Text = "mapihttp.exchange.rop", "ROP", "The name of each ROP of an Execute's request (RopQueryRows): one occurrence per ROP, also in index mode";
    REQUEST_ID: Text = "mapihttp.exchange.request_id", "X-RequestId", "[MS-OXCMAPIHTTP] 2.2.3.3.10 the request id header ({GUID}:counter)";
    CLIENT_INFO: Text = "mapihttp.exchange.client_info", "X-ClientInfo", "[MS-OXCMAPIHTTP] 2.2.3.3.4 the client instance header ({GUID}:counter)";
    CLIENT: Text = "mapihttp.exchange.client", "Client", "Client side of the TCP connection (address:port), when the capture has it";
    SERVER: Text = "mapihttp.exchange.server", "Server", "Server side of the TCP connection (address:port), when the capture has it";
    CONNECTION: U32 = "mapihttp.exchange.connection", "Connection", "The TCP connection number, when the capture has it";
    ERROR: Bool = "mapihttp.exchange.error", "Error", "The exchange has a transport error: HTTP status 400 or more, X-ResponseCode not 0, a missing or truncated message (counted in the sessions' errors)";
    REQUEST_LENGTH: U32 [Disp::Unit("bytes")] = "mapihttp.exchange.request_length", "Request body length", "Bytes of the HTTP request body (decoded captures only)";
    RESPONSE_LENGTH: U32 [Disp::Unit("bytes")] = "mapihttp.exchange.response_length", "Response body length", "Bytes of the HTTP response body after de-chunking (decoded captures only)";
    EXPERT_SEVERITY: U8 [Disp::Names(SEVERITIES)] = "mapihttp.expert.severity", "Severity", "The severity of each diagnostic of the exchange (note < warning < error): transport and decoder expert info";
    EXPERT_MESSAGE: Text = "mapihttp.expert.message", "Message", "The text of each diagnostic of the exchange: transport and decoder expert info";
}

/// Exchange-level fields (declared above), in the order `mapiscope fields` lists them.
pub fn exchange_fields() -> &'static [&'static Field] {
    FIELDS
}

/// Every filter key: the codec registry, the Autodiscover fields, then the exchange-level fields.
pub fn all() -> impl Iterator<Item = &'static Field> {
    mapiscope_codec::registry::all()
        .chain(mapiscope_capture::autodiscover::FIELDS.iter().copied())
        .chain(FIELDS.iter().copied())
}

fn table() -> &'static HashMap<&'static str, &'static Field> {
    static T: OnceLock<HashMap<&'static str, &'static Field>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m = HashMap::new();
        for f in all() {
            m.entry(f.key).or_insert(f);
        }
        m
    })
}

/// The field of a filter key.
pub fn by_key(key: &str) -> Option<&'static Field> {
    table().get(key).copied()
}

/// A key to propose for an unknown one: the same key under `mapihttp.`, else the closest key by edit
/// distance (at most a third of the key's length).
pub fn suggest(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some(f) = by_key(&lower) {
        return Some(f.key);
    }
    if let Some(f) = by_key(&format!("mapihttp.{lower}")) {
        return Some(f.key);
    }
    // Wireshark's keys for what the exchange-level fields hold.
    const WIRESHARK: [(&str, &str); 9] = [
        ("http.request.method", "mapihttp.exchange.method"),
        ("http.request.uri", "mapihttp.exchange.uri"),
        ("http.request.full_uri", "mapihttp.exchange.uri"),
        ("http.response.code", "mapihttp.exchange.status"),
        ("http.time", "mapihttp.exchange.duration"),
        ("frame.number", "mapihttp.exchange.number"),
        ("frame.time_epoch", "mapihttp.exchange.time"),
        ("tcp.stream", "mapihttp.exchange.connection"),
        ("http.request_number", "mapihttp.exchange.number"),
    ];
    if let Some((_, k)) = WIRESHARK.iter().find(|(w, _)| *w == lower) {
        return by_key(k).map(|f| f.key);
    }
    // Another first label for the same path (`mapi.rop.id`).
    if let Some((_, rest)) = lower.split_once('.') {
        if let Some(f) = by_key(&format!("mapihttp.{rest}")) {
            return Some(f.key);
        }
    }
    // The start of keys (`mapihttp.rop`, `mapihttp.ro`): the shortest key it begins.
    if lower.len() >= "mapihttp.".len() + 2 {
        let under = all().filter(|f| f.key.starts_with(lower.as_str())).min_by(|a, b| a.key.len().cmp(&b.key.len()).then(a.key.cmp(b.key)));
        if let Some(f) = under {
            return Some(f.key);
        }
    }
    if lower.len() > 200 {
        return None;
    }
    let want: Vec<char> = lower.chars().collect();
    let mut limit = (want.len() / 3).max(1);
    let mut best: Option<(usize, &'static str)> = None;
    let (mut prev, mut cur) = (Vec::new(), Vec::new());
    for f in all() {
        // Cheap length bound first: the distance is at least the length difference.
        if f.key.len().abs_diff(want.len()) > limit {
            continue;
        }
        let Some(d) = bounded_distance(&want, f.key, limit, &mut prev, &mut cur) else { continue };
        if best.is_none_or(|(b, k)| d < b || (d == b && f.key < k)) {
            best = Some((d, f.key));
            limit = d;
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance of `a` and `b` if it is at most `limit` (rows stop as soon as every cell
/// exceeds the limit); the row buffers are reused across calls.
fn bounded_distance(a: &[char], b: &str, limit: usize, prev: &mut Vec<usize>, cur: &mut Vec<usize>) -> Option<usize> {
    let n = b.chars().count();
    prev.clear();
    prev.extend(0..=n);
    cur.clear();
    cur.resize(n + 1, 0);
    for (i, ca) in a.iter().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        let mut row_min = i + 1;
        for (j, cb) in b.chars().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(*ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            let v = sub.min(del).min(ins);
            row_min = row_min.min(v);
            if let Some(c) = cur.get_mut(j + 1) {
                *c = v;
            }
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    prev.last().copied().filter(|&d| d <= limit)
}

/// Levenshtein distance over chars (two rows; inputs are short keys and names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(c0) = cur.first_mut() {
            *c0 = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// Which exchange-level value a field reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ExField {
    Number,
    Time,
    Kind,
    RequestType,
    Endpoint,
    Session,
    Method,
    Uri,
    Status,
    Duration,
    Pending,
    Summary,
    Rop,
    RequestId,
    ClientInfo,
    Client,
    Server,
    Connection,
    Error,
    RequestLength,
    ResponseLength,
    ExpertSeverity,
    ExpertMessage,
    /// Fallback of the codec's `mapihttp.response_code`.
    ResponseCode,
    /// Fallback of the codec's `mapihttp.elapsed_time`.
    ElapsedTime,
}

impl ExField {
    /// Whether the value comes from the dissection (body lengths; decoder expert info).
    pub(crate) fn needs_tree(self) -> bool {
        matches!(self, ExField::RequestLength | ExField::ResponseLength | ExField::ExpertSeverity | ExField::ExpertMessage)
    }
}

/// How a field's occurrences are found: nodes of the dissection, exchange values, or nodes with an
/// exchange value when there is no node.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source {
    Nodes,
    Exchange(ExField),
    NodesOr(ExField),
}

impl Source {
    /// Whether reading the field needs the exchange's dissection (else the capture's index mode
    /// has the values).
    pub(crate) fn needs_tree(self) -> bool {
        match self {
            Source::Nodes => true,
            Source::Exchange(e) => e.needs_tree(),
            Source::NodesOr(_) => false,
        }
    }
}

pub(crate) fn source_of(f: &'static Field) -> Source {
    let pairs: [(&'static Field, ExField); 23] = [
        (&NUMBER, ExField::Number),
        (&TIME, ExField::Time),
        (&KIND, ExField::Kind),
        (&REQUEST_TYPE, ExField::RequestType),
        (&ENDPOINT, ExField::Endpoint),
        (&SESSION, ExField::Session),
        (&METHOD, ExField::Method),
        (&URI, ExField::Uri),
        (&STATUS, ExField::Status),
        (&DURATION, ExField::Duration),
        (&PENDING, ExField::Pending),
        (&SUMMARY, ExField::Summary),
        (&ROP, ExField::Rop),
        (&REQUEST_ID, ExField::RequestId),
        (&CLIENT_INFO, ExField::ClientInfo),
        (&CLIENT, ExField::Client),
        (&SERVER, ExField::Server),
        (&CONNECTION, ExField::Connection),
        (&ERROR, ExField::Error),
        (&REQUEST_LENGTH, ExField::RequestLength),
        (&RESPONSE_LENGTH, ExField::ResponseLength),
        (&EXPERT_SEVERITY, ExField::ExpertSeverity),
        (&EXPERT_MESSAGE, ExField::ExpertMessage),
    ];
    if let Some((_, e)) = pairs.iter().find(|(g, _)| std::ptr::eq(*g, f)) {
        return Source::Exchange(*e);
    }
    if std::ptr::eq(f, &mapiscope_codec::mapihttp::fields::RESPONSE_CODE) {
        return Source::NodesOr(ExField::ResponseCode);
    }
    if std::ptr::eq(f, &mapiscope_codec::mapihttp::fields::ELAPSED_TIME) {
        return Source::NodesOr(ExField::ElapsedTime);
    }
    Source::Nodes
}

/// One exchange-level value.
#[derive(Clone, Debug, PartialEq)]
pub enum ExValue<'a> {
    /// An integer.
    Int(i128),
    /// A number with a fraction.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Text.
    Str(std::borrow::Cow<'a, str>),
}

fn severity_rank(s: Severity) -> i128 {
    match s {
        Severity::Note => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

/// Bytes of the request and response bodies of a decoded exchange: the larger of the root node's
/// extent and its source's length (a root spans its whole body; the extent also holds when the
/// body bytes were not kept with the dissection).
pub fn body_lengths(x: &MapiExchange) -> (Option<usize>, Option<usize>) {
    let Some(d) = &x.dissection else { return (None, None) };
    let len = |root: Option<u32>| {
        let n = d.node(root?)?;
        let extent = n.offset as usize + n.length as usize;
        let src = d.sources.get(usize::from(n.source)).map_or(0, |s| s.data.len());
        Some(extent.max(src))
    };
    (len(x.request_root), len(x.response_root.or_else(|| response_root(d))))
}

/// The response root of a dissection found by its source's name: `MapiExchange::response_root` is
/// `None` when decoding the request added derived sources (the response body is then not source 1).
fn response_root(d: &mapiscope_codec::Dissection<'_>) -> Option<u32> {
    d.roots.iter().copied().find(|&r| {
        d.node(r).and_then(|n| d.sources.get(usize::from(n.source))).is_some_and(|s| s.name == "response body")
    })
}

/// Appends the values of an exchange-level field to `out`.
pub(crate) fn exchange_values<'a>(x: &'a MapiExchange, f: ExField, out: &mut Vec<ExValue<'a>>) {
    use std::borrow::Cow::{Borrowed, Owned};
    let int = |v: i128| ExValue::Int(v);
    match f {
        ExField::Number => out.push(int(x.index as i128 + 1)),
        ExField::Time => out.extend(x.time.map(ExValue::Float)),
        ExField::Kind => out.push(ExValue::Str(Borrowed(x.kind.name()))),
        ExField::RequestType => out.extend(x.request_type_name().map(|s| ExValue::Str(Borrowed(s)))),
        ExField::Endpoint => out.extend(x.endpoint.map(|e| ExValue::Str(Borrowed(e.name())))),
        ExField::Session => out.extend(x.session.map(|s| int(s as i128))),
        ExField::Method => {
            if !x.method.is_empty() {
                out.push(ExValue::Str(Borrowed(&x.method)));
            }
        }
        ExField::Uri => {
            if !x.uri.is_empty() {
                out.push(ExValue::Str(Borrowed(&x.uri)));
            }
        }
        ExField::Status => out.extend(x.status.map(|s| int(s.into()))),
        ExField::Duration => out.extend(x.duration.map(|d| ExValue::Float(to_micros(d)))),
        ExField::Pending => {
            if x.kind == Kind::Mapi {
                out.push(int(x.pending.into()));
            }
        }
        ExField::Summary => out.push(ExValue::Str(Borrowed(&x.summary))),
        ExField::Rop => out.extend(x.rops.iter().map(|r| ExValue::Str(Borrowed(*r)))),
        ExField::RequestId => out.extend(x.request_id.as_deref().map(|s| ExValue::Str(Borrowed(s)))),
        ExField::ClientInfo => out.extend(x.client_info.as_deref().map(|s| ExValue::Str(Borrowed(s)))),
        ExField::Client => out.extend(x.client.as_ref().map(|e| ExValue::Str(Owned(format!("{}:{}", e.addr, e.port))))),
        ExField::Server => out.extend(x.server.as_ref().map(|e| ExValue::Str(Owned(format!("{}:{}", e.addr, e.port))))),
        ExField::Connection => out.extend(x.connection.map(|c| int(c.into()))),
        ExField::Error => out.push(ExValue::Bool(is_error(x))),
        ExField::RequestLength => out.extend(body_lengths(x).0.map(|n| int(n as i128))),
        ExField::ResponseLength => out.extend(body_lengths(x).1.map(|n| int(n as i128))),
        ExField::ExpertSeverity => {
            out.extend(x.diagnostics.iter().map(|d| int(severity_rank(d.severity))));
            if let Some(d) = &x.dissection {
                out.extend(d.diagnostics.iter().map(|d| int(severity_rank(d.severity))));
            }
        }
        ExField::ExpertMessage => {
            out.extend(x.diagnostics.iter().map(|d| ExValue::Str(Borrowed(d.message.as_str()))));
            if let Some(d) = &x.dissection {
                out.extend(d.diagnostics.iter().map(|d| ExValue::Str(Borrowed(d.message.as_str()))));
            }
        }
        ExField::ResponseCode => out.extend(x.response_code.map(|c| int(c.into()))),
        ExField::ElapsedTime => out.extend(x.elapsed_ms.map(|c| int(c.into()))),
    }
}

/// Seconds rounded to the microsecond. Capture times are seconds since 1970 in an f64, whose
/// resolution there is about 0.24 µs: a difference of two such times carries that noise
/// (0.003999948 for 4 ms), which would defeat `mapihttp.exchange.duration == 0.004` and clutter
/// exports and statistics.
pub fn to_micros(s: f64) -> f64 {
    if s.is_finite() && s.abs() < 1e12 {
        (s * 1e6).round() / 1e6
    } else {
        s
    }
}

/// Whether an exchange has a transport error (what the sessions table counts as errors): a
/// transport diagnostic of warning or worse — HTTP status ≥ 400, X-ResponseCode ≠ 0, a missing or
/// truncated message.
pub fn is_error(x: &MapiExchange) -> bool {
    x.diagnostics.iter().any(|d| d.severity >= Severity::Warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_keys_follow_the_registry_rules() {
        let mut seen = std::collections::HashSet::new();
        for f in all() {
            assert!(seen.insert(f.key), "duplicate key {}", f.key);
        }
        for f in exchange_fields() {
            assert!(f.key.starts_with("mapihttp."), "{}", f.key);
            assert!(f.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_'), "{}", f.key);
            assert!(matches!(source_of(f), Source::Exchange(_)), "{} has no value source", f.key);
        }
        assert!(matches!(source_of(by_key("mapihttp.response_code").unwrap()), Source::NodesOr(ExField::ResponseCode)));
        assert!(matches!(source_of(by_key("mapihttp.rop.queryrows").unwrap()), Source::Nodes));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("mapihttp.rop.querrows"), Some("mapihttp.rop.queryrows"));
        assert_eq!(suggest("rop.queryrows"), Some("mapihttp.rop.queryrows"));
        assert_eq!(suggest("mapihttp.request_typ"), Some("mapihttp.request_type"));
        assert_eq!(suggest("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"), None);
        // The start of keys, Wireshark's keys, another first label.
        assert_eq!(suggest("mapihttp.ro"), Some("mapihttp.rop.id"));
        assert_eq!(suggest("mapihttp.rop"), Some("mapihttp.rop.id"));
        assert_eq!(suggest("http.request.method"), Some("mapihttp.exchange.method"));
        assert_eq!(suggest("frame.number"), Some("mapihttp.exchange.number"));
        assert_eq!(suggest("mapi.rop.id"), Some("mapihttp.rop.id"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
