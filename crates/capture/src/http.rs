//! HTTP/1.1 messages from one direction of a byte stream.
//!
//! `StreamParser` (crate-internal) is a push parser: the TCP layer ([`crate::tcp`]) feeds every in-order piece of a
//! direction with its arrival time, reports gaps (bytes the capture lost) and finishes the stream at
//! connection close or at the end of the capture. Completed messages come out with their stream
//! offsets and the arrival time of their first byte, last byte and of the end of every chunk of a
//! chunked body. Nothing of a message is kept once it is complete (the parser buffers only a partial
//! head or chunk-size line), so memory follows the bodies, not the stream.
//!
//! [`parse_requests`] / [`parse_responses`] run the same parser over a whole buffer (SAZ `NN_c.txt` /
//! `NN_s.txt`, pasted text).
//!
//! Framing follows RFC 9112 section 6: `Transfer-Encoding: chunked` (trailers appended to the
//! headers), else `Content-Length`, else no body for requests and a body delimited by connection close
//! for responses; responses to HEAD, 1xx, 204 and 304 have no body; 1xx interim responses (100
//! Continue) are skipped and noted on the final response; 101 and CONNECT tunnels end HTTP parsing.
//! Bodies are content-decoded (gzip, x-gzip, deflate — zlib or raw) with the output bounded by
//! [`Limits::max_body`].
//!
//! Resynchronisation: when a stream does not start at a message (capture started mid-connection) or
//! after a gap that cut framing, the parser scans for the next line that starts a message — a status
//! line `HTTP/1.x` or a request line `METHOD SP target SP HTTP/1.x` — and reports the bytes skipped.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::VecDeque;

use mapiscope_codec::Severity;

use crate::model::{CaptureDiag, HttpRequest, HttpResponse, Limits, Time};

/// Largest message head (start line and header fields) accepted.
const MAX_HEAD: usize = 256 * 1024;
/// Most header fields in one head.
const MAX_HEADERS: usize = 1024;
/// Longest chunk-size line (with chunk extensions).
const MAX_CHUNK_LINE: usize = 4096;
/// Longest method token recognised when looking for a request line.
const MAX_METHOD: usize = 24;
/// Longest request line recognised while resynchronising.
const MAX_SCAN_LINE: usize = 8192;

/// A request parsed from a stream, with its byte range in the stream.
#[derive(Clone, Debug, Default)]
pub struct ParsedRequest {
    /// The request (time not filled: the caller knows when each stream offset arrived).
    pub request: HttpRequest,
    /// First byte of the request head in `data`.
    pub start: usize,
    /// One past the last byte of the message in `data`.
    pub end: usize,
    /// Diagnostics about this message (truncated, body over the limit, undecodable encoding, …):
    /// attach them to the exchange. The `Vec<CaptureDiag>` returned beside the messages holds the
    /// stream-level ones (bytes skipped between messages).
    pub diagnostics: Vec<CaptureDiag>,
}

/// A response parsed from a stream, with its byte range and chunk ends.
#[derive(Clone, Debug, Default)]
pub struct ParsedResponse {
    /// The response (times not filled).
    pub response: HttpResponse,
    /// First byte of the status line in `data` (of the final response: interim 1xx responses before
    /// it are skipped).
    pub start: usize,
    /// One past the last byte of the message in `data`.
    pub end: usize,
    /// Stream offsets (in `data`) where each body chunk ended, for chunk arrival times.
    pub chunk_ends: Vec<usize>,
    /// Diagnostics about this message (interim 1xx responses skipped, truncated, body over the
    /// limit, …): attach them to the exchange.
    pub diagnostics: Vec<CaptureDiag>,
}

/// Parses HTTP/1.1 messages from one direction of a byte stream (a TCP direction, a SAZ NN_c.txt /
/// NN_s.txt file, or pasted text). Handles Content-Length, chunked transfer coding (with trailers,
/// recording where each chunk ends), Content-Encoding gzip/deflate (bounded by limits.max_body),
/// 100-continue interim responses (skipped, noted), bodies delimited by connection close (responses
/// without length), and a truncated last message (complete = false + diagnostic).
///
/// The end of `data` is taken as the end of the stream (connection closed). Bytes that are not at a
/// message start are skipped with a diagnostic.
pub fn parse_requests(data: &[u8], limits: &Limits) -> (Vec<ParsedRequest>, Vec<CaptureDiag>) {
    let mut p = StreamParser::new(Some(Role::Requests), limits);
    p.feed(data, 0.0, &[]);
    p.finish(true);
    let (msgs, diags) = p.take_all();
    let reqs = msgs
        .into_iter()
        .map(|m| {
            let (start, end) = (clamp_usize(m.start, data.len()), clamp_usize(m.end, data.len()));
            let (request, diagnostics) = m.into_request(false);
            ParsedRequest { request, start, end, diagnostics }
        })
        .collect();
    (reqs, diags)
}

/// Parses HTTP/1.1 responses from one direction of a byte stream (see [`parse_requests`]).
/// `request_methods` are the methods of the requests of the same connection in order: the response
/// to a HEAD request has no body, a 2xx answer to CONNECT starts a tunnel.
pub fn parse_responses(
    data: &[u8],
    limits: &Limits,
    request_methods: &[String],
) -> (Vec<ParsedResponse>, Vec<CaptureDiag>) {
    let mut p = StreamParser::new(Some(Role::Responses), limits);
    p.feed(data, 0.0, request_methods);
    p.finish(true);
    let (msgs, diags) = p.take_all();
    let resps = msgs
        .into_iter()
        .map(|m| {
            let (start, end) = (clamp_usize(m.start, data.len()), clamp_usize(m.end, data.len()));
            let chunk_ends = m.chunk_ends.iter().map(|&e| clamp_usize(e, data.len())).collect();
            let (response, diagnostics) = m.into_response(false);
            ParsedResponse { response, start, end, chunk_ends, diagnostics }
        })
        .collect();
    (resps, diags)
}

fn clamp_usize(v: u64, max: usize) -> usize {
    usize::try_from(v).unwrap_or(max).min(max)
}

/// Which messages a stream direction carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Client to server: requests.
    Requests,
    /// Server to client: responses.
    Responses,
}

impl Role {
    /// The other direction's role.
    pub fn opposite(self) -> Role {
        match self {
            Role::Requests => Role::Responses,
            Role::Responses => Role::Requests,
        }
    }
    fn label(self) -> &'static str {
        match self {
            Role::Requests => "client→server",
            Role::Responses => "server→client",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Role::Requests => "request",
            Role::Responses => "response",
        }
    }
}

/// The start line of a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StartLine {
    Request { method: String, uri: String },
    Response { status: u16, reason: String },
}

/// A message parsed from a stream, with stream offsets and arrival times.
#[derive(Clone, Debug)]
pub(crate) struct Message {
    pub line: StartLine,
    pub headers: Vec<(String, String)>,
    /// Body after transfer and content decoding (bounded by `max_body`).
    pub body: Vec<u8>,
    /// Stream offset of the first byte of the head.
    pub start: u64,
    /// Stream offset one past the last byte.
    pub end: u64,
    /// Arrival time of the first byte.
    pub start_time: Time,
    /// Arrival time of the last byte.
    pub end_time: Time,
    /// Stream offsets one past each chunk's data (chunked bodies; the last, empty chunk excluded).
    pub chunk_ends: Vec<u64>,
    /// Arrival time of the last byte of each chunk.
    pub chunk_times: Vec<Time>,
    /// Whether the whole message was read and its body kept whole.
    pub complete: bool,
    pub diagnostics: Vec<CaptureDiag>,
    /// Content and transfer codings to undo, in the order they were applied.
    codings: Vec<String>,
    /// Body bytes (after de-chunking) seen, kept or not.
    raw_len: u64,
    /// Storing the body stopped (gap or limit).
    cut: bool,
}

impl Message {
    fn new(line: StartLine, headers: Vec<(String, String)>, start: u64, time: Time) -> Message {
        Message {
            line,
            headers,
            body: Vec::new(),
            start,
            end: start,
            start_time: time,
            end_time: time,
            chunk_ends: Vec::new(),
            chunk_times: Vec::new(),
            complete: true,
            diagnostics: Vec::new(),
            codings: Vec::new(),
            raw_len: 0,
            cut: false,
        }
    }

    /// The request method, for a request.
    pub fn method(&self) -> Option<&str> {
        match &self.line {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => None,
        }
    }

    /// The model's request (times filled when `with_times`).
    pub fn into_request(self, with_times: bool) -> (HttpRequest, Vec<CaptureDiag>) {
        let (method, uri) = match self.line {
            StartLine::Request { method, uri } => (method, uri),
            StartLine::Response { status, reason } => (String::new(), format!("(response {status} {reason})")),
        };
        let req = HttpRequest {
            method,
            uri,
            headers: self.headers,
            body: self.body,
            time: with_times.then_some(self.start_time),
        };
        (req, self.diagnostics)
    }

