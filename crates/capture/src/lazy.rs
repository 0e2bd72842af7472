//! A capture opened for a viewer: the exchange list at indexing speed, the full tree of one exchange
//! when it is asked for.
//!
//! [`LazyCapture::open`] reads the file ([`crate::sniff::read`]) and builds the list with
//! [`Mode::Index`] (request types, ROP names, status, sessions — no trees). It keeps the HTTP
//! messages (headers and bodies); the file itself can be dropped. [`LazyCapture::exchange`] then
//! builds the tree of one exchange exactly as [`Mode::Full`] would: a MAPI/HTTP exchange is decoded
//! with the ROP context of its session ([MS-OXCROPS]: RopSetColumns of an earlier Execute types the
//! RopQueryRows rows of a later one), obtained by decoding that session's earlier exchanges in order
//! with one codec [`Session`]. The context is kept per session (the position reached, plus a copy
//! every [`CHECKPOINT`] exchanges), so walking forward through a session costs one decode per
//! exchange and jumping back restarts from the nearest checkpoint.
//!
//! Memory: the kept messages are about the size of the capture's HTTP payloads; while indexing, a
//! second copy holds only what indexing reads (request bodies, the meta-tag prefix of response
//! bodies, whole bodies of Autodiscover and response-only exchanges).
//!
//! Also here: the JSON of a list row ([`row`]) and of an exchange's detail ([`detail`]) that the
//! wasm API and the web viewer use.

use std::borrow::Cow;
use std::fmt::Write as _;

use mapiscope_codec::json::{node, sources, string};
use mapiscope_codec::{decode_exchange_in, Dissection, Session, Severity, Source};

use crate::json::{exchange_head, opt_f64, opt_num, opt_str};
use crate::mapi::{analyze_with, decodable_bodies, establishes_context, response_code_name, scan_envelope, starts_new_context, Kind, MapiCapture, MapiExchange, Mode};
use crate::model::{Format, HttpCapture, HttpExchange, HttpResponse, Limits, ReadError};

/// A copy of a session's decoding context is kept every this many exchanges of the session.
pub const CHECKPOINT: usize = 64;

/// How far a session's context has been carried: `ctx` is the state before the exchange at
/// position `next` of the session (positions index [`crate::mapi::SessionSummary::exchanges`]).
#[derive(Clone, Default)]
struct Cursor {
    next: usize,
    ctx: Session,
    /// A Connect/Bind of the session succeeded (the next one is a reconnect and resets `ctx`).
    connected: bool,
}

/// A capture with its exchange list built and its trees built on demand.
pub struct LazyCapture {
    /// The index: every exchange (without trees), the sessions, the capture diagnostics.
    index: MapiCapture,
    /// The HTTP messages, by exchange index.
    messages: Vec<HttpExchange>,
    /// Per session: the context reached by walking forward.
    cursors: Vec<Cursor>,
    /// Per session: checkpoints at positions 0, CHECKPOINT, 2·CHECKPOINT, … reached so far.
    checkpoints: Vec<Vec<Cursor>>,
    /// The last exchange built (a viewer asks for its tree, then for its sources).
    last: Option<MapiExchange>,
}

/// The short token of a format (`pcap`, `pcapng`, `har`, `saz`, `raw-http`, `bare-body`).
pub fn format_token(f: Format) -> &'static str {
    match f {
        Format::Pcap => "pcap",
        Format::PcapNg => "pcapng",
        Format::Har => "har",
        Format::Saz => "saz",
        Format::RawHttp => "raw-http",
        Format::BareBody => "bare-body",
    }
}

/// Reads a capture in any supported format like [`crate::sniff::read`], calling
/// `progress(bytes done, total)` while reading pcap/pcapng (about every MiB) and at the start and
/// end for the other formats.
pub fn read_with_progress(bytes: &[u8], limits: &Limits, progress: &mut dyn FnMut(u64, u64)) -> Result<HttpCapture, ReadError> {
    let total = bytes.len() as u64;
    progress(0, total);
    let c = match crate::pcap::detect(bytes) {
        Some(_) => crate::pcap::read_pcap_progress(bytes, limits, &mut |done| progress((done as u64).min(total), total))?,
        None => crate::sniff::read(bytes, limits)?,
    };
    progress(total, total);
    Ok(c)
}

