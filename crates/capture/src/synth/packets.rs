//! The TCP/IP side of packet captures: each exchange becomes Ethernet/IPv4/TCP frames on its
//! connection (three-way handshake on first use, MSS 1460 segmentation, delayed ACKs every second
//! segment, PSH on the last segment of a message, FIN exchange on close), with correct checksums,
//! and the frames are written as pcap (LINKTYPE_ETHERNET, microseconds) or pcapng (SHB, IDB with
//! if_tsresol 9 = nanoseconds, EPBs) records in time order.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::exchange::{Conn, Exchange};
use super::scenario::Event;
use super::time::Ns;

/// TCP maximum segment size.
pub const MSS: usize = 1460;
/// Time between back-to-back segments from the server (100 Mbit/s: 1514 bytes ≈ 121 µs).
const SERVER_GAP: Ns = 121_000;
/// Time between back-to-back segments from the client (1 Gbit/s).
const CLIENT_GAP: Ns = 12_000;
/// Half a round trip (the capture is on the client: server answers arrive one RTT later).
const HALF_RTT: Ns = 400_000;
/// How far before an exchange's request its first packet (the SYN) can be.
pub const LEAD: Ns = 5_000_000;

const SYN: u8 = 0x02;
const FIN: u8 = 0x01;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// One frame and its time.
#[derive(Clone, Debug)]
pub struct Frame {
    /// Capture time.
    pub time: Ns,
    /// Ethernet frame bytes.
    pub data: Vec<u8>,
}

#[derive(Clone, Debug)]
struct TcpConn {
    conn: Conn,
    /// Next sequence number of the client and of the server.
    seq: [u32; 2],
    /// Time the last segment of each direction was sent.
    last: [Ns; 2],
}

/// The TCP state of every connection, producing frames for events.
#[derive(Clone, Debug, Default)]
pub struct TcpModel {
    conns: BTreeMap<u32, TcpConn>,
    ip_id: BTreeMap<[u8; 4], u16>,
    closed: BTreeSet<u32>,
}

impl TcpModel {
    /// The frames of one event.
    pub fn frames(&mut self, e: &Event) -> Vec<Frame> {
        let mut out = Vec::new();
        match e {
            Event::Exchange(x) => self.exchange(x, &mut out),
            Event::Close { conn, time } => self.close(conn.id, *time, &mut out),
        }
        out
    }

    /// The frames that close every connection still open (end of capture).
    pub fn close_all(&mut self, time: Ns) -> Vec<Frame> {
        let ids: Vec<u32> = self.conns.keys().copied().collect();
        let mut out = Vec::new();
        for id in ids {
            let t = self.conns.get(&id).map_or(time, |c| c.last[0].max(c.last[1]) + 1_000_000).max(time);
            self.close(id, t, &mut out);
        }
        out
    }

    fn isn(conn: &Conn, side: u32) -> u32 {
        // Deterministic "random" initial sequence numbers.
        let mut h = u64::from(conn.id) << 1 | u64::from(side);
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(conn.client_port);
        (h >> 17) as u32
    }

    fn open(&mut self, conn: &Conn, t: Ns, out: &mut Vec<Frame>) {
        let (c_isn, s_isn) = (Self::isn(conn, 0), Self::isn(conn, 1));
        // MSS 1460, NOP, window scale 8, NOP, NOP, SACK permitted.
        let opts = [0x02, 0x04, 0x05, 0xB4, 0x01, 0x03, 0x03, 0x08, 0x01, 0x01, 0x04, 0x02];
        let t0 = t.saturating_sub(2 * HALF_RTT + 60_000);
        out.push(self.frame(conn, true, t0, c_isn, 0, SYN, 64_240, &opts, &[]));
        out.push(self.frame(conn, false, t0 + 2 * HALF_RTT, s_isn, c_isn.wrapping_add(1), SYN | ACK, 65_535, &opts, &[]));
        out.push(self.frame(conn, true, t0 + 2 * HALF_RTT + 40_000, c_isn.wrapping_add(1), s_isn.wrapping_add(1), ACK, 1026, &[], &[]));
        self.conns.insert(conn.id, TcpConn { conn: *conn, seq: [c_isn.wrapping_add(1), s_isn.wrapping_add(1)], last: [t0 + 2 * HALF_RTT + 40_000; 2] });
    }

