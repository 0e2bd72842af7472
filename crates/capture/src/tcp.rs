//! TCP reassembly per direction and HTTP over TCP connections.
//!
//! [`TcpTracker`] receives segments in capture order ([`crate::net`]) and keeps one connection per
//! address/port pair (a new SYN after the end of a connection starts a new one). Each direction
//! reassembles its byte stream: in-order data goes straight to the direction's HTTP parser
//! (`http::StreamParser`) with the time of the packet that completed it; segments ahead of
//! the stream wait (bounded by [`Limits::max_out_of_order`] bytes, beyond which the missing bytes are
//! declared a gap); retransmitted and overlapping bytes are dropped (the first copy wins; a copy
//! with different bytes is reported when the first copy is still at hand). A capture that starts
//! mid-connection starts each direction at the first segment seen. Missing bytes (a hole filled by
//! nothing when later data is too far ahead, at a FIN, at the end of the capture, or below what the
//! peer acknowledged) are reported as gaps at their stream offset, on the message they cut.
//!
//! Which side is the client:
//! 1. the sender of a SYN without ACK (or the receiver of a SYN+ACK);
//! 2. else the side whose stream holds HTTP requests (starts with, or after resynchronisation
//!    shows, a request line `METHOD target HTTP/1.x`), or the peer of the side that sends status
//!    lines;
//! 3. else (TLS and other non-HTTP connections, for display only) the sender of a TLS ClientHello,
//!    else the side with the higher port (clients use ephemeral ports), else the first sender.
//!
//! Responses are paired with requests in order (keep-alive and pipelining); a response that starts
//! before the next unanswered request was sent has no request (the capture started mid-exchange).
//! Connections whose stream starts with a TLS record are counted and reported, never dropped
//! silently. At most [`Limits::max_connections`] connections are open at once: beyond, the oldest is
//! finished early with a diagnostic.

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

use mapiscope_codec::Severity;

use crate::http::{Message, Role, StreamParser};
use crate::model::{CaptureDiag, Endpoint, HttpExchange, Limits, Time};
use crate::net::{Addr, Segment};

/// A segment further ahead than this is taken as garbage, not as data after a hole.
const MAX_AHEAD: i64 = 1 << 30;
/// Bytes kept after delivery to compare retransmitted copies with.
const RECENT: usize = 1024;
/// TLS connections listed one by one (the rest are counted).
const MAX_TLS_LISTED: usize = 20;