impl LazyCapture {
    /// Reads `bytes` (any supported format) and indexes it. `progress(done, total)` is called as the
    /// work advances: reading counts as the first half of `total` (the file size), indexing as the
    /// second half.
    pub fn open(bytes: &[u8], limits: &Limits, progress: &mut dyn FnMut(u64, u64)) -> Result<LazyCapture, ReadError> {
        let total = bytes.len() as u64;
        let half = total / 2;
        let capture = read_with_progress(bytes, limits, &mut |done, t| progress(scale(done, t, half), total))?;
        Ok(Self::index(capture, &mut |done, t| progress(half + scale(done, t, total - half), total)))
    }

    /// Indexes a capture already read. `progress(exchanges done, exchanges)`.
    pub fn index(capture: HttpCapture, progress: &mut dyn FnMut(u64, u64)) -> LazyCapture {
        let HttpCapture { format, exchanges, diagnostics, tls_connections, packets } = capture;
        let slim = HttpCapture {
            format,
            exchanges: exchanges.iter().map(index_copy).collect(),
            diagnostics,
            tls_connections,
            packets,
        };
        let n = slim.exchanges.len() as u64;
        let step = (n / 100).max(1);
        let mut list = Vec::with_capacity(exchanges.len());
        progress(0, n);
        let mut index = analyze_with(slim, Mode::Index, |x| {
            list.push(x);
            let k = list.len() as u64;
            if k.is_multiple_of(step) {
                progress(k, n);
            }
        });
        progress(n, n);
        index.exchanges = list;
        let sessions = index.sessions.len();
        LazyCapture {
            index,
            messages: exchanges,
            cursors: vec![Cursor::default(); sessions],
            checkpoints: vec![Vec::new(); sessions],
            last: None,
        }
    }

    /// The index: exchanges without trees (as [`Mode::Index`] builds them), sessions, diagnostics.
    pub fn capture(&self) -> &MapiCapture {
        &self.index
    }

    /// Number of exchanges.
    pub fn len(&self) -> usize {
        self.index.exchanges.len()
    }

    /// True when the capture has no exchange.
    pub fn is_empty(&self) -> bool {
        self.index.exchanges.is_empty()
    }

    /// The HTTP messages of exchange `i`.
    pub fn message(&self, i: usize) -> Option<&HttpExchange> {
        self.messages.get(i)
    }

    /// Exchange `i` with its tree, equal to `mapi::read(…, Mode::Full)`'s exchange `i`. The result
    /// stays available from [`LazyCapture::last`] until another exchange is built.
    pub fn exchange(&mut self, i: usize) -> Option<&MapiExchange> {
        if self.last.as_ref().is_some_and(|x| x.index == i) {
            return self.last.as_ref();
        }
        let x = self.build(i)?;
        self.last = Some(x);
        self.last.as_ref()
    }

    /// The exchange built last, if any.
    pub fn last(&self) -> Option<&MapiExchange> {
        self.last.as_ref()
    }

    fn build(&mut self, i: usize) -> Option<MapiExchange> {
        let mut x = self.index.exchanges.get(i)?.clone();
        match x.kind {
            Kind::Http => {}
            Kind::Autodiscover => {
                let ex = self.messages.get(i)?;
                let d = crate::autodiscover::decode(ex.request.as_ref(), ex.response.as_ref());
                x.request_root = d.request_root;
                x.response_root = d.response_root;
                x.dissection = Some(owned(d.dissection));
            }
            Kind::Mapi => {
                let Some(s) = x.session else { return Some(x) };
                // (An exchange missing from its session's list cannot happen; it would be decoded
                // without context rather than not at all.)
                let found = self.context_before(s, i);
                let in_session = found.is_some();
                let mut cur = found.unwrap_or_default();
                let ex = self.messages.get(i)?;
                if let Some((d, rq, rs)) = decode_step(&mut cur, &x, ex) {
                    x.request_root = rq;
                    x.response_root = rs;
                    x.dissection = Some(owned(d));
                }
                if in_session {
                    self.keep(s, cur);
                }
            }
        }
        Some(x)
    }