    fn exchange(&mut self, x: &Exchange, out: &mut Vec<Frame>) {
        if !self.conns.contains_key(&x.conn.id) {
            self.open(&x.conn, x.t_request, out);
        }
        self.send(x.conn.id, true, x.t_request, &x.request_wire(), out);
        for (t, piece) in x.response_pieces() {
            self.send(x.conn.id, false, t, &piece, out);
        }
    }

    /// Sends `data` from one side starting at `t`: MSS segments, the receiver's ACK after every
    /// second segment and after the last.
    fn send(&mut self, id: u32, client: bool, t: Ns, data: &[u8], out: &mut Vec<Frame>) {
        let Some(c) = self.conns.get(&id).cloned() else { return };
        let (me, peer) = if client { (0, 1) } else { (1, 0) };
        let gap = if client { CLIENT_GAP } else { SERVER_GAP };
        let mut at = t.max(c.last[me] + gap / 4);
        let mut seq = c.seq[me];
        let ack = c.seq[peer];
        let n = data.len().div_ceil(MSS);
        let mut ack_at = at;
        for (i, seg) in data.chunks(MSS).enumerate() {
            let last = i + 1 == n;
            let flags = if last { PSH | ACK } else { ACK };
            out.push(self.frame(&c.conn, client, at, seq, ack, flags, if client { 1026 } else { 8212 }, &[], seg));
            seq = seq.wrapping_add(seg.len() as u32);
            if i % 2 == 1 || last {
                // The receiver acknowledges (delayed ACK, every second full segment).
                ack_at = ack_at.max(at + if client { 2 * HALF_RTT } else { 30_000 });
                out.push(self.frame(&c.conn, !client, ack_at, ack, seq, ACK, if client { 8212 } else { 1026 }, &[], &[]));
            }
            at += gap;
        }
        if let Some(c) = self.conns.get_mut(&id) {
            c.seq[me] = seq;
            c.last[me] = at;
            c.last[peer] = c.last[peer].max(ack_at);
        }
    }

    fn close(&mut self, id: u32, t: Ns, out: &mut Vec<Frame>) {
        let Some(c) = self.conns.remove(&id) else { return };
        self.closed.insert(id);
        let t = t.max(c.last[0].max(c.last[1]) + 1_000_000);
        let (cs, ss) = (c.seq[0], c.seq[1]);
        out.push(self.frame(&c.conn, true, t, cs, ss, FIN | ACK, 1026, &[], &[]));
        out.push(self.frame(&c.conn, false, t + 2 * HALF_RTT, ss, cs.wrapping_add(1), FIN | ACK, 8212, &[], &[]));
        out.push(self.frame(&c.conn, true, t + 2 * HALF_RTT + 30_000, cs.wrapping_add(1), ss.wrapping_add(1), ACK, 1026, &[], &[]));
    }

