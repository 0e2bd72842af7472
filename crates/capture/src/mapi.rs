//! The MAPI view of a capture: every HTTP exchange classified, MAPI/HTTP exchanges grouped into
//! sessions and decoded with their session's ROP context, Autodiscover exchanges decoded, and the
//! other HTTP exchanges listed as such.
//!
//! ## Classification
//! - **MAPI/HTTP** ([MS-OXCMAPIHTTP]): `Content-Type: application/mapi-http` or an `X-RequestType`
//!   header (request, or the response when only the response was captured). The endpoint comes from
//!   the URL path (`/mapi/emsmdb`, `/mapi/nspi`; PING is valid on both), else from the request type.
//! - **Autodiscover**: a request target ending in `/autodiscover/autodiscover.xml` ([`crate::autodiscover`]).
//! - **HTTP**: everything else, listed with method, target and status.
//!
//! ## Sessions
//! A MAPI/HTTP exchange joins a session by, in this order:
//! 1. a `MapiContext` or `MapiSequence` cookie the client sends that a response of the session set
//!    (Exchange's session cookies), or any other cookie a Connect or Bind response of the session set
//!    (same endpoint);
//! 2. the GUID of its `X-RequestId` (`{GUID}:counter`, constant for the life of a Session Context,
//!    [MS-OXCMAPIHTTP] 2.2.3.3.10), same endpoint;
//! 3. its `X-ClientInfo` (`{GUID}:counter`; the counter changes for a new Session Context and may
//!    stay for a re-established one, 2.2.3.3.4), same endpoint;
//! 4. its TCP connection (same endpoint), else one session per endpoint for traffic without any of
//!    these (a bare body, a paste without headers).
//!
//! A successful Connect (or Bind) in a session that already had one is a **reconnect**: the session's
//! ROP context starts again (new handles). X-ResponseCode 10 (Context Not Found) is counted and
//! reported; the next Connect of the same client instance (X-ClientInfo GUID, else the same UserDn)
//! on that endpoint — even with a new X-RequestId GUID, X-ClientInfo counter and cookies — counts
//! as the reconnect it forces and continues that session. X-RequestId counters are checked within a
//! session: a step back is a **gap**, and so is a jump (`n` → `n + k`, k > 1) unless every skipped
//! counter was used by another session of the same client instance (one client may number all its
//! requests with one counter); the same counter again is a retry (after HTTP 401) and not flagged.
//!
//! ## Decoding
//! [`Mode::Full`] decodes every MAPI/HTTP exchange with `decode_exchange_in`, feeding one codec
//! [`Session`] per capture session in capture order, so RopSetColumns in one Execute types the
//! RopQueryRows rows of a later one; the bodies move into the owned [`Dissection`] (no copy).
//! [`Mode::Index`] builds the list only (request type, ROP names, status, session figures): requests
//! are decoded for their ROP names and dropped, responses are not decoded — their meta-tags and
//! additional headers (PENDING count, X-ResponseCode, X-ElapsedTime) are scanned as text.

use std::collections::HashMap;

use mapiscope_codec::{decode_exchange_in, Dissection, Envelope, RequestType, Session, Severity, Value};

use crate::autodiscover::{self, AutodiscoverInfo};
use crate::model::{CaptureDiag, Endpoint, Format, HttpCapture, HttpExchange, Limits, ReadError, Time};
use crate::util::url_path;

/// What an exchange is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// MAPI over HTTP.
    Mapi,
    /// Autodiscover (POX).
    Autodiscover,
    /// Any other HTTP exchange.
    Http,
}

impl Kind {
    /// `mapi`, `autodiscover` or `http`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Mapi => "mapi",
            Kind::Autodiscover => "autodiscover",
            Kind::Http => "http",
        }
    }
}

/// The MAPI/HTTP server endpoint of an exchange.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MapiEndpoint {
    /// `/mapi/emsmdb`: the mailbox.
    Emsmdb,
    /// `/mapi/nspi`: the address book.
    Nspi,
}

impl MapiEndpoint {
    /// `emsmdb` or `nspi`.
    pub fn name(self) -> &'static str {
        match self {
            MapiEndpoint::Emsmdb => "emsmdb",
            MapiEndpoint::Nspi => "nspi",
        }
    }
}

/// How much to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Decode every body into a tree.
    Full,
    /// The exchange list only: no trees kept, responses not decoded.
    Index,
}

/// One exchange of the MAPI view.
#[derive(Clone, Debug)]
pub struct MapiExchange {
    /// Position in the capture (0-based).
    pub index: usize,
    /// Request time (else first response byte), seconds since the epoch.
    pub time: Option<Time>,
    /// What the exchange is.
    pub kind: Kind,
    /// Session index (MAPI/HTTP exchanges only).
    pub session: Option<usize>,
    /// Endpoint (MAPI/HTTP exchanges; None when neither the URL nor the request type tells).
    pub endpoint: Option<MapiEndpoint>,
    /// The X-RequestType (None for Autodiscover, other HTTP, and MAPI/HTTP without a known type).
    pub request_type: Option<RequestType>,
    /// HTTP method of the request ("" when only the response was captured).
    pub method: String,
    /// Request target.
    pub uri: String,
    /// HTTP status of the response.
    pub status: Option<u16>,
    /// X-ResponseCode (additional header in the body, else HTTP header).
    pub response_code: Option<u32>,
    /// X-ElapsedTime: the server's processing time in ms.
    pub elapsed_ms: Option<u32>,
    /// PENDING keep-alives in the response.
    pub pending: u32,
    /// Seconds from the request to the last response byte.
    pub duration: Option<f64>,
    /// One line: request type and ROP names of an Execute, Autodiscover URLs, or method and target.
    pub summary: String,
    /// The ROP names of an Execute's request (its response's when the request is missing), in order.
    pub rops: Vec<&'static str>,
    /// X-RequestId header.
    pub request_id: Option<String>,
    /// X-ClientInfo header.
    pub client_info: Option<String>,
    /// Client side of the connection, when known.
    pub client: Option<Endpoint>,
    /// Server side, when known.
    pub server: Option<Endpoint>,
    /// Connection number, when known.
    pub connection: Option<u32>,
    /// The decoded tree ([`Mode::Full`], MAPI/HTTP and Autodiscover exchanges).
    pub dissection: Option<Dissection<'static>>,
    /// Root node of the request in the dissection.
    pub request_root: Option<u32>,
    /// Root node of the response in the dissection.
    pub response_root: Option<u32>,
    /// What an Autodiscover exchange said.
    pub autodiscover: Option<AutodiscoverInfo>,
    /// Transport diagnostics: missing or truncated messages, HTTP errors, X-ResponseCode, gaps.
    pub diagnostics: Vec<CaptureDiag>,
}