    /// The context of session `s` just before its exchange `i`: from the cursor or the nearest
    /// checkpoint at or before it, walking forward. Returns the cursor positioned at `i`.
    fn context_before(&mut self, s: usize, i: usize) -> Option<Cursor> {
        let target = self.index.sessions.get(s)?.exchanges.binary_search(&i).ok()?;
        let cursor_next = self.cursors.get(s).map(|c| c.next).filter(|&n| n <= target);
        let from_checkpoint = self.checkpoints.get(s).and_then(|v| v.iter().rev().find(|c| c.next <= target));
        // The session's cursor is moved out, not copied (a session's codec state grows with the
        // capture: copying it for every exchange made a pass over a big capture quadratic);
        // `keep` puts the advanced cursor back.
        let take_cursor = |cursors: &mut Vec<Cursor>| cursors.get_mut(s).map(std::mem::take).unwrap_or_default();
        let mut cur = match (cursor_next, from_checkpoint) {
            (Some(a), Some(b)) if a >= b.next => take_cursor(&mut self.cursors),
            (_, Some(b)) => b.clone(),
            (Some(_), None) => take_cursor(&mut self.cursors),
            (None, None) => Cursor::default(),
        };
        while cur.next < target {
            checkpoint(&mut self.checkpoints, s, &cur);
            let j = *self.index.sessions.get(s)?.exchanges.get(cur.next)?;
            if let (Some(x), Some(ex)) = (self.index.exchanges.get(j), self.messages.get(j)) {
                let _ = decode_step(&mut cur, x, ex);
            }
            cur.next += 1;
        }
        checkpoint(&mut self.checkpoints, s, &cur);
        Some(cur)
    }

    /// Stores the cursor after the exchange at its position was decoded.
    fn keep(&mut self, s: usize, mut cur: Cursor) {
        cur.next += 1;
        if let Some(c) = self.cursors.get_mut(s) {
            *c = cur;
        }
    }
}

/// Stores a copy of `cur` when it is at a checkpoint position not stored yet.
fn checkpoint(all: &mut [Vec<Cursor>], s: usize, cur: &Cursor) {
    if !cur.next.is_multiple_of(CHECKPOINT) {
        return;
    }
    if let Some(v) = all.get_mut(s) {
        let at = v.partition_point(|c| c.next < cur.next);
        if v.get(at).is_none_or(|c| c.next != cur.next) {
            v.insert(at, cur.clone());
        }
    }
}

fn scale(done: u64, total: u64, to: u64) -> u64 {
    if total == 0 {
        return to;
    }
    (u128::from(done.min(total)) * u128::from(to) / u128::from(total)) as u64
}

/// What indexing reads of an exchange: the request in full (Execute ROP names, the Connect's
/// UserDn), a response body only as far as its meta-tags and additional headers
/// ([`scan_envelope`]) — whole for Autodiscover, for a response without its request (indexing then
/// decodes the response for ROP names) and for an incomplete response (its length is reported).
fn index_copy(ex: &HttpExchange) -> HttpExchange {
    let whole = ex.request.is_none()
        || ex.request.as_ref().is_some_and(|r| crate::autodiscover::is_autodiscover(&r.uri))
        || ex.response.as_ref().is_some_and(|r| !r.complete);
    let response = ex.response.as_ref().map(|r| {
        if whole {
            return r.clone();
        }
        let body = envelope_prefix(&r.body);
        HttpResponse {
            status: r.status,
            reason: r.reason.clone(),
            headers: r.headers.clone(),
            body: body.to_vec(),
            first_byte_time: r.first_byte_time,
            end_time: r.end_time,
            chunk_times: r.chunk_times.clone(),
            complete: r.complete,
        }
    });
    HttpExchange {
        request: ex.request.clone(),
        response,
        client: ex.client.clone(),
        server: ex.server.clone(),
        connection: ex.connection,
        diagnostics: ex.diagnostics.clone(),
    }
}