    /// The model's response (times filled when `with_times`).
    pub fn into_response(self, with_times: bool) -> (HttpResponse, Vec<CaptureDiag>) {
        let (status, reason) = match self.line {
            StartLine::Response { status, reason } => (status, reason),
            StartLine::Request { .. } => (0, String::new()),
        };
        let resp = HttpResponse {
            status,
            reason,
            headers: self.headers,
            body: self.body,
            first_byte_time: with_times.then_some(self.start_time),
            end_time: with_times.then_some(self.end_time),
            chunk_times: if with_times { self.chunk_times } else { Vec::new() },
            complete: self.complete,
        };
        (resp, self.diagnostics)
    }
}

/// How the body of the message being read ends.
#[derive(Clone, Copy, Debug)]
enum Framing {
    Length { remaining: u64, total: u64 },
    Chunked(Chunk),
    Close,
}

#[derive(Clone, Copy, Debug)]
enum Chunk {
    Size,
    Data { remaining: u64, size: u64 },
    DataEnd,
    Trailer { scanned: usize },
}

/// Looking for a message start (positions relative to the parser's `pos`).
#[derive(Clone, Copy, Debug)]
struct Scan {
    i: usize,
    /// Start of the current line, while it is short enough to be a request line.
    line_start: Option<usize>,
    /// The last two spaces of the current line.
    prev_space: Option<usize>,
    last_space: Option<usize>,
    /// Stream offset where skipping started.
    from: u64,
    reason: &'static str,
}

impl Scan {
    fn new(from: u64, at_line_start: bool, reason: &'static str) -> Scan {
        Scan { i: 0, line_start: at_line_start.then_some(0), prev_space: None, last_space: None, from, reason }
    }
}

#[derive(Debug)]
enum State {
    /// At a message start (after optional CR/LF); `scanned` bytes searched for the end of the head.
    Head { scanned: usize },
    Scan(Scan),
    Body(Box<Message>, Framing),
    /// Not HTTP any more (TLS, tunnel, HTTP/2): bytes are counted.
    Dead,
}

/// The incremental HTTP/1.1 parser of one stream direction.
#[derive(Debug)]
pub(crate) struct StreamParser {
    role: Option<Role>,
    max_body: usize,
    /// Unconsumed bytes; `buf[pos..]` still to be parsed.
    buf: Vec<u8>,
    pos: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    /// (stream offset, arrival time) for the buffered bytes: each entry covers the bytes up to the next.
    times: VecDeque<(u64, Time)>,
    last_time: Time,
    state: State,
    /// Nothing recognised yet: the TLS check applies.
    at_stream_start: bool,
    /// The stream starts with a TLS record.
    pub tls: bool,
    /// Why the stream is no longer parsed (TLS, tunnel), and how many bytes were not parsed.
    pub dead_reason: Option<&'static str>,
    pub dead_bytes: u64,
    /// Completed messages not yet taken.
    pub out: Vec<Message>,
    /// Stream-level diagnostics not yet taken.
    pub diags: Vec<CaptureDiag>,
    /// Notes about interim responses, attached to the next final response.
    interim: Vec<CaptureDiag>,
    /// Final responses read (index into the request methods).
    responses: usize,
    /// Messages read.
    pub messages: u64,
    /// Bytes skipped while looking for a message start.
    pub skipped_bytes: u64,
    /// File offset of the packet being fed (for diagnostics), if any.
    pub file_offset: Option<u64>,
}

impl StreamParser {
    /// A parser for a direction carrying `role` messages (`None`: not known yet; the first message
    /// recognised decides).
    pub fn new(role: Option<Role>, limits: &Limits) -> StreamParser {
        StreamParser {
            role,
            max_body: limits.max_body,
            buf: Vec::new(),
            pos: 0,
            base: 0,
            times: VecDeque::new(),
            last_time: 0.0,
            state: State::Head { scanned: 0 },
            at_stream_start: true,
            tls: false,
            dead_reason: None,
            dead_bytes: 0,
            out: Vec::new(),
            diags: Vec::new(),
            interim: Vec::new(),
            responses: 0,
            messages: 0,
            skipped_bytes: 0,
            file_offset: None,
        }
    }

    /// The role, once known.
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// Sets the role if it is not known yet.
    pub fn set_role(&mut self, role: Role) {
        if self.role.is_none() {
            self.role = Some(role);
        }
    }

    /// The stream offset after the last byte fed.
    pub fn end_offset(&self) -> u64 {
        self.base.saturating_add(self.buf.len() as u64)
    }

    /// The earliest arrival time of a message this parser may still complete: the start of the
    /// message being read, else the first unparsed byte buffered; None when nothing is pending (a
    /// later message can only start with bytes still to come).
    pub fn pending_since(&self) -> Option<Time> {
        match &self.state {
            State::Dead => None,
            State::Body(m, _) => Some(m.start_time),
            State::Head { .. } | State::Scan(_) => (self.pos < self.buf.len()).then(|| self.time_of(self.off(self.pos))),
        }
    }

    /// Takes the completed messages and stream diagnostics.
    pub fn take_all(&mut self) -> (Vec<Message>, Vec<CaptureDiag>) {
        (std::mem::take(&mut self.out), std::mem::take(&mut self.diags))
    }

    /// Feeds the next in-order bytes of the stream, which arrived at `time`. `methods` are the
    /// methods of the requests answered by this (response) stream, in order.
    pub fn feed(&mut self, data: &[u8], time: Time, methods: &[String]) {
        if data.is_empty() {
            return;
        }
        self.last_time = time;
        if let State::Dead = self.state {
            self.dead_bytes = self.dead_bytes.saturating_add(data.len() as u64);
            self.base = self.base.saturating_add(data.len() as u64);
            return;
        }
        let off = self.end_offset();
        if self.times.back().is_none_or(|&(_, t)| t != time) {
            self.times.push_back((off, time));
        }
        let mut data = data;
        if self.pos >= self.buf.len() {
            // Nothing buffered and inside a body: the bytes go straight to the message.
            if let State::Body(m, framing) = &mut self.state {
                let take = match framing {
                    Framing::Length { remaining, .. } | Framing::Chunked(Chunk::Data { remaining, .. }) => {
                        let t = usize::try_from(*remaining).unwrap_or(usize::MAX).min(data.len());
                        *remaining -= t as u64;
                        t
                    }
                    Framing::Close => data.len(),
                    Framing::Chunked(_) => 0,
                };
                if take > 0 {
                    let ahead = match framing {
                        Framing::Length { remaining, .. } | Framing::Chunked(Chunk::Data { remaining, .. }) => *remaining,
                        _ => 0,
                    };
                    store_body(m, data.get(..take).unwrap_or(&[]), self.max_body, self.file_offset, ahead);
                    self.base = self.end_offset().saturating_add(take as u64);
                    self.buf.clear();
                    self.pos = 0;
                    data = data.get(take..).unwrap_or(&[]);
                }
            }
        }
        self.buf.extend_from_slice(data);
        self.run(methods);
        self.compact();
    }

    /// Reports `len` bytes missing at the current end of the stream (a TCP gap).
    pub fn gap(&mut self, len: u64) {
        if len == 0 {
            return;
        }
        let at = self.end_offset();
        let label = self.role.map_or("stream", Role::label);
        let what = format!("TCP gap: {len} bytes of the {label} stream missing at stream offset {at}");
        let state = std::mem::replace(&mut self.state, State::Dead);
        let next = match state {
            State::Dead => {
                self.dead_bytes = self.dead_bytes.saturating_add(len);
                State::Dead
            }
            State::Head { .. } => {
                let avail = self.avail().to_vec();
                let start = self.off(self.pos);
                if trim_crlf(&avail).is_empty() {
                    self.diag(Severity::Warning, format!("{what}, between messages: a whole message may be lost"));
                } else if let Some(mut m) = self.salvage(&avail, start) {
                    m.diagnostics.push(self.mk(
                        Severity::Error,
                        format!("{what}: the message head is cut after {} bytes", avail.len()),
                    ));
                    self.complete(m, at, false);
                } else {
                    self.diag(Severity::Warning, format!("{what}, inside {} bytes that are not a message head", avail.len()));
                }
                self.at_stream_start = false;
                State::Scan(Scan::new(at.saturating_add(len), true, "after a TCP gap"))
            }
            State::Scan(s) => {
                let n = self.buf.len().saturating_sub(self.pos);
                self.skipped(s, n as u64);
                self.diag(Severity::Warning, what.clone());
                State::Scan(Scan::new(at.saturating_add(len), true, "after a TCP gap"))
            }
            State::Body(mut m, framing) => {
                let kept = m.body.len();
                m.diagnostics.push(self.mk(
                    Severity::Error,
                    format!("{what}: the {} body is cut after {kept} bytes", self.role.map_or("message", Role::noun)),
                ));
                m.cut = true;
                m.complete = false;
                match framing {
                    Framing::Length { remaining, total } if len < remaining => {
                        State::Body(m, Framing::Length { remaining: remaining - len, total })
                    }
                    Framing::Length { remaining, .. } => {
                        self.complete(*m, at.saturating_add(remaining), false);
                        if len == remaining {
                            State::Head { scanned: 0 }
                        } else {
                            State::Scan(Scan::new(at.saturating_add(len), true, "after a TCP gap"))
                        }
                    }
                    Framing::Chunked(Chunk::Data { remaining, size }) if len < remaining => {
                        State::Body(m, Framing::Chunked(Chunk::Data { remaining: remaining - len, size }))
                    }
                    Framing::Chunked(_) => {
                        self.complete(*m, at, false);
                        State::Scan(Scan::new(at.saturating_add(len), true, "after a TCP gap"))
                    }
                    Framing::Close => State::Body(m, Framing::Close),
                }
            }
        };
        self.state = next;
        self.pos = self.buf.len();
        self.compact();
        self.base = self.base.saturating_add(len);
    }