impl MapiExchange {
    /// The request type as the `read --json` contract names it: the X-RequestType token, or
    /// `Autodiscover`; None for other HTTP.
    pub fn request_type_name(&self) -> Option<&'static str> {
        match self.kind {
            Kind::Mapi => self.request_type.map(|t| t.token()),
            Kind::Autodiscover => Some("Autodiscover"),
            Kind::Http => None,
        }
    }
}

/// One session: the exchanges of one Session Context (and its re-establishments).
#[derive(Clone, Debug, Default)]
pub struct SessionSummary {
    /// Session index (0-based, in order of first appearance).
    pub index: usize,
    /// Endpoint.
    pub endpoint: Option<MapiEndpoint>,
    /// What grouped the session's first exchange: `cookie MapiContext=…`, `X-RequestId {…}`,
    /// `X-ClientInfo {…}:n`, `connection n`, or `no session identifiers`.
    pub key: String,
    /// The user: UserDn of a Connect; for an address-book session, the UserDn of a mailbox session of
    /// the same client (X-ClientInfo GUID).
    pub user: Option<String>,
    /// X-ClientInfo of the first exchange that had one.
    pub client_info: Option<String>,
    /// Names of the session cookies seen (MapiContext, MapiSequence, others set on Connect/Bind).
    pub cookies: Vec<String>,
    /// First exchange time.
    pub first_time: Option<Time>,
    /// Last exchange time (last response byte when known).
    pub last_time: Option<Time>,
    /// Number of exchanges.
    pub requests: u32,
    /// Exchange indices, in order.
    pub exchanges: Vec<usize>,
    /// X-RequestId counter gaps: (previous counter, next counter).
    pub request_id_gaps: Vec<(u64, u64)>,
    /// Successful Connect/Bind after the first.
    pub reconnects: u32,
    /// Responses with X-ResponseCode 10 (Context Not Found).
    pub context_not_found: u32,
    /// Latest X-ExpirationInfo (ms).
    pub expiration_info: Option<u64>,
    /// Latest X-PendingPeriod (ms).
    pub pending_period: Option<u64>,
    /// PENDING keep-alives over all responses.
    pub pending: u32,
    /// Sum of X-ElapsedTime (ms).
    pub server_time_ms: u64,
    /// Sum of the exchanges' durations (s).
    pub response_time: f64,
    /// Exchanges with transport errors (HTTP status ≥ 400, X-ResponseCode ≠ 0, missing/truncated response).
    pub errors: u32,
}

/// A capture as MAPI exchanges and sessions.
#[derive(Clone, Debug)]
pub struct MapiCapture {
    /// Format the capture was read from.
    pub format: Format,
    /// Every exchange, in capture order.
    pub exchanges: Vec<MapiExchange>,
    /// Sessions.
    pub sessions: Vec<SessionSummary>,
    /// Diagnostics about the capture as a whole.
    pub diagnostics: Vec<CaptureDiag>,
    /// TCP connections that carried TLS.
    pub tls_connections: u32,
    /// Packets or entries read.
    pub packets: u64,
}

/// Reads a file in any supported format ([`crate::sniff::read`]) and builds its MAPI view.
pub fn read(bytes: &[u8], limits: &Limits, mode: Mode) -> Result<MapiCapture, ReadError> {
    crate::sniff::read(bytes, limits).map(|c| analyze(c, mode))
}

// ----- session tracking ----------------------------------------------------------------------

#[derive(Default)]
struct Tracker {
    sessions: Vec<SessionSummary>,
    /// Per session: the codec context, whether a Connect/Bind succeeded, the last X-RequestId.
    state: Vec<SessState>,
    by_cookie: HashMap<(String, String), usize>,
    by_request_id: HashMap<(Option<MapiEndpoint>, String), usize>,
    by_client_info: HashMap<(Option<MapiEndpoint>, String), usize>,
    by_connection: HashMap<(Option<MapiEndpoint>, u32), usize>,
    anonymous: HashMap<Option<MapiEndpoint>, usize>,
    /// Sessions whose context was lost (X-ResponseCode 10), by endpoint and client instance (the
    /// X-ClientInfo GUID, else the Connect's UserDn): the next Connect of that client reconnects them.
    lost: HashMap<(Option<MapiEndpoint>, String), usize>,
    /// X-RequestId counters per client instance (X-ClientInfo GUID, else X-RequestId GUID), all
    /// sessions together: a client may number the requests of all its sessions with one counter.
    counters: HashMap<String, Vec<u64>>,
}

#[derive(Default)]
struct SessState {
    ctx: Session,
    connected: bool,
    last_rid: Option<(String, u64)>,
    lost_context: bool,
}