/// The shortest prefix of a response body whose envelope scan equals the whole body's (the
/// meta-tags and additional headers up to their empty line); the whole body when there is no
/// such end, or a 64 KiB prefix when scanning it gives the same result.
fn envelope_prefix(body: &[u8]) -> &[u8] {
    let env = scan_envelope(body);
    if let Some(end) = env.body_offset.filter(|&o| o > 0) {
        return body.get(..end).unwrap_or(body);
    }
    if body.is_empty() {
        return body;
    }
    let cut = body.get(..body.len().min(64 << 10)).unwrap_or(body);
    if !cut.is_empty() && scan_envelope(cut) == env {
        cut
    } else {
        body
    }
}

/// Decodes one MAPI/HTTP exchange of a session as [`Mode::Full`] does, with its rules
/// ([`decodable_bodies`], [`starts_new_context`], [`establishes_context`]).
fn decode_step<'a>(cur: &mut Cursor, x: &MapiExchange, ex: &'a HttpExchange) -> Option<(Dissection<'a>, Option<u32>, Option<u32>)> {
    let rt = x.request_type?;
    if starts_new_context(Some(rt), ex, cur.connected) {
        cur.ctx = Session::default();
    }
    let (req, resp) = decodable_bodies(ex);
    let (d, _) = decode_exchange_in(&mut cur.ctx, rt, req, resp);
    let (rq, rs) = mapiscope_codec::json::roots(&d, req.is_some(), resp.is_some());
    if establishes_context(Some(rt), ex, x.response_code) {
        cur.connected = true;
    }
    Some((d, rq, rs))
}

/// The dissection with every source owned.
fn owned(d: Dissection<'_>) -> Dissection<'static> {
    let sources = d.sources.into_iter().map(|s| Source { name: s.name, data: Cow::Owned(s.data.into_owned()) }).collect();
    Dissection { nodes: d.nodes, roots: d.roots, diagnostics: d.diagnostics, sources, named: d.named }
}

// ----- JSON for viewers -------------------------------------------------------------------------

/// Appends one list row:
///
/// ```text
/// {"index","time","session","endpoint","request_type","kind","method","uri","status","response_code",
///  "response_code_name","elapsed_ms","pending","duration","summary","rops":[name],"severity","diagnostics"}
/// ```
/// `time`, `duration`: seconds (float) or null; `request_type` as in `read --json`; `kind`:
/// `"mapi"|"autodiscover"|"http"`; `severity`: the worst of the exchange's diagnostics known without
/// decoding its tree (transport diagnostics: HTTP errors, X-ResponseCode, gaps, reconnects), or null;
/// `diagnostics`: their count.
pub fn row(out: &mut String, x: &MapiExchange) {
    exchange_head(out, x);
    out.push_str(",\"kind\":");
    string(out, x.kind.name());
    out.push_str(",\"method\":");
    string(out, &x.method);
    out.push_str(",\"uri\":");
    string(out, &x.uri);
    out.push_str(",\"status\":");
    opt_num(out, x.status);
    out.push_str(",\"response_code\":");
    opt_num(out, x.response_code);
    out.push_str(",\"response_code_name\":");
    opt_str(out, x.response_code.map(response_code_name));
    out.push_str(",\"elapsed_ms\":");
    opt_num(out, x.elapsed_ms);
    let _ = write!(out, ",\"pending\":{},\"duration\":", x.pending);
    opt_f64(out, x.duration);
    out.push_str(",\"summary\":");
    string(out, &x.summary);
    out.push_str(",\"rops\":[");
    for (k, r) in x.rops.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        string(out, r);
    }
    out.push_str("],\"severity\":");
    let worst = x.diagnostics.iter().map(|d| d.severity).max();
    opt_str(out, worst.map(Severity::name));
    let _ = write!(out, ",\"diagnostics\":{}}}", x.diagnostics.len());
}

fn headers(out: &mut String, h: Option<&[(String, String)]>) {
    let Some(h) = h else {
        out.push_str("null");
        return;
    };
    out.push('[');
    for (k, (n, v)) in h.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        string(out, n);
        out.push(',');
        string(out, v);
        out.push(']');
    }
    out.push(']');
}