    /// Ends the stream: `closed` when the connection closed (FIN/RST), false when the capture ends.
    pub fn finish(&mut self, closed: bool) {
        let end = self.end_offset();
        let state = std::mem::replace(&mut self.state, State::Dead);
        match state {
            State::Dead => {}
            State::Head { .. } => {
                let avail = self.avail().to_vec();
                if !trim_crlf(&avail).is_empty() {
                    let start = self.off(self.pos);
                    let why = if closed { "the connection closes" } else { "the capture ends" };
                    if let Some(mut m) = self.salvage(&avail, start) {
                        m.diagnostics.push(self.mk(
                            Severity::Error,
                            format!("truncated: {why} inside the message head ({} bytes)", avail.len()),
                        ));
                        self.complete(m, end, false);
                    } else {
                        self.skipped_bytes = self.skipped_bytes.saturating_add(avail.len() as u64);
                        self.diag(
                            Severity::Warning,
                            format!("{} bytes at stream offset {start} are not an HTTP message", avail.len()),
                        );
                    }
                }
            }
            State::Scan(s) => {
                let n = self.buf.len().saturating_sub(self.pos);
                self.skipped(s, n as u64);
            }
            State::Body(mut m, framing) => {
                let why = if closed { "the connection closes" } else { "the capture ends" };
                let kept = m.body.len();
                match framing {
                    Framing::Length { remaining, total } => {
                        let have = total.saturating_sub(remaining);
                        m.diagnostics.push(self.mk(
                            Severity::Error,
                            format!("truncated: {why} after {have} of {total} body bytes (Content-Length)"),
                        ));
                        self.complete(*m, end, false);
                    }
                    Framing::Chunked(c) => {
                        let detail = match c {
                            Chunk::Data { remaining, size } => format!(
                                "inside a chunk of {size} bytes ({} present)",
                                size.saturating_sub(remaining)
                            ),
                            Chunk::Size | Chunk::DataEnd => "between chunks".to_string(),
                            Chunk::Trailer { .. } => "in the trailer section".to_string(),
                        };
                        m.diagnostics.push(self.mk(
                            Severity::Error,
                            format!("truncated: {why} {detail} of the chunked body ({kept} body bytes kept)"),
                        ));
                        self.complete(*m, end, false);
                    }
                    Framing::Close => {
                        if !closed {
                            m.diagnostics.push(self.mk(
                                Severity::Warning,
                                "the body is delimited by the connection close, and the capture ends before the connection closes: it may be incomplete",
                            ));
                        }
                        self.complete(*m, end, closed);
                    }
                }
            }
        }
        if let Some(reason) = self.dead_reason {
            if self.dead_bytes > 0 && !self.tls {
                self.diag(Severity::Note, format!("{} bytes not parsed as HTTP: {reason}", self.dead_bytes));
            }
        }
        self.state = State::Dead;
        self.pos = self.buf.len();
        self.compact();
    }

    // ----- internals -----

    fn avail(&self) -> &[u8] {
        self.buf.get(self.pos..).unwrap_or(&[])
    }

    fn off(&self, idx: usize) -> u64 {
        self.base.saturating_add(idx as u64)
    }

    fn mk(&self, severity: Severity, message: impl Into<String>) -> CaptureDiag {
        CaptureDiag { severity, message: message.into(), file_offset: self.file_offset }
    }

    fn diag(&mut self, severity: Severity, message: impl Into<String>) {
        let d = self.mk(severity, message);
        self.diags.push(d);
    }

    /// Arrival time of the byte at stream offset `off`.
    fn time_of(&self, off: u64) -> Time {
        let i = self.times.partition_point(|&(o, _)| o <= off);
        let entry = if i == 0 { self.times.front() } else { self.times.get(i - 1) };
        entry.map_or(self.last_time, |&(_, t)| t)
    }

    fn compact(&mut self) {
        // Amortised: move the unconsumed bytes only when they are at most as many as the consumed.
        if self.pos > 0 && self.pos >= self.buf.len() - self.pos.min(self.buf.len()) {
            let n = self.pos.min(self.buf.len());
            self.buf.drain(..n);
            self.base = self.base.saturating_add(n as u64);
            self.pos = 0;
        }
        while self.times.len() >= 2 && self.times.get(1).is_some_and(|&(o, _)| o <= self.base) {
            self.times.pop_front();
        }
        if self.buf.capacity() > (1 << 20) && self.buf.len() < (1 << 16) {
            self.buf.shrink_to(1 << 16);
        }
    }

    fn run(&mut self, methods: &[String]) {
        loop {
            let state = std::mem::replace(&mut self.state, State::Dead);
            let again = match state {
                State::Head { scanned } => self.step_head(scanned, methods),
                State::Scan(s) => self.step_scan(s),
                State::Body(m, f) => self.step_body(m, f),
                State::Dead => {
                    let n = self.buf.len().saturating_sub(self.pos);
                    self.dead_bytes = self.dead_bytes.saturating_add(n as u64);
                    self.pos = self.buf.len();
                    false
                }
            };
            if !again {
                break;
            }
        }
    }

    fn go_dead(&mut self, reason: &'static str) {
        self.dead_reason = Some(reason);
        let n = self.buf.len().saturating_sub(self.pos);
        self.dead_bytes = self.dead_bytes.saturating_add(n as u64);
        self.pos = self.buf.len();
        self.state = State::Dead;
    }

    fn step_head(&mut self, mut scanned: usize, methods: &[String]) -> bool {
        // CR/LF between messages are ignored (RFC 9112 section 2.2).
        while let Some(&c) = self.buf.get(self.pos) {
            if c != b'\r' && c != b'\n' {
                break;
            }
            self.pos += 1;
            scanned = 0;
        }
        let avail = self.avail();
        if avail.is_empty() {
            self.state = State::Head { scanned };
            return false;
        }
        if self.at_stream_start {
            match tls_record_start(avail) {
                Some(true) => {
                    self.tls = true;
                    self.go_dead("TLS (encrypted)");
                    return false;
                }
                None => {
                    self.state = State::Head { scanned };
                    return false;
                }
                Some(false) => {}
            }
        }
        if avail.starts_with(b"PRI * HTTP/2.0") {
            self.diag(
                Severity::Warning,
                "HTTP/2 connection preface (cleartext h2c): HTTP/2 is not decoded".to_string(),
            );
            self.go_dead("HTTP/2");
            return false;
        }
        let kind = match plausible_start(avail, self.role) {
            Plausible::Yes(kind) => kind,
            Plausible::Wait => {
                self.state = State::Head { scanned };
                return false;
            }
            Plausible::No => {
                let reason = if self.at_stream_start {
                    "the stream does not start at an HTTP message (the capture started mid-connection?)"
                } else {
                    "not at an HTTP message start"
                };
                self.at_stream_start = false;
                self.state = State::Scan(Scan::new(self.off(self.pos), true, reason));
                return true;
            }
        };
        let head_len = match find_head_end(avail, scanned) {
            Ok(n) => n,
            Err(s) => {
                if avail.len() > MAX_HEAD {
                    let at = self.off(self.pos);
                    self.diag(
                        Severity::Warning,
                        format!("no end of the message head within {MAX_HEAD} bytes at stream offset {at}"),
                    );
                    self.at_stream_start = false;
                    self.pos += 1;
                    self.state = State::Scan(Scan::new(at, false, "after an oversized message head"));
                    return true;
                }
                self.state = State::Head { scanned: s };
                return false;
            }
        };
        let head = avail.get(..head_len).unwrap_or(avail);
        let start = self.off(self.pos);
        let (line, headers) = match parse_head(head, kind) {
            Ok(v) => v,
            Err(e) => {
                self.diag(
                    Severity::Warning,
                    format!("malformed HTTP {} head at stream offset {start}: {e}", kind.noun()),
                );
                self.at_stream_start = false;
                self.pos += 1;
                self.state = State::Scan(Scan::new(start, false, "after a malformed message head"));
                return true;
            }
        };
        self.at_stream_start = false;
        self.role = Some(kind);
        let time = self.time_of(start);
        self.pos += head_len;
        let mut msg = Message::new(line, headers, start, time);
        let method = match kind {
            Role::Responses => methods.get(self.responses).map(String::as_str),
            Role::Requests => None,
        };
        let decision = decide_framing(&mut msg, method);
        let here = self.off(self.pos);
        match decision {
            Decision::Interim(status) => {
                let reason = match &msg.line {
                    StartLine::Response { reason, .. } => reason.clone(),
                    StartLine::Request { .. } => String::new(),
                };
                let d = self.mk(
                    Severity::Note,
                    format!("interim response {status} {reason} at stream offset {start} skipped"),
                );
                self.interim.push(d);
                self.state = State::Head { scanned: 0 };
                true
            }
            Decision::NoBody => {
                self.complete(msg, here, true);
                self.state = State::Head { scanned: 0 };
                true
            }
            Decision::Tunnel(reason) => {
                self.complete(msg, here, true);
                self.go_dead(reason);
                false
            }
            Decision::Body(framing) => {
                self.state = State::Body(Box::new(msg), framing);
                true
            }
        }
    }