fn is_session_cookie(name: &str) -> bool {
    name.eq_ignore_ascii_case("MapiContext") || name.eq_ignore_ascii_case("MapiSequence")
}

/// `Cookie: a=b; c=d` (all Cookie headers) → pairs.
fn request_cookies(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|p| p.trim().split_once('=').map(|(n, v)| (n.trim().to_string(), v.trim().to_string())))
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// `Set-Cookie: name=value; path=…` (all Set-Cookie headers) → name/value pairs.
fn set_cookies(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Set-Cookie"))
        .filter_map(|(_, v)| v.split(';').next()?.trim().split_once('=').map(|(n, v)| (n.trim().to_string(), v.trim().to_string())))
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

/// `{GUID}:123` → ("{GUID}" uppercased, 123).
fn guid_counter(v: &str) -> Option<(String, u64)> {
    let (g, n) = v.trim().rsplit_once(':')?;
    Some((g.trim().to_ascii_uppercase(), n.trim().parse().ok()?))
}

fn ep_key(ep: Option<MapiEndpoint>) -> String {
    ep.map_or("unknown endpoint", MapiEndpoint::name).to_string()
}

impl Identity {
    /// The client instance: the X-ClientInfo GUID, else the Connect's UserDn.
    fn client_key(&self) -> Option<String> {
        self.client_info.as_deref().and_then(client_guid).or_else(|| self.user.clone())
    }
}

impl Tracker {
    fn new_session(&mut self, ep: Option<MapiEndpoint>, key: String) -> usize {
        let i = self.sessions.len();
        self.sessions.push(SessionSummary { index: i, endpoint: ep, key, ..Default::default() });
        self.state.push(SessState::default());
        i
    }

    /// Finds or creates the session of an exchange from its identity headers. `new_context`: the
    /// request is a Connect or Bind, which without identifiers starts a session of its own.
    fn assign(&mut self, ep: Option<MapiEndpoint>, id: &Identity, new_context: bool) -> usize {
        let same_ep = |t: &Tracker, s: usize| t.sessions.get(s).is_some_and(|x| x.endpoint == ep);
        // 1. session cookies, then other registered cookies of the same endpoint.
        for pass in 0..2 {
            for (n, v) in &id.cookies {
                if is_session_cookie(n) != (pass == 0) {
                    continue;
                }
                if let Some(&s) = self.by_cookie.get(&(n.to_ascii_lowercase(), v.clone())) {
                    if pass == 0 || same_ep(self, s) {
                        return s;
                    }
                }
            }
        }
        // 2. X-RequestId GUID.
        if let Some((g, _)) = &id.request_id {
            if let Some(&s) = self.by_request_id.get(&(ep, g.clone())) {
                return s;
            }
        }
        // 3. X-ClientInfo.
        if let Some(ci) = &id.client_info {
            if let Some(&s) = self.by_client_info.get(&(ep, ci.to_ascii_uppercase())) {
                return s;
            }
        }
        // A new Connect of a client whose session lost its context reconnects that session.
        if new_context {
            if let Some(s) = id.client_key().and_then(|k| self.lost.remove(&(ep, k))) {
                return s;
            }
        }
        if let Some((g, _)) = &id.request_id {
            return self.new_session(ep, format!("X-RequestId {g}"));
        }
        if let Some(ci) = &id.client_info {
            return self.new_session(ep, format!("X-ClientInfo {ci}"));
        }
        if let Some((n, v)) = id.cookies.iter().find(|(n, _)| is_session_cookie(n)) {
            return self.new_session(ep, format!("cookie {n}={v}"));
        }
        // 4. the latest session on the same connection, else on the same endpoint.
        let latest = match id.connection {
            Some(c) => self.by_connection.get(&(ep, c)).copied(),
            None => self.anonymous.get(&ep).copied(),
        };
        match latest {
            Some(s) if !new_context => s,
            _ => {
                let key = match id.connection {
                    Some(c) => format!("connection {c}"),
                    None => format!("no session identifiers ({})", ep_key(ep)),
                };
                self.new_session(ep, key)
            }
        }
    }

    /// Makes `s` the latest session of its connection and endpoint (for traffic without identifiers).
    fn touch(&mut self, s: usize, ep: Option<MapiEndpoint>, connection: Option<u32>) {
        match connection {
            Some(c) => {
                self.by_connection.insert((ep, c), s);
            }
            None => {
                self.anonymous.insert(ep, s);
            }
        }
    }

    /// Records the identifiers of an exchange for its session.
    fn register(&mut self, s: usize, ep: Option<MapiEndpoint>, id: &Identity, set: &[(String, String)], connect_like: bool) {
        if let Some((g, _)) = &id.request_id {
            self.by_request_id.insert((ep, g.clone()), s);
        }
        if let Some(ci) = &id.client_info {
            self.by_client_info.entry((ep, ci.to_ascii_uppercase())).or_insert(s);
        }
        let Some(summary) = self.sessions.get_mut(s) else { return };
        if summary.client_info.is_none() {
            summary.client_info.clone_from(&id.client_info);
        }
        for (n, v) in set {
            if is_session_cookie(n) || connect_like {
                if !summary.cookies.iter().any(|c| c.eq_ignore_ascii_case(n)) {
                    summary.cookies.push(n.clone());
                }
                self.by_cookie.insert((n.to_ascii_lowercase(), v.clone()), s);
            }
        }
    }
}

/// The headers that identify a session, from the request (else the response, which echoes them).
struct Identity {
    /// UserDn of a Connect request (a fallback client key).
    user: Option<String>,
    cookies: Vec<(String, String)>,
    request_id: Option<(String, u64)>,
    request_id_text: Option<String>,
    client_info: Option<String>,
    connection: Option<u32>,
}

fn identity(ex: &HttpExchange) -> Identity {
    let get = |name: &str| -> Option<String> {
        ex.request
            .as_ref()
            .and_then(|r| r.header(name))
            .or_else(|| ex.response.as_ref().and_then(|r| r.header(name)))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let request_id_text = get("X-RequestId");
    let is_connect = ex.request.as_ref().and_then(|r| r.header("X-RequestType")).is_some_and(|t| t.trim().eq_ignore_ascii_case("Connect"));
    Identity {
        user: if is_connect { ex.request.as_ref().and_then(|r| connect_user_dn(&r.body)) } else { None },
        cookies: ex.request.as_ref().map(|r| request_cookies(&r.headers)).unwrap_or_default(),
        request_id: request_id_text.as_deref().and_then(guid_counter),
        request_id_text,
        client_info: get("X-ClientInfo"),
        connection: ex.connection,
    }
}

// ----- classification ------------------------------------------------------------------------

fn is_mapi_content_type(v: &str) -> bool {
    v.trim().to_ascii_lowercase().starts_with("application/mapi-http")
}

fn endpoint_of_path(uri: &str) -> Option<MapiEndpoint> {
    let p = url_path(uri).to_ascii_lowercase();
    if p.contains("/mapi/emsmdb") {
        Some(MapiEndpoint::Emsmdb)
    } else if p.contains("/mapi/nspi") {
        Some(MapiEndpoint::Nspi)
    } else {
        None
    }
}

/// Scans the text prefix of a MAPI/HTTP response body ([MS-OXCMAPIHTTP] 2.2.7 meta-tags, 2.2.2.2
/// additional headers) without decoding the binary body: what [`Mode::Index`] needs.
pub fn scan_envelope(body: &[u8]) -> Envelope {
    let mut env = Envelope::default();
    let mut pos = 0usize;
    let mut in_headers = false;
    // Meta-tags and headers are short lines; stop at the first line that is neither.
    while let Some(rest) = body.get(pos..) {
        let Some(nl) = rest.iter().take(512).position(|&c| c == b'\n') else { break };
        let line = rest.get(..nl).unwrap_or(&[]);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos += nl + 1;
        if in_headers {
            if line.is_empty() {
                env.body_offset = Some(pos);
                break;
            }
            let Ok(text) = core::str::from_utf8(line) else { break };
            let Some((k, v)) = text.split_once(':') else { break };
            if k.trim().eq_ignore_ascii_case("X-ResponseCode") {
                env.response_code = v.trim().parse().ok();
            } else if k.trim().eq_ignore_ascii_case("X-ElapsedTime") {
                env.elapsed_ms = v.trim().parse().ok();
            }
            continue;
        }
        match line {
            b"PROCESSING" => env.processing = true,
            b"PENDING" => env.pending += 1,
            b"DONE" => {
                env.done = true;
                in_headers = true;
            }
            _ => break,
        }
    }
    env
}

/// The ROP names in the subtree of `root`, in order.
fn rop_names(d: &Dissection<'_>, root: Option<u32>) -> Vec<&'static str> {
    let Some(r) = root else { return Vec::new() };
    let Some(n) = d.node(r) else { return Vec::new() };
    let range = d.nodes.get(r as usize..n.end as usize).unwrap_or(&[]);
    range
        .iter()
        .filter(|n| n.field.key == "mapihttp.rop.id")
        .filter_map(|n| match n.value {
            Value::UInt(v) => u8::try_from(v).ok().and_then(mapiscope_codec::rops::rop_name).map(|r| r.name),
            _ => None,
        })
        .collect()
}

/// The UserDn at the start of a Connect request body (a NUL-terminated 8-bit string).
fn connect_user_dn(body: &[u8]) -> Option<String> {
    let end = body.iter().take(4096).position(|&c| c == 0)?;
    let s: String = body.get(..end)?.iter().map(|&c| c as char).collect();
    (!s.is_empty()).then_some(s)
}

fn summary_line(rt: Option<RequestType>, rops: &[&str], user: Option<&str>, pending: u32) -> String {
    let Some(rt) = rt else { return String::from("MAPI/HTTP (no known X-RequestType)") };
    let mut s = String::from(rt.token());
    if !rops.is_empty() {
        s.push_str(": ");
        const SHOWN: usize = 16;
        s.push_str(&rops.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", "));
        if rops.len() > SHOWN {
            s.push_str(&format!(", … ({} ROPs)", rops.len()));
        }
    } else if let Some(u) = user {
        s.push_str(": ");
        s.push_str(u);
    }
    if pending > 0 {
        s.push_str(&format!(" ({pending} PENDING)"));
    }
    s
}

/// Detaches a dissection from the borrowed bodies: owned sources stay, borrowed ones (the HTTP bodies)
/// come back as `None` to be refilled by the caller with the moved bodies.
fn detach(d: Dissection<'_>) -> (Dissection<'static>, Vec<bool>) {
    let mut borrowed = Vec::with_capacity(d.sources.len());
    let sources = d
        .sources
        .into_iter()
        .map(|s| {
            let data = match s.data {
                std::borrow::Cow::Owned(v) => {
                    borrowed.push(false);
                    v
                }
                std::borrow::Cow::Borrowed(b) => {
                    // A reserved source never filled is empty and borrowed; keep it as an empty owned one.
                    borrowed.push(!b.is_empty());
                    Vec::new()
                }
            };
            mapiscope_codec::Source { name: s.name, data: std::borrow::Cow::Owned(data) }
        })
        .collect();
    (Dissection { nodes: d.nodes, roots: d.roots, diagnostics: d.diagnostics, sources, named: d.named }, borrowed)
}

fn refill(d: &mut Dissection<'static>, borrowed: &[bool], idx: usize, body: Vec<u8>) {
    if borrowed.get(idx).copied().unwrap_or(false) {
        if let Some(s) = d.sources.get_mut(idx) {
            s.data = std::borrow::Cow::Owned(body);
        }
    }
}

/// The name of an X-ResponseCode ([MS-OXCMAPIHTTP] 2.2.3.3.3), `unknown` for other values.
pub fn response_code_name(code: u32) -> &'static str {
    mapiscope_codec::tree::lookup(mapiscope_codec::mapihttp::fields::RESPONSE_CODES, code.into()).unwrap_or("unknown")
}

/// Whether a response body's first two words after the meta-tags and additional headers —
/// StatusCode and ErrorCode of the Connect ([MS-OXCMAPIHTTP] 2.2.4.1.2) and Bind (2.2.5.1.2)
/// response bodies, StatusCode of a failure body (2.2.2.2) — say the request failed.
fn status_or_error_code_set(body: &[u8]) -> bool {
    let Some(off) = scan_envelope(body).body_offset else { return false };
    let word = |at: usize| body.get(off + at..off + at + 4).and_then(|b| <[u8; 4]>::try_from(b).ok()).map(u32::from_le_bytes);
    word(0).is_some_and(|v| v != 0) || word(4).is_some_and(|v| v != 0)
}

fn num_header(ex: &HttpExchange, name: &str) -> Option<u64> {
    ex.response.as_ref().and_then(|r| r.header(name)).and_then(|v| v.trim().parse().ok())
}

/// Builds the MAPI view of a capture. The capture's bodies move into the dissections.
pub fn analyze(capture: HttpCapture, mode: Mode) -> MapiCapture {
    let mut out = Vec::with_capacity(capture.exchanges.len());
    let mut c = analyze_with(capture, mode, |x| out.push(x));
    c.exchanges = out;
    c
}

/// Like [`analyze`], but hands each exchange to `each` as soon as it is built instead of keeping
/// it: memory stays bounded by the capture plus one exchange's tree, whatever the capture holds
/// (for `read -V` / `--json` of large captures). The result has the sessions and diagnostics and no
/// exchanges. Exchanges come in capture order with the same content as from [`analyze`].
pub fn analyze_with(capture: HttpCapture, mode: Mode, mut each: impl FnMut(MapiExchange)) -> MapiCapture {
    let HttpCapture { format, exchanges, diagnostics, tls_connections, packets } = capture;
    let mut t = Tracker::default();
    // X-RequestId counters of every client instance first, so a counter jump can be judged at once.
    for ex in &exchanges {
        let id = identity(ex);
        if let (Some((_, n)), Some(client)) = (&id.request_id, counter_client(&id)) {
            t.counters.entry(client).or_default().push(*n);
        }
    }
    for v in t.counters.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    for (index, ex) in exchanges.into_iter().enumerate() {
        each(one(index, ex, mode, format, &mut t));
    }
    let sessions = finish_sessions(t);
    MapiCapture { format, exchanges: Vec::new(), sessions, diagnostics, tls_connections, packets }
}

/// Reads a file like [`read`] and hands each exchange to `each` as it is built, like
/// [`analyze_with`], calling `progress(bytes of the file read)` as it goes (see
/// [`crate::sniff::read_progress`]). A pcap or pcapng file is analysed while it is read
/// ([`crate::pcap::read_pcap_each`]): an exchange is built as soon as its messages are complete and
/// its bodies are dropped after `each`, so memory holds the file, the exchanges in flight and one
/// tree, not every body of the capture. The other formats are read whole first.
///
/// Streamed, an X-RequestId counter jump is judged against the counters of the exchanges before it
/// (the batch [`analyze_with`] knows those of the whole capture): a jump whose skipped counters a
/// later exchange of the same client uses is then reported as a gap. Exchanges come in the order of
/// [`read`] as long as the capture's timestamps do not go back.
pub fn read_each(
    bytes: &[u8],
    limits: &Limits,
    mode: Mode,
    progress: &mut dyn FnMut(usize),
    mut each: impl FnMut(MapiExchange),
) -> Result<MapiCapture, ReadError> {
    let Some(format) = crate::pcap::detect(bytes) else {
        return crate::sniff::read_progress(bytes, limits, progress).map(|c| analyze_with(c, mode, each));
    };
    let mut t = Tracker::default();
    let mut index = 0usize;
    let capture = crate::pcap::read_pcap_each(bytes, limits, progress, &mut |ex| {
        let id = identity(&ex);
        if let (Some((_, n)), Some(client)) = (&id.request_id, counter_client(&id)) {
            let v = t.counters.entry(client).or_default();
            if let Err(at) = v.binary_search(n) {
                v.insert(at, *n);
            }
        }
        each(one(index, ex, mode, format, &mut t));
        index += 1;
    })?;
    let HttpCapture { diagnostics, tls_connections, packets, .. } = capture;
    let sessions = finish_sessions(t);
    Ok(MapiCapture { format, exchanges: Vec::new(), sessions, diagnostics, tls_connections, packets })
}

/// The sessions at the end: address-book sessions take the user of a mailbox session of the same
/// client instance.
fn finish_sessions(t: Tracker) -> Vec<SessionSummary> {
    let mut sessions = t.sessions;
    // Address-book sessions take the user of a mailbox session of the same client instance.
    let users: HashMap<String, String> = sessions
        .iter()
        .filter_map(|s| Some((client_guid(s.client_info.as_deref()?)?, s.user.clone()?)))
        .collect();
    for s in sessions.iter_mut().filter(|s| s.user.is_none()) {
        if let Some(u) = s.client_info.as_deref().and_then(client_guid).and_then(|g| users.get(&g)) {
            s.user = Some(u.clone());
        }
    }
    sessions
}

/// The client instance whose counter numbers an X-RequestId: the X-ClientInfo GUID, else the
/// X-RequestId GUID.
fn counter_client(id: &Identity) -> Option<String> {
    id.client_info.as_deref().and_then(client_guid).or_else(|| id.request_id.as_ref().map(|(g, _)| g.clone()))
}

/// Judges an X-RequestId counter step `a` → `b` within a session: a jump is a gap only for the
/// counters no request of the same client used; a step back always is. Returns the message.
fn gap_message(t: &Tracker, client: &str, a: u64, b: u64) -> Option<String> {
    if b < a {
        return Some(format!("X-RequestId counter went back: {a} → {b}"));
    }
    let used = t.counters.get(client).map_or(0, |v| {
        let lo = v.partition_point(|&c| c <= a);
        let hi = v.partition_point(|&c| c < b);
        hi.saturating_sub(lo) as u64
    });
    let missing = b.saturating_sub(a).saturating_sub(1).saturating_sub(used);
    if missing == 0 {
        return None;
    }
    let plural = if missing == 1 { "" } else { "s" };
    Some(format!("X-RequestId counter skipped: {a} → {b} ({missing} request{plural} of this client not in the capture)"))
}

fn client_guid(ci: &str) -> Option<String> {
    let g = ci.split(':').next()?.trim();
    (!g.is_empty()).then(|| g.to_ascii_uppercase())
}

/// The time of an exchange as [`MapiExchange::time`] gives it: the request time, else the first
/// response byte, else the last (for a caller that needs the capture's first time before analysing).
pub fn exchange_time(ex: &HttpExchange) -> Option<Time> {
    let req = ex.request.as_ref();
    let resp = ex.response.as_ref();
    req.and_then(|r| r.time).or_else(|| resp.and_then(|r| r.first_byte_time.or(r.end_time)))
}

fn one(index: usize, mut ex: HttpExchange, mode: Mode, format: Format, t: &mut Tracker) -> MapiExchange {
    let time = exchange_time(&ex);
    let req = ex.request.as_ref();
    let resp = ex.response.as_ref();
    let method = req.map(|r| r.method.clone()).unwrap_or_default();
    let uri = req.map(|r| r.uri.clone()).unwrap_or_default();
    let duration = match (req.and_then(|r| r.time), resp.and_then(|r| r.end_time)) {
        (Some(a), Some(b)) if b >= a => Some(b - a),
        _ => None,
    };
    let rt_header = req.and_then(|r| r.header("X-RequestType")).or_else(|| resp.and_then(|r| r.header("X-RequestType")));
    let mapi_ct = req.and_then(|r| r.header("Content-Type")).is_some_and(is_mapi_content_type)
        || resp.and_then(|r| r.header("Content-Type")).is_some_and(is_mapi_content_type);
    let kind = if autodiscover::is_autodiscover(&uri) {
        Kind::Autodiscover
    } else if rt_header.is_some() || mapi_ct {
        Kind::Mapi
    } else {
        Kind::Http
    };
    let mut x = MapiExchange {
        index,
        time,
        kind,
        session: None,
        endpoint: None,
        request_type: None,
        method,
        uri,
        status: resp.map(|r| r.status),
        response_code: None,
        elapsed_ms: None,
        pending: 0,
        duration,
        summary: String::new(),
        rops: Vec::new(),
        request_id: None,
        client_info: None,
        client: ex.client.clone(),
        server: ex.server.clone(),
        connection: ex.connection,
        dissection: None,
        request_root: None,
        response_root: None,
        autodiscover: None,
        diagnostics: std::mem::take(&mut ex.diagnostics),
    };
    // Transport problems common to every kind.
    if ex.request.is_none() && format != Format::BareBody {
        x.diagnostics.push(CaptureDiag::new(Severity::Warning, "no request captured (response only)"));
    }
    match &ex.response {
        None if format != Format::BareBody => x.diagnostics.push(CaptureDiag::new(Severity::Warning, "no response captured")),
        Some(r) if !r.complete => x.diagnostics.push(CaptureDiag::new(
            Severity::Error,
            format!("response incomplete: {} body bytes captured before the capture ends or a gap cuts it", r.body.len()),
        )),
        _ => {}
    }
    if let Some(r) = &ex.response {
        if r.status >= 400 {
            let sev = if r.status >= 500 { Severity::Error } else { Severity::Warning };
            x.diagnostics.push(CaptureDiag::new(sev, format!("HTTP {} {}", r.status, r.reason).trim_end().to_string()));
        }
    }
    match kind {
        Kind::Http => {
            x.summary = match &ex.response {
                Some(r) => format!("{} {} → {}", x.method, shorten(&x.uri), r.status),
                None => format!("{} {}", x.method, shorten(&x.uri)),
            };
            if x.method.eq_ignore_ascii_case("CONNECT") {
                x.summary.push_str(" (tunnel: the traffic inside is encrypted)");
            }
        }
        Kind::Autodiscover => {
            let d = autodiscover::decode(ex.request.as_ref(), ex.response.as_ref());
            x.summary = d.info.summary();
            x.autodiscover = Some(d.info);
            if mode == Mode::Full {
                x.request_root = d.request_root;
                x.response_root = d.response_root;
                let (mut owned, borrowed) = detach(d.dissection);
                let has_req = ex.request.is_some();
                if let Some(r) = ex.request.as_mut() {
                    refill(&mut owned, &borrowed, 0, std::mem::take(&mut r.body));
                }
                if let Some(r) = ex.response.as_mut() {
                    refill(&mut owned, &borrowed, usize::from(has_req), std::mem::take(&mut r.body));
                }
                x.dissection = Some(owned);
            }
        }
        Kind::Mapi => mapi_exchange(&mut x, ex, mode, t),
    }
    x
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= 120 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(119).collect::<String>())
    }
}