/// A small fast hasher for connection keys (FxHash-like; keys are not attacker-chosen in a way that
/// matters: a capture is a file, and the worst case is slower lookups).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(chunk) {
                *d = *s;
            }
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u16(&mut self, v: u16) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(v)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.0 = (self.0.rotate_left(5) ^ v as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The two ends of a connection, in a canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct ConnKey {
    lo: (Addr, u16),
    hi: (Addr, u16),
}

impl ConnKey {
    fn new(a: (Addr, u16), b: (Addr, u16)) -> ConnKey {
        if a <= b { ConnKey { lo: a, hi: b } } else { ConnKey { lo: b, hi: a } }
    }
}

fn endpoint(e: (Addr, u16)) -> Endpoint {
    Endpoint { addr: e.0.to_string(), port: e.1 }
}

#[derive(Debug)]
struct OooSeg {
    data: Vec<u8>,
    time: Time,
    file_offset: u64,
}

/// Notes about one connection's TCP, reported once.
#[derive(Debug, Default)]
struct Notes {
    conflicts: u64,
    first_conflict: Option<(u64, usize, u64)>,
    bogus: u64,
    gaps: u64,
    gap_bytes: u64,
}

/// One direction: reassembly state and the HTTP parser.
#[derive(Debug)]
struct Dir {
    started: bool,
    syn: bool,
    isn: u32,
    /// Sequence number of the next in-order byte.
    next_seq: u32,
    /// Stream offset of the next in-order byte.
    next_rel: u64,
    ooo: BTreeMap<u64, OooSeg>,
    ooo_bytes: usize,
    /// Stream offset of the FIN.
    fin: Option<u64>,
    /// Highest stream offset the peer acknowledged.
    acked: Option<u64>,
    /// The last bytes delivered (ending at `next_rel`).
    recent: Vec<u8>,
    parser: StreamParser,
    finished: bool,
    bytes: u64,
}

impl Dir {
    fn new(limits: &Limits) -> Dir {
        Dir {
            started: false,
            syn: false,
            isn: 0,
            next_seq: 0,
            next_rel: 0,
            ooo: BTreeMap::new(),
            ooo_bytes: 0,
            fin: None,
            acked: None,
            recent: Vec::new(),
            parser: StreamParser::new(None, limits),
            finished: false,
            bytes: 0,
        }
    }

    fn start(&mut self, seq: u32) {
        self.started = true;
        self.next_seq = seq;
        self.next_rel = 0;
    }

    /// Stream offset of sequence number `seq` (may be negative: before the start).
    fn rel(&self, seq: u32) -> i64 {
        self.next_rel as i64 + i64::from(seq.wrapping_sub(self.next_seq) as i32)
    }

    fn note_ack(&mut self, ack: u32) {
        if !self.started {
            return;
        }
        let r = self.rel(ack);
        if r > self.next_rel as i64 && r - (self.next_rel as i64) < MAX_AHEAD {
            let r = r as u64;
            self.acked = Some(self.acked.map_or(r, |a| a.max(r)));
        }
    }

    fn check_conflict(&self, start: u64, data: &[u8], file_offset: u64, notes: &mut Notes) {
        // A keep-alive probe re-sends the last byte with any content.
        if data.len() <= 1 {
            return;
        }
        let recent_start = self.next_rel.saturating_sub(self.recent.len() as u64);
        let from = start.max(recent_start);
        let to = (start + data.len() as u64).min(self.next_rel);
        if from >= to {
            return;
        }
        let a = self.recent.get((from - recent_start) as usize..(to - recent_start) as usize);
        let b = data.get((from - start) as usize..(to - start) as usize);
        if let (Some(a), Some(b)) = (a, b) {
            if a != b {
                notes.conflicts += 1;
                if notes.first_conflict.is_none() {
                    notes.first_conflict = Some((from, a.len(), file_offset));
                }
            }
        }
    }

    fn deliver(&mut self, data: &[u8], time: Time, file_offset: u64, methods: &[String]) {
        self.parser.file_offset = Some(file_offset);
        self.parser.feed(data, time, methods);
        self.next_rel += data.len() as u64;
        self.next_seq = self.next_seq.wrapping_add(data.len() as u32);
        self.bytes += data.len() as u64;
        if data.len() >= RECENT {
            self.recent.clear();
            self.recent.extend_from_slice(data.get(data.len() - RECENT..).unwrap_or(&[]));
        } else {
            self.recent.extend_from_slice(data);
            if self.recent.len() > 2 * RECENT {
                let cut = self.recent.len() - RECENT;
                self.recent.drain(..cut);
            }
        }
    }

    fn gap(&mut self, len: u64, file_offset: u64, notes: &mut Notes) {
        if len == 0 {
            return;
        }
        self.parser.file_offset = Some(file_offset);
        self.parser.gap(len);
        self.next_rel += len;
        self.next_seq = self.next_seq.wrapping_add(len as u32);
        self.recent.clear();
        notes.gaps += 1;
        notes.gap_bytes += len;
    }

    /// Delivers waiting segments that the stream has reached. Their bytes count as arrived when the
    /// segment that filled the hole before them arrived (`fill`), or when they arrived themselves if
    /// the hole was declared a gap (`None`).
    fn drain_ooo(&mut self, fill: Option<Time>, methods: &[String], notes: &mut Notes) {
        while let Some(entry) = self.ooo.first_entry() {
            let start = *entry.key();
            if start > self.next_rel {
                break;
            }
            let seg = entry.remove();
            self.ooo_bytes = self.ooo_bytes.saturating_sub(seg.data.len());
            let end = start + seg.data.len() as u64;
            if end <= self.next_rel {
                self.check_conflict(start, &seg.data, seg.file_offset, notes);
                continue;
            }
            let skip = (self.next_rel - start) as usize;
            self.check_conflict(start, seg.data.get(..skip).unwrap_or(&[]), seg.file_offset, notes);
            let time = fill.map_or(seg.time, |t| t.max(seg.time));
            self.deliver(seg.data.get(skip..).unwrap_or(&[]), time, seg.file_offset, methods);
        }
    }

    /// Declares the bytes before the first waiting segment missing.
    fn skip_to_ooo(&mut self, methods: &[String], notes: &mut Notes) -> bool {
        let Some((&start, seg)) = self.ooo.first_key_value() else { return false };
        let off = seg.file_offset;
        self.gap(start.saturating_sub(self.next_rel), off, notes);
        self.drain_ooo(None, methods, notes);
        true
    }

    /// Declares holes the peer has acknowledged (the capture lost those bytes: they will not come).
    fn skip_acked_holes(&mut self, methods: &[String], notes: &mut Notes) {
        while let (Some(a), Some((&start, _))) = (self.acked, self.ooo.first_key_value()) {
            if start > a || !self.skip_to_ooo(methods, notes) {
                break;
            }
        }
    }

    /// Takes the payload of a segment whose first byte has sequence number `seq`.
    fn insert(&mut self, seq: u32, data: &[u8], time: Time, file_offset: u64, ctx: &mut Ctx<'_>) {
        let start = self.rel(seq);
        let next = self.next_rel as i64;
        let len = data.len() as i64;
        if start + len <= next {
            if start >= 0 {
                self.check_conflict(start as u64, data, file_offset, ctx.notes);
            }
            return;
        }
        let (start, data) = if start < next {
            let skip = (next - start) as usize;
            if start >= 0 {
                self.check_conflict(start as u64, data.get(..skip).unwrap_or(&[]), file_offset, ctx.notes);
            }
            (next, data.get(skip..).unwrap_or(&[]))
        } else {
            (start, data)
        };
        if start == next {
            self.deliver(data, time, file_offset, ctx.methods);
            self.drain_ooo(Some(time), ctx.methods, ctx.notes);
            return;
        }
        if start - next > MAX_AHEAD {
            ctx.notes.bogus += 1;
            return;
        }
        let start = start as u64;
        match self.ooo.get_mut(&start) {
            None => {
                self.ooo.insert(start, OooSeg { data: data.to_vec(), time, file_offset });
                self.ooo_bytes += data.len();
            }
            Some(old) => {
                let n = old.data.len().min(data.len());
                if old.data.get(..n) != data.get(..n) {
                    ctx.notes.conflicts += 1;
                    if ctx.notes.first_conflict.is_none() {
                        ctx.notes.first_conflict = Some((start, n, file_offset));
                    }
                }
                if data.len() > old.data.len() {
                    let extra = data.get(old.data.len()..).unwrap_or(&[]);
                    old.data.extend_from_slice(extra);
                    self.ooo_bytes += extra.len();
                }
            }
        }
        while self.ooo_bytes > ctx.limits.max_out_of_order {
            if !self.skip_to_ooo(ctx.methods, ctx.notes) {
                break;
            }
        }
    }

    /// Ends the direction: waiting segments after holes, bytes missing before a FIN or below what
    /// the peer acknowledged, then the parser.
    fn finish(&mut self, closed: bool, last_offset: u64, methods: &[String], notes: &mut Notes) {
        if self.finished {
            return;
        }
        while self.skip_to_ooo(methods, notes) {}
        match (self.fin, self.acked) {
            (Some(f), _) if f > self.next_rel => self.gap(f - self.next_rel, last_offset, notes),
            // An acknowledgment one past the data is most likely that of an unseen FIN.
            (None, Some(a)) if a > self.next_rel + 1 => self.gap(a - self.next_rel, last_offset, notes),
            _ => {}
        }
        self.parser.finish(closed);
        self.finished = true;
    }
}

struct Ctx<'a> {
    methods: &'a [String],
    notes: &'a mut Notes,
    limits: &'a Limits,
}

