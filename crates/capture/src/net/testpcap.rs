//! A small pcap/pcapng writer for tests: IPv4/IPv6/TCP headers (checksums left zero: nothing here
//! checks them), link-layer wrappers for every link type the reader supports, and a TCP flow helper
//! that segments data and tracks sequence numbers.

pub const SYN: u8 = 0x02;
pub const FIN: u8 = 0x01;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

/// A TCP header followed by its payload.
pub fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(20 + payload.len());
    v.extend_from_slice(&sport.to_be_bytes());
    v.extend_from_slice(&dport.to_be_bytes());
    v.extend_from_slice(&seq.to_be_bytes());
    v.extend_from_slice(&ack.to_be_bytes());
    v.push(5 << 4);
    v.push(flags);
    v.extend_from_slice(&65535u16.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0]);
    v.extend_from_slice(payload);
    v
}

/// An IPv4 packet (fragment `offset` in bytes, a multiple of 8).
pub fn ipv4(src: [u8; 4], dst: [u8; 4], id: u16, offset: usize, more: bool, proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(20 + payload.len());
    v.push(0x45);
    v.push(0);
    v.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    v.extend_from_slice(&id.to_be_bytes());
    let frag = ((offset / 8) as u16) | if more { 0x2000 } else { 0 };
    v.extend_from_slice(&frag.to_be_bytes());
    v.push(64);
    v.push(proto);
    v.extend_from_slice(&[0, 0]);
    v.extend_from_slice(&src);
    v.extend_from_slice(&dst);
    v.extend_from_slice(payload);
    v
}

/// An IPv6 packet; with `frag = Some((id, offset, more))` a fragment header comes first, and with
/// `hop_by_hop` a Hop-by-Hop options header before everything.
pub fn ipv6(src: [u8; 16], dst: [u8; 16], hop_by_hop: bool, frag: Option<(u32, usize, bool)>, payload: &[u8]) -> Vec<u8> {
    let mut ext = Vec::new();
    let mut next = 6u8;
    if let Some((id, offset, more)) = frag {
        let mut f = vec![next, 0];
        f.extend_from_slice(&(((offset / 8) as u16) << 3 | u16::from(more)).to_be_bytes());
        f.extend_from_slice(&id.to_be_bytes());
        ext = f;
        next = 44;
    }
    if hop_by_hop {
        let mut h = vec![next, 0, 1, 4, 0, 0, 0, 0]; // PadN option filling 8 bytes
        h.extend_from_slice(&ext);
        ext = h;
        next = 0;
    }
    let mut v = vec![0x60, 0, 0, 0];
    v.extend_from_slice(&((ext.len() + payload.len()) as u16).to_be_bytes());
    v.push(next);
    v.push(64);
    v.extend_from_slice(&src);
    v.extend_from_slice(&dst);
    v.extend_from_slice(&ext);
    v.extend_from_slice(payload);
    v
}

/// Link layers to wrap IP packets in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    Ethernet,
    Vlan,
    QinQ,
    Sll,
    Sll2,
    Raw,
    Ipv4Only,
    NullLe,
    NullBe,
    Loop,
}

impl Link {
    /// The LINKTYPE_ value.
    pub fn linktype(self) -> u32 {
        match self {
            Link::Ethernet | Link::Vlan | Link::QinQ => 1,
            Link::Sll => 113,
            Link::Sll2 => 276,
            Link::Raw => 101,
            Link::Ipv4Only => 228,
            Link::NullLe | Link::NullBe => 0,
            Link::Loop => 108,
        }
    }

    /// Wraps an IP packet.
    pub fn wrap(self, ip: &[u8]) -> Vec<u8> {
        let v6 = ip.first().is_some_and(|b| b >> 4 == 6);
        let et: u16 = if v6 { 0x86dd } else { 0x0800 };
        let mut v = Vec::with_capacity(ip.len() + 24);
        let macs = [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
        match self {
            Link::Ethernet => {
                v.extend_from_slice(&macs);
                v.extend_from_slice(&et.to_be_bytes());
            }
            Link::Vlan => {
                v.extend_from_slice(&macs);
                v.extend_from_slice(&0x8100u16.to_be_bytes());
                v.extend_from_slice(&100u16.to_be_bytes());
                v.extend_from_slice(&et.to_be_bytes());
            }
            Link::QinQ => {
                v.extend_from_slice(&macs);
                v.extend_from_slice(&0x88a8u16.to_be_bytes());
                v.extend_from_slice(&10u16.to_be_bytes());
                v.extend_from_slice(&0x8100u16.to_be_bytes());
                v.extend_from_slice(&20u16.to_be_bytes());
                v.extend_from_slice(&et.to_be_bytes());
            }
            Link::Sll => {
                v.extend_from_slice(&0u16.to_be_bytes()); // packet type: to us
                v.extend_from_slice(&1u16.to_be_bytes()); // ARPHRD_ETHER
                v.extend_from_slice(&6u16.to_be_bytes());
                v.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0]);
                v.extend_from_slice(&et.to_be_bytes());
            }
            Link::Sll2 => {
                v.extend_from_slice(&et.to_be_bytes());
                v.extend_from_slice(&[0, 0]);
                v.extend_from_slice(&3u32.to_be_bytes());
                v.extend_from_slice(&1u16.to_be_bytes());
                v.push(0);
                v.push(6);
                v.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0, 0]);
            }
            Link::Raw | Link::Ipv4Only => {}
            Link::NullLe => v.extend_from_slice(&(if v6 { 30u32 } else { 2 }).to_le_bytes()),
            Link::NullBe | Link::Loop => v.extend_from_slice(&(if v6 { 24u32 } else { 2 }).to_be_bytes()),
        }
        v.extend_from_slice(ip);
        v
    }
}