/// The bodies the decoder reads: the request body, and the response body unless the response is a
/// non-2xx one without a body (a 401 during authentication has nothing to decode). Shared by
/// [`Mode::Full`] and the lazy viewer ([`crate::lazy`]) so both decode the same.
pub(crate) fn decodable_bodies(ex: &HttpExchange) -> (Option<&[u8]>, Option<&[u8]>) {
    let req = ex.request.as_ref().map(|r| r.body.as_slice());
    let resp = ex.response.as_ref().filter(|r| !r.body.is_empty() || (200..300).contains(&r.status)).map(|r| r.body.as_slice());
    (req, resp)
}

/// Whether a Connect or Bind request starts a new Session Context in a session whose context was
/// established before (`connected`): [MS-OXCMAPIHTTP] 3.1.5.1, a reconnect gets new handles.
pub(crate) fn starts_new_context(rt: Option<RequestType>, ex: &HttpExchange, connected: bool) -> bool {
    connected && ex.request.is_some() && matches!(rt, Some(RequestType::Connect | RequestType::Bind))
}

/// Whether the exchange establishes a Session Context: a Connect or Bind with a 2xx response,
/// X-ResponseCode 0 (or none), and a body whose StatusCode and ErrorCode are 0 (when the body is
/// still in `ex`; [`Mode::Full`] checks it before moving the body into the dissection).
pub(crate) fn establishes_context(rt: Option<RequestType>, ex: &HttpExchange, response_code: Option<u32>) -> bool {
    matches!(rt, Some(RequestType::Connect | RequestType::Bind))
        && ex.response.as_ref().is_some_and(|r| (200..300).contains(&r.status) && !status_or_error_code_set(&r.body))
        && response_code.unwrap_or(0) == 0
}