/// One TCP connection.
#[derive(Debug)]
struct Conn {
    id: u32,
    /// `ends[i]` sends the bytes of `dirs[i]`; `ends[0]` sent the first packet seen.
    ends: [(Addr, u16); 2],
    dirs: [Dir; 2],
    /// Index of the client's direction, once known.
    client: Option<usize>,
    first_offset: u64,
    last_offset: u64,
    last_time: Time,
    /// No SYN was seen for this direction: the capture starts mid-connection.
    mid: [bool; 2],
    /// Complete messages not yet paired into exchanges, in stream order.
    requests: VecDeque<Message>,
    responses: VecDeque<Message>,
    /// A response was paired with a request (a later unanswered response is then a warning).
    seen_request: bool,
    /// Exchanges emitted so far (their position within the connection).
    emitted: u32,
    methods: Vec<String>,
    notes: Notes,
    tls: bool,
    rst: bool,
    client_hello: Option<usize>,
}

impl Conn {
    fn new(id: u32, from: (Addr, u16), to: (Addr, u16), limits: &Limits, file_offset: u64) -> Conn {
        Conn {
            id,
            ends: [from, to],
            dirs: [Dir::new(limits), Dir::new(limits)],
            client: None,
            first_offset: file_offset,
            last_offset: file_offset,
            last_time: 0.0,
            mid: [false; 2],
            requests: VecDeque::new(),
            responses: VecDeque::new(),
            seen_request: false,
            emitted: 0,
            methods: Vec::new(),
            notes: Notes::default(),
            tls: false,
            rst: false,
            client_hello: None,
        }
    }