/// A pcap file: `frames` are (time in seconds, frame bytes).
pub fn pcap(frames: &[(f64, Vec<u8>)], linktype: u32, big_endian: bool, nano: bool) -> Vec<u8> {
    let w32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&if big_endian { x.to_be_bytes() } else { x.to_le_bytes() });
    let w16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&if big_endian { x.to_be_bytes() } else { x.to_le_bytes() });
    let mut v = Vec::new();
    w32(&mut v, if nano { 0xa1b2_3c4d } else { 0xa1b2_c3d4 });
    w16(&mut v, 2);
    w16(&mut v, 4);
    w32(&mut v, 0);
    w32(&mut v, 0);
    w32(&mut v, 262_144);
    w32(&mut v, linktype);
    for (t, f) in frames {
        let secs = t.floor();
        let frac = ((t - secs) * if nano { 1e9 } else { 1e6 }).round() as u32;
        w32(&mut v, secs as u32);
        w32(&mut v, frac);
        w32(&mut v, f.len() as u32);
        w32(&mut v, f.len() as u32);
        v.extend_from_slice(f);
    }
    v
}

/// A pcapng writer.
pub struct PcapNg {
    pub buf: Vec<u8>,
    big_endian: bool,
}

impl PcapNg {
    pub fn new() -> PcapNg {
        PcapNg { buf: Vec::new(), big_endian: false }
    }

    fn u32b(&self, x: u32) -> [u8; 4] {
        if self.big_endian { x.to_be_bytes() } else { x.to_le_bytes() }
    }
    fn u16b(&self, x: u16) -> [u8; 2] {
        if self.big_endian { x.to_be_bytes() } else { x.to_le_bytes() }
    }

    fn block(&mut self, ty: u32, body: &[u8]) {
        let mut body = body.to_vec();
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        let len = (12 + body.len()) as u32;
        let (t, l) = (self.u32b(ty), self.u32b(len));
        self.buf.extend_from_slice(&t);
        self.buf.extend_from_slice(&l);
        self.buf.extend_from_slice(&body);
        self.buf.extend_from_slice(&l);
    }

    fn option(&self, code: u16, value: &[u8]) -> Vec<u8> {
        let mut o = Vec::new();
        o.extend_from_slice(&self.u16b(code));
        o.extend_from_slice(&self.u16b(value.len() as u16));
        o.extend_from_slice(value);
        while !o.len().is_multiple_of(4) {
            o.push(0);
        }
        o
    }

    /// A Section Header Block (starts a section with its byte order).
    pub fn shb(&mut self, big_endian: bool) {
        self.big_endian = big_endian;
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(0x1a2b_3c4d));
        b.extend_from_slice(&self.u16b(1));
        b.extend_from_slice(&self.u16b(0));
        b.extend_from_slice(&[0xff; 8]);
        self.block(0x0a0d_0d0a, &b);
    }

    /// An Interface Description Block with an optional if_tsresol byte and if_tsoffset.
    pub fn idb(&mut self, linktype: u16, tsresol: Option<u8>, tsoffset: Option<i64>) {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u16b(linktype));
        b.extend_from_slice(&[0, 0]);
        b.extend_from_slice(&self.u32b(262_144));
        if let Some(r) = tsresol {
            b.extend_from_slice(&self.option(9, &[r]));
        }
        if let Some(o) = tsoffset {
            let ob = if self.big_endian { o.to_be_bytes() } else { o.to_le_bytes() };
            b.extend_from_slice(&self.option(14, &ob));
        }
        if tsresol.is_some() || tsoffset.is_some() {
            b.extend_from_slice(&self.option(0, &[]));
        }
        self.block(1, &b);
    }

    /// An Enhanced Packet Block with a raw timestamp in interface units.
    pub fn epb(&mut self, iface: u32, ts: u64, data: &[u8]) {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(iface));
        b.extend_from_slice(&self.u32b((ts >> 32) as u32));
        b.extend_from_slice(&self.u32b(ts as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(data);
        self.block(6, &b);
    }

    /// An obsolete Packet Block.
    pub fn opb(&mut self, iface: u16, ts: u64, data: &[u8]) {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u16b(iface));
        b.extend_from_slice(&self.u16b(0));
        b.extend_from_slice(&self.u32b((ts >> 32) as u32));
        b.extend_from_slice(&self.u32b(ts as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(data);
        self.block(2, &b);
    }

    /// A Simple Packet Block.
    pub fn spb(&mut self, data: &[u8]) {
        let mut b = Vec::new();
        b.extend_from_slice(&self.u32b(data.len() as u32));
        b.extend_from_slice(data);
        self.block(3, &b);
    }

    /// A Name Resolution Block (ignored by the reader).
    pub fn nrb(&mut self) {
        let b = [0u8; 4];
        self.block(4, &b);
    }
}

/// One side of a TCP flow.
#[derive(Clone, Copy, Debug)]
pub struct Side {
    pub ip: Ip,
    pub port: u16,
    pub seq: u32,
}

#[derive(Clone, Copy, Debug)]
pub enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
}