    /// Looks for the next message start: a status line `HTTP/1.x NNN ` (anywhere: a body may end
    /// without a line end), or a request line `METHOD SP target SP HTTP/1.` whose method starts a
    /// line or is a well-known method right after other bytes.
    fn step_scan(&mut self, mut s: Scan) -> bool {
        let allow_req = self.role != Some(Role::Responses);
        let allow_resp = self.role != Some(Role::Requests);
        let region = self.avail();
        let mut found: Option<(usize, Role)> = None;
        let mut j = s.i;
        while let Some(&b) = region.get(j) {
            if b == b'H' {
                let rest = region.get(j..).unwrap_or(&[]);
                match status_line_start(rest) {
                    None => break, // wait for more bytes
                    Some(true) if allow_resp => {
                        found = Some((j, Role::Responses));
                        break;
                    }
                    _ => {}
                }
                if allow_req && rest.starts_with(b"HTTP/1.") && j > 0 && s.last_space == Some(j - 1) {
                    if let Some(ps) = s.prev_space {
                        if ps + 1 < j - 1 {
                            if let Some(ms) = method_start(region, ps, s.line_start) {
                                found = Some((ms, Role::Requests));
                                break;
                            }
                        }
                    }
                }
            }
            if b == b'\n' {
                s.line_start = Some(j + 1);
                s.prev_space = None;
                s.last_space = None;
            } else if b == b' ' {
                s.prev_space = s.last_space;
                s.last_space = Some(j);
            }
            j += 1;
            if s.line_start.is_some_and(|ls| j - ls > MAX_SCAN_LINE) {
                s.line_start = None;
            }
            if s.last_space.is_some_and(|p| j - p > MAX_SCAN_LINE) {
                s.prev_space = None;
                s.last_space = None;
            } else if s.prev_space.is_some_and(|p| j - p > MAX_SCAN_LINE) {
                s.prev_space = None;
            }
        }
        if let Some((at, kind)) = found {
            self.skipped(s, at as u64);
            self.pos += at;
            self.role = Some(kind);
            self.at_stream_start = false;
            self.state = State::Head { scanned: 0 };
            return true;
        }
        s.i = j;
        // Drop what cannot be part of a message start any more: keep the method that may precede
        // the last spaces.
        let anchor = s.prev_space.or(s.last_space).unwrap_or(j);
        let keep_from = anchor.saturating_sub(MAX_METHOD).min(j);
        if keep_from > 0 {
            self.pos += keep_from;
            s.i -= keep_from;
            s.line_start = s.line_start.and_then(|ls| ls.checked_sub(keep_from));
            s.prev_space = s.prev_space.and_then(|p| p.checked_sub(keep_from));
            s.last_space = s.last_space.and_then(|p| p.checked_sub(keep_from));
            self.skipped_bytes = self.skipped_bytes.saturating_add(keep_from as u64);
        }
        self.state = State::Scan(s);
        false
    }

    /// Reports a run of skipped bytes that ends `extra` bytes after `pos`.
    fn skipped(&mut self, s: Scan, extra: u64) {
        self.skipped_bytes = self.skipped_bytes.saturating_add(extra);
        let end = self.off(self.pos).saturating_add(extra);
        let n = end.saturating_sub(s.from);
        if n > 0 {
            self.diag(
                Severity::Warning,
                format!("skipped {n} bytes at stream offset {}: {}", s.from, s.reason),
            );
        }
    }

    fn append_body(&mut self, m: &mut Message, n: usize, ahead: u64) {
        let Some(bytes) = self.buf.get(self.pos..self.pos.saturating_add(n)) else {
            return;
        };
        store_body(m, bytes, self.max_body, self.file_offset, ahead);
        self.pos += bytes.len();
    }

    fn step_body(&mut self, mut m: Box<Message>, framing: Framing) -> bool {
        let avail_len = self.buf.len().saturating_sub(self.pos);
        match framing {
            Framing::Length { remaining, total } => {
                let n = usize::try_from(remaining).unwrap_or(usize::MAX).min(avail_len);
                self.append_body(&mut m, n, remaining - n as u64);
                let remaining = remaining - n as u64;
                if remaining == 0 {
                    let end = self.off(self.pos);
                    self.complete(*m, end, true);
                    self.state = State::Head { scanned: 0 };
                    true
                } else {
                    self.state = State::Body(m, Framing::Length { remaining, total });
                    false
                }
            }
            Framing::Close => {
                self.append_body(&mut m, avail_len, 0);
                self.state = State::Body(m, Framing::Close);
                false
            }
            Framing::Chunked(Chunk::Size) => {
                let avail = self.avail();
                let Some(nl) = avail.iter().take(MAX_CHUNK_LINE + 1).position(|&c| c == b'\n') else {
                    if avail.len() > MAX_CHUNK_LINE {
                        let at = self.off(self.pos);
                        let d = self.mk(
                            Severity::Error,
                            format!("chunk-size line longer than {MAX_CHUNK_LINE} bytes at stream offset {at}"),
                        );
                        m.diagnostics.push(d);
                        self.complete(*m, at, false);
                        self.state = State::Scan(Scan::new(at, false, "after a malformed chunked body"));
                        return true;
                    }
                    self.state = State::Body(m, framing);
                    return false;
                };
                let line = avail.get(..nl).unwrap_or(&[]);
                let at = self.off(self.pos);
                match parse_chunk_size(line) {
                    Some(0) => {
                        self.pos += nl + 1;
                        self.state = State::Body(m, Framing::Chunked(Chunk::Trailer { scanned: 0 }));
                    }
                    Some(size) => {
                        self.pos += nl + 1;
                        self.state = State::Body(m, Framing::Chunked(Chunk::Data { remaining: size, size }));
                    }
                    None => {
                        let shown = String::from_utf8_lossy(line.get(..line.len().min(40)).unwrap_or(&[])).into_owned();
                        let d = self.mk(
                            Severity::Error,
                            format!("invalid chunk-size line {shown:?} at stream offset {at}"),
                        );
                        m.diagnostics.push(d);
                        self.complete(*m, at, false);
                        self.state = State::Scan(Scan::new(at, true, "after a malformed chunked body"));
                    }
                }
                true
            }
            Framing::Chunked(Chunk::Data { remaining, size }) => {
                let n = usize::try_from(remaining).unwrap_or(usize::MAX).min(avail_len);
                self.append_body(&mut m, n, remaining - n as u64);
                let remaining = remaining - n as u64;
                if remaining == 0 {
                    let end = self.off(self.pos);
                    m.chunk_ends.push(end);
                    m.chunk_times.push(self.time_of(end.saturating_sub(1)));
                    self.state = State::Body(m, Framing::Chunked(Chunk::DataEnd));
                    true
                } else {
                    self.state = State::Body(m, Framing::Chunked(Chunk::Data { remaining, size }));
                    false
                }
            }
            Framing::Chunked(Chunk::DataEnd) => {
                let avail = self.avail();
                if avail.starts_with(b"\r\n") {
                    self.pos += 2;
                } else if avail.starts_with(b"\n") {
                    self.pos += 1;
                } else if avail.is_empty() || avail == b"\r" {
                    self.state = State::Body(m, framing);
                    return false;
                } else {
                    let at = self.off(self.pos);
                    let d = self.mk(Severity::Warning, format!("missing CRLF after chunk data at stream offset {at}"));
                    m.diagnostics.push(d);
                }
                self.state = State::Body(m, Framing::Chunked(Chunk::Size));
                true
            }
            Framing::Chunked(Chunk::Trailer { scanned }) => {
                let avail = self.avail();
                let used = if avail.starts_with(b"\r\n") {
                    2
                } else if avail.starts_with(b"\n") {
                    1
                } else if avail.is_empty() || avail == b"\r" {
                    self.state = State::Body(m, framing);
                    return false;
                } else {
                    match find_head_end(avail, scanned) {
                        Ok(n) => {
                            let mut hs = [httparse::EMPTY_HEADER; 64];
                            match httparse::parse_headers(avail.get(..n).unwrap_or(&[]), &mut hs) {
                                Ok(httparse::Status::Complete((_, fields))) => {
                                    for h in fields {
                                        m.headers.push((h.name.to_string(), String::from_utf8_lossy(h.value).into_owned()));
                                    }
                                }
                                _ => {
                                    let at = self.off(self.pos);
                                    let d = self.mk(Severity::Warning, format!("malformed trailer section at stream offset {at}"));
                                    m.diagnostics.push(d);
                                }
                            }
                            n
                        }
                        Err(s) => {
                            if avail.len() > MAX_HEAD {
                                let at = self.off(self.pos);
                                let d = self.mk(Severity::Error, format!("trailer section longer than {MAX_HEAD} bytes at stream offset {at}"));
                                m.diagnostics.push(d);
                                self.complete(*m, at, false);
                                self.state = State::Scan(Scan::new(at, false, "after an oversized trailer section"));
                                return true;
                            }
                            self.state = State::Body(m, Framing::Chunked(Chunk::Trailer { scanned: s }));
                            return false;
                        }
                    }
                };
                self.pos += used;
                let end = self.off(self.pos);
                self.complete(*m, end, true);
                self.state = State::Head { scanned: 0 };
                true
            }
        }
    }