    fn dir_of(&self, seg: &Segment<'_>) -> usize {
        usize::from(self.ends[0] != (seg.src, seg.sport))
    }

    fn dir_mut(&mut self, d: usize) -> &mut Dir {
        pick_mut(&mut self.dirs, d)
    }

    fn set_client(&mut self, c: usize) {
        if self.client.is_some() {
            return;
        }
        self.client = Some(c);
        self.dir_mut(c).parser.set_role(Role::Requests);
        self.dir_mut(1 - c).parser.set_role(Role::Responses);
    }

    /// Whether a SYN from direction `d` starts a new connection on the same ports.
    fn is_reuse(&self, d: usize, seg: &Segment<'_>) -> bool {
        let dir = pick(&self.dirs, d);
        seg.syn && seg.ack.is_none() && ((dir.syn && seg.seq != dir.isn) || self.rst || dir.fin.is_some())
    }

    fn label(&self) -> String {
        let c = self.client.unwrap_or_else(|| self.guess_client());
        format!("TCP connection {} {} → {}", self.id, ep(*pick(&self.ends, c)), ep(*pick(&self.ends, 1 - c)))
    }

    fn guess_client(&self) -> usize {
        if let Some(c) = self.client_hello {
            return c;
        }
        match self.ends[0].1.cmp(&self.ends[1].1) {
            std::cmp::Ordering::Less => 1,
            _ => 0,
        }
    }

    /// Takes one segment; returns true when the connection is over (both FINs delivered, or RST).
    fn segment(&mut self, seg: &Segment<'_>, time: Time, file_offset: u64, limits: &Limits) -> bool {
        let d = self.dir_of(seg);
        self.last_offset = file_offset;
        self.last_time = time;
        if seg.syn {
            self.set_client(if seg.ack.is_none() { d } else { 1 - d });
        }
        {
            let dir = self.dir_mut(d);
            if seg.syn && !dir.started {
                dir.start(seg.seq.wrapping_add(1));
                dir.syn = true;
                dir.isn = seg.seq;
            }
            if !dir.started {
                dir.start(seg.seq);
            }
        }
        if !pick(&self.dirs, d).syn && !seg.syn {
            *pick_mut(&mut self.mid, d) = true;
        }
        if let Some(a) = seg.ack {
            self.dir_mut(1 - d).note_ack(a);
        }
        let data_seq = if seg.syn { seg.seq.wrapping_add(1) } else { seg.seq };
        if !seg.payload.is_empty() {
            let Conn { dirs, methods, notes, .. } = self;
            let dir = pick_mut(dirs, d);
            let mut ctx = Ctx { methods, notes, limits };
            dir.insert(data_seq, seg.payload, time, file_offset, &mut ctx);
            if self.client_hello.is_none() && seg.payload.first() == Some(&0x16) && seg.payload.get(5) == Some(&1) {
                self.client_hello = Some(d);
            }
        }
        if seg.fin {
            let dir = self.dir_mut(d);
            let f = dir.rel(data_seq) + seg.payload.len() as i64;
            if f >= 0 && dir.fin.is_none() {
                dir.fin = Some(f as u64);
            }
        }
        if seg.rst {
            self.rst = true;
        }
        self.collect();
        // Holes the peer acknowledged are gaps; a direction whose FIN has been reached is complete.
        for i in 0..2 {
            let Conn { dirs, methods, notes, .. } = self;
            let dir = pick_mut(dirs, i);
            if !dir.ooo.is_empty() {
                dir.skip_acked_holes(methods, notes);
            }
            if !dir.finished && dir.fin.is_some_and(|f| dir.next_rel >= f) {
                dir.finish(true, file_offset, methods, notes);
            }
        }
        self.collect();
        self.rst || (self.dirs[0].finished && self.dirs[1].finished)
    }