/// A TCP connection generator: produces IP packets (no link layer) with times.
pub struct Flow {
    pub c: Side,
    pub s: Side,
    pub mss: usize,
    pub packets: Vec<(f64, Vec<u8>)>,
    pub ip_id: u16,
}

impl Flow {
    pub fn v4(client: ([u8; 4], u16), server: ([u8; 4], u16)) -> Flow {
        Flow {
            c: Side { ip: Ip::V4(client.0), port: client.1, seq: 1000 },
            s: Side { ip: Ip::V4(server.0), port: server.1, seq: 5000 },
            mss: 1460,
            packets: Vec::new(),
            ip_id: 1,
        }
    }

    pub fn v6(client: ([u8; 16], u16), server: ([u8; 16], u16)) -> Flow {
        Flow {
            c: Side { ip: Ip::V6(client.0), port: client.1, seq: 0xffff_f000 },
            s: Side { ip: Ip::V6(server.0), port: server.1, seq: 7 },
            mss: 1400,
            packets: Vec::new(),
            ip_id: 1,
        }
    }

    /// An IP packet carrying a TCP segment from the client (`from_client`) or the server.
    pub fn packet(&mut self, from_client: bool, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
        let (a, b) = if from_client { (self.c, self.s) } else { (self.s, self.c) };
        let ack = if flags & ACK != 0 { b.seq } else { 0 };
        let t = tcp(a.port, b.port, seq, ack, flags, payload);
        self.ip_id = self.ip_id.wrapping_add(1);
        match (a.ip, b.ip) {
            (Ip::V4(x), Ip::V4(y)) => ipv4(x, y, self.ip_id, 0, false, 6, &t),
            (Ip::V6(x), Ip::V6(y)) => ipv6(x, y, false, None, &t),
            _ => panic!("mixed IP versions"),
        }
    }

    pub fn push(&mut self, t: f64, from_client: bool, seq: u32, flags: u8, payload: &[u8]) {
        let p = self.packet(from_client, seq, flags, payload);
        self.packets.push((t, p));
    }

    /// SYN, SYN+ACK, ACK at time `t`.
    pub fn handshake(&mut self, t: f64) {
        let (cs, ss) = (self.c.seq, self.s.seq);
        self.push(t, true, cs, SYN, &[]);
        self.c.seq = cs.wrapping_add(1);
        self.push(t, false, ss, SYN | ACK, &[]);
        self.s.seq = ss.wrapping_add(1);
        self.push(t, true, self.c.seq, ACK, &[]);
    }

    /// Sends `data` in segments of at most `mss` bytes, all at time `t`.
    pub fn send(&mut self, t: f64, from_client: bool, data: &[u8]) {
        for chunk in data.chunks(self.mss.max(1)) {
            let seq = if from_client { self.c.seq } else { self.s.seq };
            self.push(t, from_client, seq, ACK | PSH, chunk);
            if from_client {
                self.c.seq = seq.wrapping_add(chunk.len() as u32);
            } else {
                self.s.seq = seq.wrapping_add(chunk.len() as u32);
            }
        }
    }

    /// FIN from both sides at time `t`.
    pub fn close(&mut self, t: f64) {
        let (cs, ss) = (self.c.seq, self.s.seq);
        self.push(t, true, cs, FIN | ACK, &[]);
        self.c.seq = cs.wrapping_add(1);
        self.push(t, false, ss, FIN | ACK, &[]);
        self.s.seq = ss.wrapping_add(1);
        self.push(t, true, self.c.seq, ACK, &[]);
    }

    /// The packets wrapped in a link layer.
    pub fn frames(&self, link: Link) -> Vec<(f64, Vec<u8>)> {
        self.packets.iter().map(|(t, p)| (*t, link.wrap(p))).collect()
    }
}

/// A request with a body.
pub fn post(path: &str, req_type: &str, body: &[u8]) -> Vec<u8> {
    let mut v = format!(
        "POST {path} HTTP/1.1\r\nHost: mail.contoso.com\r\nContent-Type: application/mapi-http\r\nX-RequestType: {req_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    v.extend_from_slice(body);
    v
}

/// A 200 response with a Content-Length body.
pub fn ok(body: &[u8]) -> Vec<u8> {
    let mut v = format!("HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nContent-Length: {}\r\n\r\n", body.len())
        .into_bytes();
    v.extend_from_slice(body);
    v
}