fn mapi_exchange(x: &mut MapiExchange, mut ex: HttpExchange, mode: Mode, t: &mut Tracker) {
    let req = ex.request.as_ref();
    let resp = ex.response.as_ref();
    let rt_text = req.and_then(|r| r.header("X-RequestType")).or_else(|| resp.and_then(|r| r.header("X-RequestType")));
    let rt = rt_text.and_then(RequestType::from_token);
    match (rt_text, rt) {
        (None, _) => x.diagnostics.push(CaptureDiag::new(Severity::Warning, "MAPI/HTTP content type without an X-RequestType header: bodies not decoded")),
        (Some(s), None) => x.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("unknown X-RequestType {s:?}: bodies not decoded"))),
        _ => {}
    }
    x.request_type = rt;
    let path_ep = endpoint_of_path(&x.uri);
    let type_ep = rt.and_then(|t| match t.endpoint() {
        mapiscope_codec::Endpoint::Emsmdb => Some(MapiEndpoint::Emsmdb),
        mapiscope_codec::Endpoint::Nspi => Some(MapiEndpoint::Nspi),
        mapiscope_codec::Endpoint::Both => None,
    });
    if let (Some(p), Some(te), Some(rt)) = (path_ep, type_ep, rt) {
        if p != te {
            x.diagnostics.push(CaptureDiag::new(
                Severity::Warning,
                format!("{} is a {} request type but was sent to /mapi/{}", rt.token(), te.name(), p.name()),
            ));
        }
    }
    let ep = path_ep.or(type_ep);
    x.endpoint = ep;
    let id = identity(&ex);
    x.request_id.clone_from(&id.request_id_text);
    x.client_info.clone_from(&id.client_info);
    let connect_like = matches!(rt, Some(RequestType::Connect | RequestType::Bind));
    let s = t.assign(ep, &id, connect_like && ex.request.is_some());
    t.touch(s, ep, id.connection);
    x.session = Some(s);

    // Response envelope facts from the HTTP headers (the body's additional headers win below).
    let header_code = resp.and_then(|r| r.header("X-ResponseCode")).and_then(|v| v.trim().parse::<u32>().ok());
    let header_elapsed = resp.and_then(|r| r.header("X-ElapsedTime")).and_then(|v| v.trim().parse::<u32>().ok());
    let status_ok = resp.is_some_and(|r| (200..300).contains(&r.status));
    let user = match (rt, req) {
        (Some(RequestType::Connect), Some(r)) => connect_user_dn(&r.body),
        _ => None,
    };
    let set = resp.map(|r| set_cookies(&r.headers)).unwrap_or_default();
    // A Connect or Bind the body fails (StatusCode or ErrorCode ≠ 0) makes no Session Context.
    let body_failed = connect_like && resp.is_some_and(|r| status_or_error_code_set(&r.body));
    let expiration = num_header(&ex, "X-ExpirationInfo");
    let pending_period = num_header(&ex, "X-PendingPeriod");

    // A Connect/Bind in a session whose context was established before starts a new context.
    let mut reconnect = false;
    if let Some(st) = t.state.get_mut(s) {
        if starts_new_context(rt, &ex, st.connected) {
            st.ctx = Session::default();
            reconnect = true;
        }
    }

    // Decode.
    let mut env: Option<Envelope> = None;
    if let Some(rt) = rt {
        let (req_body, resp_body) = decodable_bodies(&ex);
        match mode {
            Mode::Full => {
                let mut scratch = Session::default();
                let ctx = t.state.get_mut(s).map_or(&mut scratch, |st| &mut st.ctx);
                let (d, e) = decode_exchange_in(ctx, rt, req_body, resp_body);
                let (rq, rs) = mapiscope_codec::json::roots(&d, req_body.is_some(), resp_body.is_some());
                x.request_root = rq;
                x.response_root = rs;
                x.rops = if rt == RequestType::Execute { rop_names(&d, rq.or(rs)) } else { Vec::new() };
                env = e;
                let has_req = req_body.is_some();
                let has_resp = resp_body.is_some();
                let resp_src = usize::from(mapiscope_codec::json::response_source(&d, has_req));
                let (mut owned, borrowed) = detach(d);
                if has_req {
                    if let Some(r) = ex.request.as_mut() {
                        refill(&mut owned, &borrowed, 0, std::mem::take(&mut r.body));
                    }
                }
                if has_resp {
                    if let Some(r) = ex.response.as_mut() {
                        refill(&mut owned, &borrowed, resp_src, std::mem::take(&mut r.body));
                    }
                }
                x.dissection = Some(owned);
            }
            Mode::Index => {
                if rt == RequestType::Execute {
                    let mut scratch = Session::default();
                    // Lean: the tree is only read for its ROP ids, no display texts are built.
                    if let Some(b) = req_body {
                        let (d, _) = mapiscope_codec::decode_exchange_lean(&mut scratch, rt, Some(b), None);
                        x.rops = rop_names(&d, d.roots.first().copied());
                    } else if let Some(b) = resp_body {
                        let (d, _) = mapiscope_codec::decode_exchange_lean(&mut scratch, rt, None, Some(b));
                        x.rops = rop_names(&d, d.roots.first().copied());
                    }
                }
                env = resp_body.map(scan_envelope);
            }
        }
    }
    let env = env.unwrap_or_default();
    x.pending = env.pending;
    x.response_code = env.response_code.or(header_code);
    x.elapsed_ms = env.elapsed_ms.or(header_elapsed);
    x.summary = summary_line(rt, &x.rops, user.as_deref(), x.pending);

    // Transport diagnostics of MAPI/HTTP.
    let mut error = x.diagnostics.iter().any(|d| d.severity >= Severity::Warning);
    if let Some(code) = x.response_code.filter(|&c| c != 0) {
        let more = if code == 10 { ": the Session Context is gone; the client must Connect again" } else { "" };
        x.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("X-ResponseCode {code} ({}){more}", response_code_name(code))));
        error = true;
    }

    // Session bookkeeping.
    let success = status_ok && x.response_code.unwrap_or(0) == 0 && !body_failed;
    let mut gap: Option<(u64, u64)> = None;
    if let (Some((g, n)), Some(client)) = (&id.request_id, counter_client(&id)) {
        let last = t.state.get(s).and_then(|st| st.last_rid.clone());
        if let Some((lg, ln)) = last {
            if lg == *g && *n != ln && *n != ln.saturating_add(1) {
                if let Some(msg) = gap_message(t, &client, ln, *n) {
                    x.diagnostics.push(CaptureDiag::new(Severity::Note, msg));
                    gap = Some((ln, *n));
                }
            }
        }
        if let Some(st) = t.state.get_mut(s) {
            st.last_rid = Some((g.clone(), *n));
        }
    }
    if let Some(st) = t.state.get_mut(s) {
        if establishes_context(rt, &ex, x.response_code) && !body_failed {
            st.connected = true;
        }
        if x.response_code == Some(10) {
            st.lost_context = true;
        }
    }
    if x.response_code == Some(10) {
        if let Some(k) = id.client_key().or_else(|| t.sessions.get(s).and_then(|x| x.user.clone())) {
            t.lost.insert((ep, k), s);
        }
    }
    let reconnect = reconnect && success;
    let after_loss = reconnect && t.state.get(s).is_some_and(|st| st.lost_context);
    if reconnect {
        let why = if after_loss { " after X-ResponseCode 10 (Context Not Found)" } else { "" };
        x.diagnostics.push(CaptureDiag::new(Severity::Note, format!("reconnect: a new Session Context{why}")));
        if let Some(st) = t.state.get_mut(s) {
            st.lost_context = false;
        }
    }
    t.register(s, ep, &id, &set, connect_like);
    if let Some(sum) = t.sessions.get_mut(s) {
        sum.requests = sum.requests.saturating_add(1);
        sum.exchanges.push(x.index);
        if let Some(g) = gap {
            sum.request_id_gaps.push(g);
        }
        if sum.user.is_none() {
            sum.user = user;
        }
        if let Some(tm) = x.time {
            if sum.first_time.is_none_or(|f| tm < f) {
                sum.first_time = Some(tm);
            }
        }
        let last = ex.response.as_ref().and_then(|r| r.end_time).or(x.time);
        if let Some(tm) = last {
            if sum.last_time.is_none_or(|l| tm > l) {
                sum.last_time = Some(tm);
            }
        }
        if reconnect {
            sum.reconnects = sum.reconnects.saturating_add(1);
        }
        if x.response_code == Some(10) {
            sum.context_not_found = sum.context_not_found.saturating_add(1);
        }
        if expiration.is_some() {
            sum.expiration_info = expiration;
        }
        if pending_period.is_some() {
            sum.pending_period = pending_period;
        }
        sum.pending = sum.pending.saturating_add(x.pending);
        sum.server_time_ms = sum.server_time_ms.saturating_add(u64::from(x.elapsed_ms.unwrap_or(0)));
        sum.response_time += x.duration.unwrap_or(0.0);
        if error {
            sum.errors = sum.errors.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod samples;
#[cfg(test)]
mod robust;