    /// Moves completed messages out of the parsers and propagates roles and TLS.
    fn collect(&mut self) {
        for i in 0..2 {
            let role = pick(&self.dirs, i).parser.role();
            if let Some(r) = role {
                if self.client.is_none() {
                    self.set_client(if r == Role::Requests { i } else { 1 - i });
                }
            }
            if pick(&self.dirs, i).parser.tls {
                self.tls = true;
            }
            let out = std::mem::take(&mut pick_mut(&mut self.dirs, i).parser.out);
            for m in out {
                match m.method() {
                    Some(method) => {
                        self.methods.push(method.to_string());
                        self.requests.push_back(m);
                    }
                    None => self.responses.push_back(m),
                }
            }
        }
    }

    /// Ends the connection and turns it into exchanges and diagnostics.
    fn finalize(mut self, closed: bool, out: &mut Output) {
        for i in 0..2 {
            let closed_dir = closed || self.rst || pick(&self.dirs, i).fin.is_some();
            let off = self.last_offset;
            let Conn { dirs, methods, notes, .. } = &mut self;
            let dir = pick_mut(dirs, i);
            dir.finish(closed_dir, off, methods, notes);
        }
        self.collect();
        let label = self.label();
        let mut diags = Vec::new();
        if self.mid[0] || self.mid[1] {
            diags.push(CaptureDiag::at(
                Severity::Note,
                format!("{label}: the capture starts mid-connection (no SYN seen): reassembly starts at the first segment seen"),
                self.first_offset,
            ));
        }
        if let Some((at, n, off)) = self.notes.first_conflict {
            diags.push(CaptureDiag::at(
                Severity::Warning,
                format!(
                    "{label}: {} retransmitted or overlapping segments carry bytes that differ from the first copy (first at stream offset {at}, {n} bytes): the first copy is kept",
                    self.notes.conflicts
                ),
                off,
            ));
        }
        if self.notes.bogus > 0 {
            diags.push(CaptureDiag::new(
                Severity::Warning,
                format!("{label}: {} segments with sequence numbers far outside the stream ignored", self.notes.bogus),
            ));
        }
        for i in 0..2 {
            let (_, stream) = pick_mut(&mut self.dirs, i).parser.take_all();
            for mut d in stream {
                d.message = format!("{label}: {}", d.message);
                diags.push(d);
            }
        }
        if self.tls {
            out.tls.push(format!(
                "{label}: TLS, {} bytes encrypted",
                self.dirs[0].bytes + self.dirs[1].bytes
            ));
        } else if self.requests.is_empty() && self.responses.is_empty() && self.emitted == 0 {
            let total = self.dirs[0].bytes + self.dirs[1].bytes;
            if total > 0 {
                diags.push(CaptureDiag::at(
                    Severity::Note,
                    format!("{label}: no HTTP/1.x message found in {total} bytes"),
                    self.first_offset,
                ));
            }
        }
        out.diags.extend(diags);
        self.pair(out);
    }

    fn pair(mut self, out: &mut Output) {
        self.pair_ready(out, true);
    }