    /// Finishes a message: end offset and time, content decoding, interim notes; queues it.
    fn complete(&mut self, mut m: Message, end: u64, whole: bool) {
        m.end = end.max(m.start);
        m.end_time = self.time_of(m.end.saturating_sub(1)).max(m.start_time);
        if !whole || m.cut {
            m.complete = false;
        }
        if matches!(m.line, StartLine::Response { .. }) {
            if !self.interim.is_empty() {
                let mut notes = std::mem::take(&mut self.interim);
                notes.append(&mut m.diagnostics);
                m.diagnostics = notes;
            }
            self.responses += 1;
        }
        decode_content(&mut m, self.max_body);
        self.messages += 1;
        self.out.push(m);
    }

    /// A message made of a head that is cut (by a gap or the end of the stream).
    fn salvage(&mut self, avail: &[u8], start: u64) -> Option<Message> {
        let avail = trim_leading_crlf(avail);
        let kind = match plausible_start(avail, self.role) {
            Plausible::Yes(k) => k,
            Plausible::Wait => self.role.unwrap_or(if avail.starts_with(b"H") { Role::Responses } else { Role::Requests }),
            Plausible::No => return None,
        };
        let time = self.time_of(start);
        let lines_end = avail.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        if lines_end > 0 {
            let mut v = avail.get(..lines_end).unwrap_or(&[]).to_vec();
            v.extend_from_slice(b"\r\n");
            if let Ok((line, headers)) = parse_head(&v, kind) {
                self.role = Some(kind);
                let mut m = Message::new(line, headers, start, time);
                m.complete = false;
                return Some(m);
            }
        }
        // Only part of the start line: keep what it says.
        let first = avail.get(..lines_end.max(avail.len().min(MAX_SCAN_LINE))).unwrap_or(avail);
        let first = first.split(|&c| c == b'\n').next().unwrap_or(&[]);
        let text = String::from_utf8_lossy(first);
        let mut parts = text.trim_end().split(' ');
        let a = parts.next().unwrap_or("");
        let b = parts.next().unwrap_or("");
        let line = match kind {
            Role::Requests => StartLine::Request { method: a.to_string(), uri: b.to_string() },
            Role::Responses => StartLine::Response {
                status: b.parse().unwrap_or(0),
                reason: parts.collect::<Vec<_>>().join(" "),
            },
        };
        self.role = Some(kind);
        let mut m = Message::new(line, Vec::new(), start, time);
        m.complete = false;
        Some(m)
    }
}

enum Plausible {
    Yes(Role),
    Wait,
    No,
}

/// Appends body bytes to a message, keeping at most `max_body` bytes. `ahead` is how many more body
/// bytes the framing announces after these: the body grows by doubling, but never past the announced
/// end, so a false size allocates nothing beyond twice the bytes actually received.
fn store_body(m: &mut Message, bytes: &[u8], max_body: usize, file_offset: Option<u64>, ahead: u64) {
    m.raw_len = m.raw_len.saturating_add(bytes.len() as u64);
    if m.cut {
        return;
    }
    let len = m.body.len();
    let room = max_body.saturating_sub(len);
    if m.body.capacity() - len < bytes.len() {
        let need = len + bytes.len().min(room);
        let announced = need.saturating_add(usize::try_from(ahead).unwrap_or(usize::MAX));
        let target = need.max(announced.min(2 * len).min(max_body));
        m.body.reserve_exact(target - len);
    }
    if bytes.len() > room {
        m.body.extend_from_slice(bytes.get(..room).unwrap_or(&[]));
        m.cut = true;
        m.complete = false;
        m.diagnostics.push(CaptureDiag {
            severity: Severity::Warning,
            message: format!("body larger than the limit of {max_body} bytes: truncated to the limit"),
            file_offset,
        });
    } else {
        m.body.extend_from_slice(bytes);
    }
}

/// Whether `avail` can be the start of a message the role allows.
fn plausible_start(avail: &[u8], role: Option<Role>) -> Plausible {
    let mut wait = false;
    if role != Some(Role::Requests) {
        if avail.starts_with(b"HTTP/1.") {
            return Plausible::Yes(Role::Responses);
        }
        if avail.len() < 7 && b"HTTP/1.".starts_with(avail) {
            wait = true;
        }
    }
    if role != Some(Role::Responses) {
        for (i, &c) in avail.iter().enumerate().take(MAX_METHOD + 1) {
            if c == b' ' {
                if i > 0 {
                    return Plausible::Yes(Role::Requests);
                }
                break;
            }
            if !(c.is_ascii_uppercase() || (i > 0 && (c == b'_' || c == b'-' || c.is_ascii_digit()))) {
                break;
            }
            if i + 1 == avail.len() {
                wait = true;
            }
        }
    }
    if wait { Plausible::Wait } else { Plausible::No }
}

/// Methods recognised right after other bytes while resynchronising (longest first).
const KNOWN_METHODS: [&[u8]; 14] = [
    b"RPC_OUT_DATA",
    b"RPC_IN_DATA",
    b"PROPFIND",
    b"OPTIONS",
    b"CONNECT",
    b"DELETE",
    b"SEARCH",
    b"PATCH",
    b"TRACE",
    b"MKCOL",
    b"POST",
    b"HEAD",
    b"GET",
    b"PUT",
];

/// Where the method ending at `space` starts: the whole token when it starts a line, else a
/// well-known method the bytes before `space` end with.
fn method_start(region: &[u8], space: usize, line_start: Option<usize>) -> Option<usize> {
    let mut start = space;
    while start > 0 && space - start < MAX_METHOD {
        match region.get(start - 1) {
            Some(&c) if c.is_ascii_uppercase() || c == b'_' || c == b'-' => start -= 1,
            _ => break,
        }
    }
    let tok = region.get(start..space)?;
    if line_start == Some(start) && is_method(tok) {
        return Some(start);
    }
    KNOWN_METHODS.iter().find(|m| tok.ends_with(m)).map(|m| space - m.len())
}

/// Whether `b` starts with a status line `HTTP/1.x NNN` followed by a space or line end; None if
/// it may, but more bytes are needed.
fn status_line_start(b: &[u8]) -> Option<bool> {
    const PAT: &[u8] = b"HTTP/1.";
    if b.len() < 13 {
        let n = b.len().min(PAT.len());
        if b.get(..n) != PAT.get(..n) {
            return Some(false);
        }
        let tail_ok = b.iter().enumerate().skip(7).all(|(i, &c)| match i {
            7 | 9..=11 => c.is_ascii_digit(),
            8 => c == b' ',
            _ => true,
        });
        return if tail_ok { None } else { Some(false) };
    }
    let ok = b.starts_with(PAT)
        && b.get(7).is_some_and(u8::is_ascii_digit)
        && b.get(8) == Some(&b' ')
        && b.get(9..12).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && matches!(b.get(12), Some(b' ' | b'\r' | b'\n'));
    Some(ok)
}

fn is_method(tok: &[u8]) -> bool {
    !tok.is_empty()
        && tok.len() <= MAX_METHOD
        && tok.first().is_some_and(u8::is_ascii_uppercase)
        && tok.iter().all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_' || c == b'-')
}