    /// One Ethernet/IPv4/TCP frame.
    #[allow(clippy::too_many_arguments)]
    fn frame(&mut self, c: &Conn, from_client: bool, time: Ns, seq: u32, ack: u32, flags: u8, window: u16, opts: &[u8], payload: &[u8]) -> Frame {
        let (src_mac, dst_mac, src, dst, sport, dport, ttl) = if from_client {
            (c.client_mac, c.server_mac, c.client_ip, c.server_ip, c.client_port, c.server_port, 128u8)
        } else {
            (c.server_mac, c.client_mac, c.server_ip, c.client_ip, c.server_port, c.client_port, 127u8)
        };
        let tcp_len = 20 + opts.len() + payload.len();
        let ip_len = 20 + tcp_len;
        let id = {
            let e = self.ip_id.entry(src).or_insert_with(|| u16::from_be_bytes([src[2], src[3]]).wrapping_mul(977));
            *e = e.wrapping_add(1);
            *e
        };
        let mut f = Vec::with_capacity(14 + ip_len);
        f.extend_from_slice(&dst_mac);
        f.extend_from_slice(&src_mac);
        f.extend_from_slice(&[0x08, 0x00]);
        let ip_at = f.len();
        f.extend_from_slice(&[0x45, 0x00]);
        f.extend_from_slice(&(ip_len as u16).to_be_bytes());
        f.extend_from_slice(&id.to_be_bytes());
        f.extend_from_slice(&[0x40, 0x00, ttl, 6, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        let ip_sum = checksum(0, &f[ip_at..ip_at + 20]);
        f[ip_at + 10..ip_at + 12].copy_from_slice(&ip_sum.to_be_bytes());
        let tcp_at = f.len();
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&ack.to_be_bytes());
        f.push((((20 + opts.len()) / 4) as u8) << 4);
        f.push(flags);
        f.extend_from_slice(&window.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 0]);
        f.extend_from_slice(opts);
        f.extend_from_slice(payload);
        // TCP checksum over the pseudo-header and the segment.
        let mut pseudo = [0u8; 12];
        pseudo[..4].copy_from_slice(&src);
        pseudo[4..8].copy_from_slice(&dst);
        pseudo[9] = 6;
        pseudo[10..12].copy_from_slice(&(tcp_len as u16).to_be_bytes());
        let sum = checksum(sum_words(0, &pseudo), &f[tcp_at..]);
        f[tcp_at + 16..tcp_at + 18].copy_from_slice(&sum.to_be_bytes());
        Frame { time, data: f }
    }
}

fn sum_words(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for w in &mut chunks {
        acc = acc.wrapping_add(u32::from(u16::from_be_bytes([w[0], w[1]])));
    }
    if let [b] = chunks.remainder() {
        acc = acc.wrapping_add(u32::from(*b) << 8);
    }
    acc
}

/// The Internet checksum (RFC 1071) of `data` added to a partial sum.
pub fn checksum(acc: u32, data: &[u8]) -> u16 {
    let mut s = sum_words(acc, data);
    while s >> 16 != 0 {
        s = (s & 0xFFFF) + (s >> 16);
    }
    !(s as u16)
}

/// The file format of packet records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketFormat {
    /// libpcap, microsecond time stamps, little-endian.
    Pcap,
    /// pcapng with nanosecond time stamps.
    PcapNg,
}

impl PacketFormat {
    /// The file header (pcap global header, or pcapng SHB + IDB).
    pub fn header(self) -> Vec<u8> {
        match self {
            PacketFormat::Pcap => {
                let mut v = Vec::with_capacity(24);
                v.extend_from_slice(&0xA1B2_C3D4u32.to_le_bytes());
                v.extend_from_slice(&2u16.to_le_bytes());
                v.extend_from_slice(&4u16.to_le_bytes());
                v.extend_from_slice(&0i32.to_le_bytes());
                v.extend_from_slice(&0u32.to_le_bytes());
                v.extend_from_slice(&262_144u32.to_le_bytes());
                v.extend_from_slice(&1u32.to_le_bytes());
                v
            }
            PacketFormat::PcapNg => {
                let mut v = Vec::new();
                // Section Header Block with shb_userappl.
                let mut opts = Vec::new();
                option(&mut opts, 4, b"mapiscope sample generator");
                option(&mut opts, 0, &[]);
                let mut body = Vec::new();
                body.extend_from_slice(&0x1A2B_3C4Du32.to_le_bytes());
                body.extend_from_slice(&1u16.to_le_bytes());
                body.extend_from_slice(&0u16.to_le_bytes());
                body.extend_from_slice(&(-1i64).to_le_bytes());
                body.extend_from_slice(&opts);
                block(&mut v, 0x0A0D_0D0A, &body);
                // Interface Description Block: Ethernet, if_name, if_tsresol = 9 (nanoseconds).
                let mut opts = Vec::new();
                option(&mut opts, 2, b"Ethernet0");
                option(&mut opts, 9, &[9]);
                option(&mut opts, 0, &[]);
                let mut body = Vec::new();
                body.extend_from_slice(&1u16.to_le_bytes());
                body.extend_from_slice(&0u16.to_le_bytes());
                body.extend_from_slice(&262_144u32.to_le_bytes());
                body.extend_from_slice(&opts);
                block(&mut v, 1, &body);
                v
            }
        }
    }