    /// Pairs the complete messages into exchanges, in order: a response answers the first
    /// unanswered request if that request started before it; otherwise it has no request. With
    /// `last` (the connection is over) everything left is paired and requests without a response
    /// are emitted too. Before that (streaming), a response is only decided without a request when
    /// no request that started before it can still come: the request side has nothing pending and
    /// the connection's latest packet is later than the response's start (captures' timestamps
    /// increase), so the result is the same as pairing at the end.
    fn pair_ready(&mut self, out: &mut Output, last: bool) {
        while let Some(rs) = self.responses.front().map(|r| r.start_time) {
            let answered = self.requests.front().is_some_and(|q| q.start_time <= rs);
            if !answered && !last && !self.no_request_before(rs) {
                break;
            }
            let resp = self.responses.pop_front();
            if answered {
                self.seen_request = true;
                let req = self.requests.pop_front();
                self.emit(req, resp, None, out);
                continue;
            }
            let d = if self.seen_request {
                CaptureDiag::new(Severity::Warning, "response without a matching request in the capture")
            } else {
                CaptureDiag::new(Severity::Note, "response without request: the capture starts after the request was sent")
            };
            self.emit(None, resp, Some(d), out);
        }
        if last {
            while let Some(req) = self.requests.pop_front() {
                self.emit(Some(req), None, Some(CaptureDiag::new(Severity::Note, "no response in the capture")), out);
            }
        }
    }

    /// Whether no request starting at or before `t` can still be completed on this connection.
    fn no_request_before(&self, t: Time) -> bool {
        let Some(c) = self.client else { return false };
        let dir = pick(&self.dirs, c);
        self.last_time > t && dir.ooo.is_empty() && dir.parser.pending_since().is_none()
    }

    /// The earliest time an exchange this connection has not emitted yet can have (None: only
    /// messages starting with bytes still to come).
    fn pending_since(&self) -> Option<Time> {
        let mut t: Option<Time> = None;
        let mut take = |x: Time| t = Some(t.map_or(x, |y: Time| y.min(x)));
        if let Some(q) = self.requests.front() {
            take(q.start_time);
        }
        if let Some(r) = self.responses.front() {
            take(r.start_time);
        }
        for d in &self.dirs {
            if let Some(x) = d.parser.pending_since() {
                take(x);
            }
            if let Some(seg) = d.ooo.values().next() {
                take(seg.time);
            }
        }
        t
    }

    fn emit(&mut self, req: Option<Message>, resp: Option<Message>, extra: Option<CaptureDiag>, out: &mut Output) {
        let c = self.client.unwrap_or_else(|| self.guess_client());
        let mut ex = HttpExchange {
            request: None,
            response: None,
            client: Some(endpoint(*pick(&self.ends, c))),
            server: Some(endpoint(*pick(&self.ends, 1 - c))),
            connection: Some(self.id),
            diagnostics: Vec::new(),
        };
        let mut time = f64::INFINITY;
        if let Some(m) = req {
            time = m.start_time;
            let (r, d) = m.into_request(true);
            ex.request = Some(r);
            ex.diagnostics.extend(d);
        }
        if let Some(m) = resp {
            if time.is_infinite() {
                time = m.start_time;
            }
            let (r, d) = m.into_response(true);
            ex.response = Some(r);
            ex.diagnostics.extend(d);
        }
        ex.diagnostics.extend(extra);
        out.exchanges.push(((time, self.id, self.emitted), ex));
        self.emitted += 1;
    }
}

/// Element 0 or 1 of a pair (any `i` other than 0 is 1).
fn pick<T>(pair: &[T; 2], i: usize) -> &T {
    let [a, b] = pair;
    if i == 0 { a } else { b }
}

fn pick_mut<T>(pair: &mut [T; 2], i: usize) -> &mut T {
    let [a, b] = pair;
    if i == 0 { a } else { b }
}

fn ep(e: (Addr, u16)) -> String {
    if e.0.to_string().contains(':') { format!("[{}]:{}", e.0, e.1) } else { format!("{}:{}", e.0, e.1) }
}

#[derive(Debug, Default)]
struct Output {
    exchanges: Vec<((Time, u32, u32), HttpExchange)>,
    diags: Vec<CaptureDiag>,
    tls: Vec<String>,
}