/// `Some(true)` if `b` starts with a TLS record header, `Some(false)` if not, `None` if too short.
fn tls_record_start(b: &[u8]) -> Option<bool> {
    let &ct = b.first()?;
    if !(0x14..=0x17).contains(&ct) {
        return Some(false);
    }
    match (b.get(1), b.get(2)) {
        (Some(&3), Some(&minor)) => Some(minor <= 4),
        (Some(&3), None) => None,
        (None, _) => None,
        _ => Some(false),
    }
}

/// The length of the head (through the empty line) in `b`, searching from `scanned`; `Err(new
/// scanned)` if the empty line is not there yet.
fn find_head_end(b: &[u8], scanned: usize) -> Result<usize, usize> {
    let mut k = scanned;
    loop {
        let Some(rel) = b.get(k..).and_then(|r| r.iter().position(|&c| c == b'\n')) else {
            return Err(b.len());
        };
        let q = k + rel;
        match (b.get(q + 1), b.get(q + 2)) {
            (Some(b'\n'), _) => return Ok(q + 2),
            (Some(b'\r'), Some(b'\n')) => return Ok(q + 3),
            (None, _) | (Some(b'\r'), None) => return Err(q),
            _ => k = q + 1,
        }
    }
}

fn trim_crlf(b: &[u8]) -> &[u8] {
    let b = trim_leading_crlf(b);
    let end = b.iter().rposition(|&c| c != b'\r' && c != b'\n').map_or(0, |p| p + 1);
    b.get(..end).unwrap_or(&[])
}

fn trim_leading_crlf(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|&c| c != b'\r' && c != b'\n').unwrap_or(b.len());
    b.get(start..).unwrap_or(&[])
}

fn parser_config() -> httparse::ParserConfig {
    let mut cfg = httparse::ParserConfig::default();
    cfg.allow_multiple_spaces_in_request_line_delimiters(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .ignore_invalid_headers_in_requests(true)
        .ignore_invalid_headers_in_responses(true);
    cfg
}

type Head = (StartLine, Vec<(String, String)>);

fn fields(hs: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(hs.len());
    for h in hs.iter().filter(|h| !h.name.is_empty()) {
        let value = match std::str::from_utf8(h.value) {
            Ok(v) => v.to_owned(),
            Err(_) => String::from_utf8_lossy(h.value).into_owned(),
        };
        out.push((h.name.to_owned(), value));
    }
    out
}

fn parse_head_with<'b>(head: &'b [u8], kind: Role, hs: &mut [httparse::Header<'b>]) -> Result<Head, httparse::Error> {
    let cfg = parser_config();
    match kind {
        Role::Requests => {
            let mut req = httparse::Request::new(hs);
            match cfg.parse_request(&mut req, head)? {
                httparse::Status::Complete(_) => Ok((
                    StartLine::Request {
                        method: req.method.unwrap_or("").to_string(),
                        uri: req.path.unwrap_or("").to_string(),
                    },
                    fields(req.headers),
                )),
                httparse::Status::Partial => Err(httparse::Error::NewLine),
            }
        }
        Role::Responses => {
            let mut resp = httparse::Response::new(hs);
            match cfg.parse_response(&mut resp, head)? {
                httparse::Status::Complete(_) => Ok((
                    StartLine::Response {
                        status: resp.code.unwrap_or(0),
                        reason: resp.reason.unwrap_or("").to_string(),
                    },
                    fields(resp.headers),
                )),
                httparse::Status::Partial => Err(httparse::Error::NewLine),
            }
        }
    }
}

/// Parses a complete head (through the empty line).
fn parse_head(head: &[u8], kind: Role) -> Result<Head, String> {
    let mut small = [httparse::EMPTY_HEADER; 64];
    match parse_head_with(head, kind, &mut small) {
        Ok(v) => Ok(v),
        Err(httparse::Error::TooManyHeaders) => {
            let mut big = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
            parse_head_with(head, kind, &mut big).map_err(|e| e.to_string())
        }
        Err(e) => Err(e.to_string()),
    }
}

/// The size of a chunk-size line (`hex [; ext]`), None if invalid or over 2^60.
fn parse_chunk_size(line: &[u8]) -> Option<u64> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let digits = line.split(|&c| c == b';').next().unwrap_or(&[]);
    let digits = trim_ascii(digits);
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        let d = (c as char).to_digit(16)?;
        v = (v << 4) | u64::from(d);
    }
    Some(v)
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |p| p + 1);
    b.get(start..end).unwrap_or(&[])
}