/// The fields an Autodiscover summary node shows, in order (the first node of each key).
const AUTODISCOVER_KEYS: [&str; 9] = [
    "mapihttp.autodiscover.mapihttpcapability",
    "mapihttp.autodiscover.emailaddress",
    "mapihttp.autodiscover.user.displayname",
    "mapihttp.autodiscover.user.legacydn",
    "mapihttp.autodiscover.user.autodiscoversmtpaddress",
    "mapihttp.autodiscover.mailstore",
    "mapihttp.autodiscover.addressbook",
    "mapihttp.autodiscover.account.redirectaddr",
    "mapihttp.autodiscover.error",
];

/// An "Autodiscover" node summarising what an Autodiscover exchange said: its children are copies of
/// the tree's nodes for the capability header, the address asked for, the user, the MailStore and
/// AddressBook URLs, a redirect and an error (with their real spans).
fn autodiscover_node(out: &mut String, x: &MapiExchange, d: &Dissection<'_>) {
    let src = x.response_root.or(x.request_root).and_then(|r| d.node(r)).map_or(0, |n| n.source);
    out.push_str("{\"name\":\"Autodiscover\",\"abbrev\":\"mapihttp.autodiscover\",\"display\":");
    let summary = x.autodiscover.as_ref().map_or_else(|| String::from("Autodiscover"), |a| a.summary());
    string(out, &summary);
    let _ = write!(out, ",\"value\":null,\"source\":{src},\"offset\":0,\"length\":0,\"children\":[");
    let mut first = true;
    for key in AUTODISCOVER_KEYS {
        let found = d.nodes.iter().position(|n| n.field.key == key).and_then(|p| u32::try_from(p).ok());
        if let Some(i) = found {
            if !first {
                out.push(',');
            }
            first = false;
            node(out, d, i);
        }
    }
    out.push_str("]}");
}

/// Appends the detail of an exchange built by [`LazyCapture::exchange`]:
///
/// ```text
/// {"index","request":Node|null,"response":Node|null,"diagnostics":[Diag],"sources":[{"id","name","length"}],
///  "request_headers":[[name,value]]|null,"response_headers":[[name,value]]|null,"autodiscover":Node|null}
/// ```
/// `request`, `response` and `diagnostics` are exactly those of the exchange in `read --json`
/// (transport diagnostics first, with `"source": null`, then the decoder's with their spans); a
/// node's `source` indexes `sources` (request body, response body, then derived payloads);
/// `autodiscover`: for an Autodiscover exchange, a summary node whose children are copies of the
/// tree's nodes for the URLs and user settings.
pub fn detail(out: &mut String, x: &MapiExchange, http: Option<&HttpExchange>) {
    let _ = write!(out, "{{\"index\":{}", x.index);
    crate::json::trees_and_diagnostics(out, x);
    out.push_str(",\"sources\":");
    match &x.dissection {
        Some(d) => sources(out, d),
        None => out.push_str("[]"),
    }
    out.push_str(",\"request_headers\":");
    headers(out, http.and_then(|h| h.request.as_ref()).map(|r| r.headers.as_slice()));
    out.push_str(",\"response_headers\":");
    headers(out, http.and_then(|h| h.response.as_ref()).map(|r| r.headers.as_slice()));
    out.push_str(",\"autodiscover\":");
    match (&x.dissection, x.kind) {
        (Some(d), Kind::Autodiscover) => autodiscover_node(out, x, d),
        _ => out.push_str("null"),
    }
    out.push('}');
}

/// Appends `{"format","format_name","packets","tls_connections","exchanges","sessions"}`.
pub fn summary(out: &mut String, c: &MapiCapture) {
    out.push_str("{\"format\":");
    string(out, format_token(c.format));
    out.push_str(",\"format_name\":");
    string(out, c.format.name());
    let _ = write!(
        out,
        ",\"packets\":{},\"tls_connections\":{},\"exchanges\":{},\"sessions\":{}}}",
        c.packets,
        c.tls_connections,
        c.exchanges.len(),
        c.sessions.len()
    );
}

#[cfg(test)]
mod tests;