#[derive(Debug)]
enum Slot {
    Open(Box<Conn>),
    /// A finished connection: later packets on the same ports (final ACKs) are absorbed.
    Closed,
}

/// An exchange ready to be handed out in streaming mode, ordered by (request time, connection,
/// position in the connection).
#[derive(Debug)]
struct Ready {
    key: (Time, u32, u32),
    ex: HttpExchange,
}

impl PartialEq for Ready {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ready {}
impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ready {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.0.total_cmp(&other.key.0).then(self.key.1.cmp(&other.key.1)).then(self.key.2.cmp(&other.key.2))
    }
}

/// Tracks TCP connections and turns their streams into HTTP exchanges.
#[derive(Debug)]
pub struct TcpTracker {
    /// Exchanges are paired as their messages complete and handed out by [`TcpTracker::take_ready`].
    streaming: bool,
    ready: BinaryHeap<Reverse<Ready>>,
    /// The latest packet time seen.
    now: Time,
    /// Segments since the last look at what the open connections still wait for.
    since_check: usize,
    limits: Limits,
    conns: Map<ConnKey, Slot>,
    /// Open connections in order of creation (entries of finished ones are skipped lazily).
    open: VecDeque<(ConnKey, u32)>,
    open_count: usize,
    next_id: u32,
    out: Output,
    evicted: u64,
    first_evicted: Option<u64>,
    late: u64,
}

impl TcpTracker {
    /// A tracker with the given limits.
    pub fn new(limits: &Limits) -> TcpTracker {
        TcpTracker {
            streaming: false,
            ready: BinaryHeap::new(),
            now: f64::NEG_INFINITY,
            since_check: 0,
            limits: *limits,
            conns: Map::default(),
            open: VecDeque::new(),
            open_count: 0,
            next_id: 0,
            out: Output::default(),
            evicted: 0,
            first_evicted: None,
            late: 0,
        }
    }

    /// A tracker that pairs exchanges as their messages complete, to be taken with
    /// [`TcpTracker::take_ready`] while the capture is read: memory then holds only the exchanges
    /// in flight, not the whole capture's bodies.
    pub fn new_streaming(limits: &Limits) -> TcpTracker {
        TcpTracker { streaming: true, ..TcpTracker::new(limits) }
    }

    /// Streaming: hands out the exchanges that no later packet can precede — in the order of
    /// [`TcpTracker::finish`] (request time, connection, position) as long as the capture's
    /// timestamps do not go back. The rest come from [`TcpTracker::finish`].
    pub fn take_ready(&mut self, each: &mut dyn FnMut(HttpExchange)) {
        for (key, ex) in self.out.exchanges.drain(..) {
            self.ready.push(Reverse(Ready { key, ex }));
        }
        if self.ready.is_empty() {
            return;
        }
        self.since_check += 1;
        if self.since_check < 64.max(self.open_count / 8) {
            return;
        }
        self.since_check = 0;
        // Anything not emitted yet starts no earlier than this.
        let mut mark = self.now;
        for slot in self.conns.values() {
            if let Slot::Open(c) = slot {
                if let Some(t) = c.pending_since() {
                    mark = mark.min(t);
                }
            }
        }
        while self.ready.peek().is_some_and(|r| r.0.key.0 < mark) {
            if let Some(Reverse(r)) = self.ready.pop() {
                each(r.ex);
            }
        }
    }

    /// Takes one segment captured at `time`, from the frame at `file_offset`.
    pub fn segment(&mut self, seg: &Segment<'_>, time: Time, file_offset: u64) {
        if time > self.now {
            self.now = time;
        }
        let key = ConnKey::new((seg.src, seg.sport), (seg.dst, seg.dport));
        let mut conn = match self.conns.remove(&key) {
            Some(Slot::Open(c)) => {
                let d = c.dir_of(seg);
                if c.is_reuse(d, seg) {
                    self.open_count = self.open_count.saturating_sub(1);
                    c.finalize(true, &mut self.out);
                    self.create(key, seg, file_offset)
                } else {
                    c
                }
            }
            Some(Slot::Closed) => {
                if seg.syn && seg.ack.is_none() {
                    self.create(key, seg, file_offset)
                } else {
                    self.late += 1;
                    self.conns.insert(key, Slot::Closed);
                    return;
                }
            }
            None => self.create(key, seg, file_offset),
        };
        if conn.segment(seg, time, file_offset, &self.limits) {
            self.open_count = self.open_count.saturating_sub(1);
            conn.finalize(true, &mut self.out);
            self.conns.insert(key, Slot::Closed);
        } else {
            if self.streaming {
                conn.pair_ready(&mut self.out, false);
            }
            self.conns.insert(key, Slot::Open(conn));
        }
    }