enum Decision {
    NoBody,
    Body(Framing),
    Interim(u16),
    Tunnel(&'static str),
}

fn header_list(headers: &[(String, String)], name: &str) -> Vec<String> {
    headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Body framing of a message (RFC 9112 section 6.3); records codings and diagnostics on `m`.
fn decide_framing(m: &mut Message, method: Option<&str>) -> Decision {
    let request = matches!(m.line, StartLine::Request { .. });
    if let StartLine::Response { status, .. } = m.line {
        if (100..200).contains(&status) {
            if status == 101 {
                return Decision::Tunnel("the protocol was switched (101 Switching Protocols)");
            }
            return Decision::Interim(status);
        }
        if method.is_some_and(|x| x.eq_ignore_ascii_case("HEAD")) || status == 204 || status == 304 {
            return Decision::NoBody;
        }
        if method.is_some_and(|x| x.eq_ignore_ascii_case("CONNECT")) && (200..300).contains(&status) {
            return Decision::Tunnel("CONNECT tunnel");
        }
    }
    let te = header_list(&m.headers, "transfer-encoding");
    let ce = header_list(&m.headers, "content-encoding");
    let has_cl = m.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if !te.is_empty() {
        let chunked = te.last().is_some_and(|c| c == "chunked");
        m.codings = ce;
        m.codings.extend(te.iter().filter(|c| c.as_str() != "chunked").cloned());
        if has_cl {
            m.diagnostics.push(CaptureDiag::new(
                Severity::Note,
                "both Transfer-Encoding and Content-Length: Content-Length ignored",
            ));
        }
        if chunked {
            return Decision::Body(Framing::Chunked(Chunk::Size));
        }
        if request {
            m.diagnostics.push(CaptureDiag::new(
                Severity::Warning,
                format!("request Transfer-Encoding {:?} does not end with chunked: body length unknown, no body read", te.join(", ")),
            ));
            return Decision::NoBody;
        }
        return Decision::Body(Framing::Close);
    }
    m.codings = ce;
    if has_cl {
        let vals = header_list(&m.headers, "content-length");
        let parsed: Vec<Option<u64>> = vals
            .iter()
            .map(|v| if v.len() <= 19 && v.bytes().all(|c| c.is_ascii_digit()) { v.parse().ok() } else { None })
            .collect();
        match parsed.first().copied().flatten() {
            Some(n) if parsed.iter().all(|&p| p == Some(n)) => {
                if n == 0 {
                    return Decision::NoBody;
                }
                return Decision::Body(Framing::Length { remaining: n, total: n });
            }
            first => {
                m.diagnostics.push(CaptureDiag::new(
                    Severity::Warning,
                    format!("invalid or conflicting Content-Length {:?}", vals.join(", ")),
                ));
                if let Some(n) = first {
                    if n > 0 {
                        return Decision::Body(Framing::Length { remaining: n, total: n });
                    }
                    return Decision::NoBody;
                }
                return if request { Decision::NoBody } else { Decision::Body(Framing::Close) };
            }
        }
    }
    if request { Decision::NoBody } else { Decision::Body(Framing::Close) }
}

/// Undoes the content (and non-chunked transfer) codings of a body, bounded by `max_body`.
fn decode_content(m: &mut Message, max_body: usize) {
    let codings = std::mem::take(&mut m.codings);
    for coding in codings.iter().rev() {
        let result = match coding.as_str() {
            "identity" => continue,
            "gzip" | "x-gzip" => crate::inflate::gunzip(&m.body, max_body),
            "deflate" if is_zlib_header(&m.body) => crate::inflate::inflate_zlib(&m.body, max_body),
            "deflate" => crate::inflate::inflate_raw(&m.body, max_body),
            other => {
                m.diagnostics.push(CaptureDiag::new(
                    Severity::Note,
                    format!("Content-Encoding {other:?} is not decoded: the body is left encoded"),
                ));
                return;
            }
        };
        let crate::inflate::Inflated { data: out, error: err, over, .. } = result;
        match err {
            Some(e) if out.is_empty() && !m.body.is_empty() => {
                m.diagnostics.push(CaptureDiag::new(
                    Severity::Warning,
                    format!("{coding} body could not be decoded ({e}): the body is left encoded"),
                ));
                m.complete = false;
                return;
            }
            Some(e) => {
                m.diagnostics.push(CaptureDiag::new(
                    Severity::Warning,
                    format!("{coding} body decoded only in part ({} bytes): {e}", out.len()),
                ));
                m.complete = false;
            }
            None => {}
        }
        if over {
            m.diagnostics.push(CaptureDiag::new(
                Severity::Warning,
                format!("decoded {coding} body larger than the limit of {max_body} bytes: truncated to the limit"),
            ));
            m.complete = false;
        }
        m.body = out;
    }
}

fn is_zlib_header(b: &[u8]) -> bool {
    match (b.first(), b.get(1)) {
        (Some(&c0), Some(&c1)) => c0 & 0x0f == 8 && (u16::from(c0) << 8 | u16::from(c1)) % 31 == 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lim() -> Limits {
        Limits::default()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn content_length_keep_alive_requests() {
        let data = b"POST /mapi/emsmdb/?MailboxId=a@b HTTP/1.1\r\nContent-Type: application/mapi-http\r\nX-RequestType: Connect\r\nContent-Length: 5\r\n\r\nhelloGET /x HTTP/1.1\r\nHost: h\r\n\r\nPOST /y HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        let (reqs, diags) = parse_requests(data, &lim());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(reqs.len(), 3);
        assert_eq!(reqs[0].request.method, "POST");
        assert_eq!(reqs[0].request.uri, "/mapi/emsmdb/?MailboxId=a@b");
        assert_eq!(reqs[0].request.header("x-requesttype"), Some("Connect"));
        assert_eq!(reqs[0].request.body, b"hello");
        assert_eq!((reqs[0].start, reqs[0].end), (0, 130));
        assert_eq!(reqs[1].request.method, "GET");
        assert!(reqs[1].request.body.is_empty());
        assert_eq!(reqs[1].start, 130);
        assert_eq!(reqs[2].request.body, b"abc");
        assert_eq!(reqs[2].end, data.len());
        assert!(reqs[2].diagnostics.is_empty());
    }

    fn mapi_chunked() -> Vec<u8> {
        let mut v = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/mapi-http\r\n\r\n".to_vec();
        for part in [&b"PROCESSING\r\n"[..], b"PENDING\r\n", b"DONE\r\nX-ElapsedTime: 5\r\n\r\n\x00\x01\x02"] {
            v.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            v.extend_from_slice(part);
            v.extend_from_slice(b"\r\n");
        }
        v.extend_from_slice(b"0\r\nX-Trailer: yes\r\n\r\n");
        v
    }

    #[test]
    fn chunked_with_trailers_and_chunk_ends() {
        let data = mapi_chunked();
        let (resps, diags) = parse_responses(&data, &lim(), &["POST".into()]);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(resps.len(), 1);
        let r = &resps[0];
        assert_eq!(r.response.status, 200);
        assert_eq!(r.response.reason, "OK");
        assert_eq!(r.response.body, b"PROCESSING\r\nPENDING\r\nDONE\r\nX-ElapsedTime: 5\r\n\r\n\x00\x01\x02");
        assert_eq!(r.response.header("X-Trailer"), Some("yes"));
        assert!(r.response.complete);
        assert_eq!(r.end, data.len());
        assert_eq!(r.chunk_ends.len(), 3);
        // Each chunk end is just before its CRLF.
        for &e in &r.chunk_ends {
            assert_eq!(&data[e..e + 2], b"\r\n");
        }
        assert_eq!(&data[r.chunk_ends[0] - 12..r.chunk_ends[0]], b"PROCESSING\r\n");
    }

    #[test]
    fn chunk_times_from_incremental_feeding() {
        let data = mapi_chunked();
        let mut p = StreamParser::new(Some(Role::Responses), &lim());
        // The head and first chunk at t=1, PENDING at t=2, the rest at t=3.
        let a = data.windows(9).position(|w| w == b"PENDING\r\n").unwrap() - 3;
        let b = data.windows(4).position(|w| w == b"DONE").unwrap() - 4;
        p.feed(&data[..a], 1.0, &[]);
        p.feed(&data[a..b], 2.0, &[]);
        assert!(p.out.is_empty());
        p.feed(&data[b..], 3.0, &[]);
        let (msgs, _) = p.take_all();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].chunk_times, vec![1.0, 2.0, 3.0]);
        assert_eq!(msgs[0].start_time, 1.0);
        assert_eq!(msgs[0].end_time, 3.0);
    }

    #[test]
    fn byte_by_byte_equals_whole() {
        let mut data = mapi_chunked();
        data.extend_from_slice(b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnopeHTTP/1.1 200 OK\r\n\r\ntail");
        let (whole, _) = parse_responses(&data, &lim(), &[]);
        let mut p = StreamParser::new(Some(Role::Responses), &lim());
        for (i, b) in data.iter().enumerate() {
            p.feed(std::slice::from_ref(b), i as f64, &[]);
        }
        p.finish(true);
        let (msgs, diags) = p.take_all();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(msgs.len(), 3);
        assert_eq!(whole.len(), 3);
        for (m, w) in msgs.iter().zip(&whole) {
            assert_eq!(m.body, w.response.body);
            assert_eq!(m.start as usize, w.start);
            assert_eq!(m.end as usize, w.end);
        }
        assert_eq!(msgs[2].body, b"tail");
        assert_eq!(msgs[1].start_time, msgs[1].start as f64);
        assert_eq!(msgs[1].end_time, (msgs[1].end - 1) as f64);
    }

    #[test]
    fn gzip_and_deflate_bodies() {
        let plain = b"<Autodiscover>hello hello hello hello</Autodiscover>".repeat(20);
        let gz = gzip(&plain);
        let mut data = format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", gz.len()).into_bytes();
        data.extend_from_slice(&gz);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"zlib body").unwrap();
        let z = z.finish().unwrap();
        data.extend_from_slice(format!("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: {}\r\n\r\n", z.len()).as_bytes());
        data.extend_from_slice(&z);
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        d.write_all(b"raw deflate body").unwrap();
        let d = d.finish().unwrap();
        data.extend_from_slice(format!("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: {}\r\n\r\n", d.len()).as_bytes());
        data.extend_from_slice(&d);
        let (resps, _) = parse_responses(&data, &lim(), &[]);
        assert_eq!(resps.len(), 3);
        assert_eq!(resps[0].response.body, plain);
        assert!(resps[0].response.complete);
        assert_eq!(resps[0].response.header("content-encoding"), Some("gzip"));
        assert_eq!(resps[1].response.body, b"zlib body");
        assert_eq!(resps[2].response.body, b"raw deflate body");
    }

    #[test]
    fn gzip_bomb_bounded_by_max_body() {
        let plain = vec![0u8; 1 << 20];
        let gz = gzip(&plain);
        let mut data = format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", gz.len()).into_bytes();
        data.extend_from_slice(&gz);
        let limits = Limits { max_body: 4096, ..Limits::default() };
        let (resps, _) = parse_responses(&data, &limits, &[]);
        assert_eq!(resps[0].response.body.len(), 4096);
        assert!(!resps[0].response.complete);
        assert!(resps[0].diagnostics.iter().any(|d| d.message.contains("larger than the limit")));
    }

    #[test]
    fn continue_interim_skipped_and_noted() {
        let data = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        let (resps, diags) = parse_responses(data, &lim(), &["POST".into()]);
        assert!(diags.is_empty());
        assert_eq!(resps.len(), 1);
        assert_eq!(resps[0].response.status, 200);
        assert_eq!(resps[0].response.body, b"ok");
        assert_eq!(resps[0].start, 25);
        assert!(resps[0].diagnostics[0].message.contains("interim response 100 Continue"));
    }

    #[test]
    fn head_and_no_body_statuses() {
        let data = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
        let (resps, _) = parse_responses(data, &lim(), &["HEAD".into(), "GET".into(), "GET".into()]);
        assert_eq!(resps.len(), 3);
        assert!(resps[0].response.body.is_empty());
        assert_eq!(resps[1].response.status, 204);
        assert_eq!(resps[2].response.body, b"abc");
    }

    #[test]
    fn close_delimited_response() {
        let data = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall the rest";
        let (resps, _) = parse_responses(data, &lim(), &[]);
        assert_eq!(resps[0].response.body, b"all the rest");
        assert!(resps[0].response.complete);
        let mut p = StreamParser::new(Some(Role::Responses), &lim());
        p.feed(data, 0.0, &[]);
        p.finish(false);
        let (msgs, _) = p.take_all();
        assert!(!msgs[0].complete);
        assert!(msgs[0].diagnostics[0].message.contains("capture ends"));
    }

    #[test]
    fn truncated_last_message() {
        let data = b"POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPOST /b HTTP/1.1\r\nContent-Length: 100\r\n\r\nonly some";
        let (reqs, _) = parse_requests(data, &lim());
        assert_eq!(reqs.len(), 2);
        assert!(reqs[0].request.body == b"abc");
        assert_eq!(reqs[1].request.body, b"only some");
        assert!(reqs[1].diagnostics.iter().any(|d| d.message.contains("9 of 100")));
        let (reqs, _) = parse_requests(b"POST /a HTTP/1.1\r\nX-RequestType: Execute\r\nContent-Le", &lim());
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].request.uri, "/a");
        assert_eq!(reqs[0].request.header("X-RequestType"), Some("Execute"));
        assert!(reqs[0].diagnostics[0].message.contains("inside the message head"));
    }