    /// The size of the record of a frame of `len` bytes.
    pub fn record_len(self, len: usize) -> usize {
        match self {
            PacketFormat::Pcap => 16 + len,
            PacketFormat::PcapNg => 32 + len.div_ceil(4) * 4,
        }
    }

    /// Appends the record of a frame.
    pub fn record(self, out: &mut Vec<u8>, f: &Frame) {
        let len = f.data.len() as u32;
        match self {
            PacketFormat::Pcap => {
                out.extend_from_slice(&((f.time / 1_000_000_000) as u32).to_le_bytes());
                out.extend_from_slice(&((f.time % 1_000_000_000 / 1000) as u32).to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&f.data);
            }
            PacketFormat::PcapNg => {
                let padded = f.data.len().div_ceil(4) * 4;
                let total = (32 + padded) as u32;
                out.extend_from_slice(&6u32.to_le_bytes());
                out.extend_from_slice(&total.to_le_bytes());
                out.extend_from_slice(&0u32.to_le_bytes());
                out.extend_from_slice(&((f.time >> 32) as u32).to_le_bytes());
                out.extend_from_slice(&(f.time as u32).to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&f.data);
                out.resize(out.len() + padded - f.data.len(), 0);
                out.extend_from_slice(&total.to_le_bytes());
            }
        }
    }
}

fn option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend_from_slice(&code.to_le_bytes());
    out.extend_from_slice(&(value.len() as u16).to_le_bytes());
    out.extend_from_slice(value);
    out.resize(out.len() + (4 - value.len() % 4) % 4, 0);
}

fn block(out: &mut Vec<u8>, ty: u32, body: &[u8]) {
    let total = (12 + body.len()) as u32;
    out.extend_from_slice(&ty.to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&total.to_le_bytes());
}

/// Writes events as packet records, in time order: frames wait in a queue until no later event can
/// produce an earlier frame.
pub struct PacketSink<W: Write> {
    out: W,
    format: PacketFormat,
    tcp: TcpModel,
    queue: BTreeMap<(Ns, u64), Frame>,
    order: u64,
    bytes: u64,
    buf: Vec<u8>,
    last_time: Ns,
}

impl<W: Write> PacketSink<W> {
    /// Writes the file header.
    pub fn new(mut out: W, format: PacketFormat) -> io::Result<Self> {
        let h = format.header();
        out.write_all(&h)?;
        Ok(PacketSink { out, format, tcp: TcpModel::default(), queue: BTreeMap::new(), order: 0, bytes: h.len() as u64, buf: Vec::with_capacity(1 << 16), last_time: 0 })
    }

    /// Adds an event's frames and writes those that are due.
    pub fn push(&mut self, e: &Event) -> io::Result<()> {
        let watermark = e.time().saturating_sub(LEAD);
        for f in self.tcp.frames(e) {
            self.bytes += self.format.record_len(f.data.len()) as u64;
            self.queue.insert((f.time, self.order), f);
            self.order += 1;
        }
        self.flush_until(watermark)
    }

    fn flush_until(&mut self, t: Ns) -> io::Result<()> {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > t {
                break;
            }
            let f = entry.remove();
            self.last_time = self.last_time.max(f.time);
            self.format.record(&mut self.buf, &f);
            if self.buf.len() >= 1 << 16 {
                self.out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        Ok(())
    }

    /// Bytes of the file so far (written and queued).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes these events and the end of the file would add.
    pub fn cost(&self, events: &[Event]) -> u64 {
        let mut tcp = self.tcp.clone();
        let mut n = 0u64;
        for e in events {
            n += tcp.frames(e).iter().map(|f| self.format.record_len(f.data.len()) as u64).sum::<u64>();
        }
        n + tcp.close_all(0).iter().map(|f| self.format.record_len(f.data.len()) as u64).sum::<u64>()
    }

    /// Closes what is open, writes everything and returns the writer and the file size.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        for f in self.tcp.close_all(self.last_time) {
            self.bytes += self.format.record_len(f.data.len()) as u64;
            self.queue.insert((f.time, self.order), f);
            self.order += 1;
        }
        self.flush_until(Ns::MAX)?;
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok((self.out, self.bytes))
    }
}