    fn create(&mut self, key: ConnKey, seg: &Segment<'_>, file_offset: u64) -> Box<Conn> {
        while self.open_count >= self.limits.max_connections.max(1) {
            let Some((k, id)) = self.open.pop_front() else { break };
            if let Some(Slot::Open(c)) = self.conns.get(&k) {
                if c.id == id {
                    if let Some(Slot::Open(c)) = self.conns.insert(k, Slot::Closed) {
                        self.open_count = self.open_count.saturating_sub(1);
                        self.evicted += 1;
                        self.first_evicted.get_or_insert(file_offset);
                        c.finalize(false, &mut self.out);
                    }
                }
            }
        }
        // Forget finished connections now and then (their late packets are then new connections
        // without SYN, which is harmless).
        if self.conns.len() > 2 * self.limits.max_connections.max(1024) {
            self.conns.retain(|_, s| matches!(s, Slot::Open(_)));
        }
        if self.open.len() > 2 * self.limits.max_connections.max(1024) {
            let conns = &self.conns;
            self.open.retain(|(k, id)| matches!(conns.get(k), Some(Slot::Open(c)) if c.id == *id));
        }
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        self.open.push_back((key, id));
        self.open_count += 1;
        Box::new(Conn::new(id, (seg.src, seg.sport), (seg.dst, seg.dport), &self.limits, file_offset))
    }

    /// Ends the capture: finishes open connections and returns the exchanges (ordered by request
    /// time), the diagnostics, and the number of TLS connections.
    pub fn finish(mut self) -> (Vec<HttpExchange>, Vec<CaptureDiag>, u32) {
        let mut open: Vec<Box<Conn>> = self
            .conns
            .drain()
            .filter_map(|(_, s)| match s {
                Slot::Open(c) => Some(c),
                Slot::Closed => None,
            })
            .collect();
        open.sort_by_key(|c| c.id);
        for c in open {
            c.finalize(false, &mut self.out);
        }
        let mut out = self.out;
        out.exchanges.extend(self.ready.into_iter().map(|Reverse(r)| (r.key, r.ex)));
        let mut diags = Vec::new();
        if !out.tls.is_empty() {
            let n = out.tls.len();
            let s = if n == 1 { "" } else { "s" };
            diags.push(CaptureDiag::new(
                Severity::Warning,
                format!("{n} TLS connection{s}: the MAPI traffic inside is encrypted"),
            ));
            for t in out.tls.iter().take(MAX_TLS_LISTED) {
                diags.push(CaptureDiag::new(Severity::Note, t.clone()));
            }
            if n > MAX_TLS_LISTED {
                diags.push(CaptureDiag::new(Severity::Note, format!("… and {} more TLS connections", n - MAX_TLS_LISTED)));
            }
        }
        if self.evicted > 0 {
            diags.push(CaptureDiag {
                severity: Severity::Warning,
                message: format!(
                    "more than {} TCP connections open at once: {} connections were finished early (their later packets are ignored)",
                    self.limits.max_connections, self.evicted
                ),
                file_offset: self.first_evicted,
            });
        }
        diags.append(&mut out.diags);
        out.exchanges.sort_by(|a, b| a.0.0.total_cmp(&b.0.0).then(a.0.1.cmp(&b.0.1)).then(a.0.2.cmp(&b.0.2)));
        let tls = u32::try_from(out.tls.len()).unwrap_or(u32::MAX);
        (out.exchanges.into_iter().map(|(_, e)| e).collect(), diags, tls)
    }
}