    #[test]
    fn billion_byte_chunk_is_bounded() {
        let data = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3B9ACA00\r\nonly a few bytes";
        let (resps, _) = parse_responses(data, &lim(), &[]);
        assert_eq!(resps.len(), 1);
        let r = &resps[0];
        assert_eq!(r.response.body, b"only a few bytes");
        assert!(!r.response.complete);
        assert!(r.response.body.capacity() < 1 << 20);
        let d = &r.diagnostics[0].message;
        assert!(d.contains("inside a chunk of 1000000000 bytes (16 present)"), "{d}");
        // A size that does not fit is rejected.
        let (resps, _) = parse_responses(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\nx", &lim(), &[]);
        assert!(resps[0].diagnostics[0].message.contains("invalid chunk-size line"));
        assert!(!resps[0].response.complete);
    }

    #[test]
    fn garbage_skipped_then_resync() {
        let data = b"tail of an earlier body\r\nmore\r\nPOST /mapi/nspi/ HTTP/1.1\r\nContent-Length: 1\r\n\r\nx";
        let (reqs, diags) = parse_requests(data, &lim());
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].request.uri, "/mapi/nspi/");
        assert_eq!(reqs[0].start, 31);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("skipped 31 bytes at stream offset 0"), "{}", diags[0].message);
        // Responses: a status line after body bytes.
        let data = b"xyz\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        let (resps, diags) = parse_responses(data, &lim(), &[]);
        assert_eq!(resps.len(), 1);
        assert_eq!(resps[0].start, 5);
        assert!(diags[0].message.contains("skipped 5 bytes"));
    }

    #[test]
    fn role_found_by_content() {
        let mut p = StreamParser::new(None, &lim());
        p.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0.0, &[]);
        assert_eq!(p.role(), Some(Role::Responses));
        let mut p = StreamParser::new(None, &lim());
        p.feed(b"BPROPFIND / HTTP/1.1\r\n\r\n", 0.0, &[]);
        assert_eq!(p.role(), Some(Role::Requests));
        assert_eq!(p.out.len(), 1);
    }

    #[test]
    fn tls_detected_at_stream_start() {
        let mut p = StreamParser::new(None, &lim());
        p.feed(&[0x16, 0x03], 0.0, &[]);
        assert!(!p.tls);
        p.feed(&[0x01, 0x00, 0x05, 1, 2, 3, 4, 5], 0.0, &[]);
        assert!(p.tls);
        p.feed(&[0; 100], 0.0, &[]);
        assert_eq!(p.dead_bytes, 110);
        assert!(p.out.is_empty());
    }

    #[test]
    fn gap_inside_content_length_body_resyncs_exactly() {
        let mut p = StreamParser::new(Some(Role::Requests), &lim());
        p.feed(b"POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123", 1.0, &[]);
        p.gap(3);
        p.feed(b"789POST /b HTTP/1.1\r\n\r\n", 2.0, &[]);
        p.finish(true);
        let (msgs, diags) = p.take_all();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].body, b"0123");
        assert!(!msgs[0].complete);
        assert!(msgs[0].diagnostics[0].message.contains("3 bytes of the client→server stream missing at stream offset 44"));
        assert_eq!(msgs[1].method(), Some("POST"));
        assert!(msgs[1].complete);
        assert_eq!(msgs[1].start, 50);
    }

    #[test]
    fn gap_in_chunk_framing_then_scan() {
        let mut p = StreamParser::new(Some(Role::Responses), &lim());
        p.feed(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 1.0, &[]);
        p.gap(100);
        p.feed(b"junk\r\nHTTP/1.1 204 No Content\r\n\r\n", 2.0, &[]);
        p.finish(true);
        let (msgs, diags) = p.take_all();
        assert_eq!(msgs.len(), 2);
        assert!(!msgs[0].complete);
        assert_eq!(msgs[0].body, b"ab");
        assert_eq!(msgs[1].line, StartLine::Response { status: 204, reason: "No Content".into() });
        assert!(diags.iter().any(|d| d.message.contains("skipped 6 bytes")), "{diags:?}");
    }

    #[test]
    fn pipelined_requests_in_one_segment() {
        let mut one = Vec::new();
        for i in 0..5 {
            one.extend_from_slice(format!("POST /{i} HTTP/1.1\r\nContent-Length: 1\r\n\r\n{i}").as_bytes());
        }
        let mut p = StreamParser::new(None, &lim());
        p.feed(&one, 7.0, &[]);
        assert_eq!(p.out.len(), 5);
        assert!(p.out.iter().all(|m| m.start_time == 7.0));
        assert_eq!(p.out[4].body, b"4");
    }

    #[test]
    fn headers_too_large_are_bounded() {
        let mut data = b"POST / HTTP/1.1\r\n".to_vec();
        data.extend(std::iter::repeat_n(b'a', MAX_HEAD + 10));
        let (reqs, diags) = parse_requests(&data, &lim());
        assert!(reqs.is_empty());
        assert!(diags.iter().any(|d| d.message.contains("no end of the message head")));
    }

    #[test]
    fn scan_finds_messages_glued_to_body_bytes() {
        let (reqs, diags) = parse_requests(b"\x00\x01binaryXYZPOST /mapi/emsmdb/ HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &lim());
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].start, 11);
        assert_eq!(reqs[0].request.method, "POST");
        assert!(diags[0].message.contains("skipped 11 bytes"));
        let (resps, _) = parse_responses(b"end of a bodyHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", &lim(), &[]);
        assert_eq!(resps.len(), 1);
        assert_eq!(resps[0].response.status, 404);
        // Not a status line: "HTTP/1.1 20" followed by a letter.
        let (resps, diags) = parse_responses(b"xHTTP/1.1 20x", &lim(), &[]);
        assert!(resps.is_empty());
        assert!(diags[0].message.contains("skipped 13 bytes"));
    }

    #[test]
    fn scanning_non_http_keeps_little() {
        let mut p = StreamParser::new(None, &lim());
        p.feed(b"x y", 0.0, &[]);
        let block = vec![b'a'; 1024];
        let mut most = 0;
        for _ in 0..2048 {
            p.feed(&block, 0.0, &[]);
            most = most.max(p.buf.len());
        }
        assert!(most < 3 * MAX_SCAN_LINE, "{most}");
        p.finish(true);
        let (msgs, diags) = p.take_all();
        assert!(msgs.is_empty());
        assert_eq!(p.skipped_bytes, 3 + 2048 * 1024);
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.starts_with("skipped 2097155 bytes at stream offset 0"), "{}", diags[0].message);
    }

    /// Random pieces of HTTP-ish text, fed in random splits with random gaps, never panic and give
    /// consistent offsets.
    #[test]
    fn random_streams_never_panic() {
        let pieces: [&[u8]; 12] = [
            b"POST /a HTTP/1.1\r\n",
            b"HTTP/1.1 200 OK\r\n",
            b"Content-Length: 5\r\n",
            b"Transfer-Encoding: chunked\r\n",
            b"Content-Encoding: gzip\r\n",
            b"\r\n",
            b"5\r\nabcde\r\n",
            b"0\r\n\r\n",
            b"FFFFFFF\r\n",
            b"\x16\x03\x01",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            b"garbage \x00\xff ",
        ];
        let mut seed = 7u64;
        let mut rnd = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let limits = Limits { max_body: 64, ..Limits::default() };
        for _ in 0..2000 {
            let mut data = Vec::new();
            for _ in 0..rnd(20) {
                data.extend_from_slice(pieces[rnd(pieces.len())]);
            }
            let (reqs, _) = parse_requests(&data, &limits);
            let (resps, _) = parse_responses(&data, &limits, &["HEAD".into(), "CONNECT".into()]);
            for r in &reqs {
                assert!(r.start <= r.end && r.end <= data.len());
                assert!(r.request.body.len() <= 64);
            }
            for r in &resps {
                assert!(r.start <= r.end && r.end <= data.len());
                assert!(r.chunk_ends.iter().all(|&e| e <= r.end));
            }
            let role = [None, Some(Role::Requests), Some(Role::Responses)][rnd(3)];
            let mut p = StreamParser::new(role, &limits);
            let mut at = 0;
            while at < data.len() {
                let n = 1 + rnd(data.len() - at);
                p.feed(&data[at..at + n], at as f64, &[]);
                if rnd(5) == 0 {
                    p.gap(1 + rnd(30) as u64);
                }
                at += n;
            }
            p.finish(rnd(2) == 0);
            let (msgs, _) = p.take_all();
            for m in msgs {
                assert!(m.start <= m.end);
                assert!(m.start_time <= m.end_time);
            }
        }
    }
}
