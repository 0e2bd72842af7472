//! From captured frames to TCP segments: link layers (Ethernet with 802.1Q/QinQ tags, Linux SLL and
//! SLL2, raw IPv4/IPv6, BSD loopback/NULL), IPv4 and IPv6 (extension headers by `etherparse`), and
//! IPv4/IPv6 fragment reassembly (bounded). Segments go to [`crate::tcp::TcpTracker`].

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::net::Ipv6Addr;

use etherparse::{EtherType, IpNumber, Ipv6ExtensionSlice, NetSlice, SlicedPacket, TcpSlice, TransportSlice};
use mapiscope_codec::Severity;

use crate::model::{CaptureDiag, Time};
use crate::tcp::TcpTracker;

/// A short reason for a frame `etherparse` could not slice. Its own messages are not used: their
/// Display and Debug impls (every ARP hardware type and EtherType name) weigh about 10 KB of wasm.
fn slice_error(e: &etherparse::err::packet::SliceError) -> String {
    use etherparse::err::packet::SliceError as E;
    match e {
        E::Len(l) => len_error(l),
        E::LinuxSll(_) => String::from("unsupported Linux cooked capture (SLL) header"),
        E::Macsec(_) => String::from("invalid MACsec header"),
        E::Ip(_) | E::Ipv4(_) | E::Ipv6(_) => String::from("invalid IP header"),
        E::Ipv4Exts(_) | E::Ipv6Exts(_) => String::from("invalid IP extension header"),
        E::Tcp(e) => tcp_header_error(e),
    }
}

fn len_error(l: &etherparse::err::LenError) -> String {
    use etherparse::err::Layer as L;
    let layer = match l.layer {
        L::LinuxSllHeader => "Linux SLL header",
        L::Ethernet2Header => "Ethernet II header",
        L::VlanHeader => "VLAN header",
        L::MacsecHeader | L::MacsecPacket => "MACsec header",
        L::IpHeader | L::Ipv4Header | L::Ipv6Header => "IP header",
        L::Ipv4Packet | L::Ipv6Packet => "IP packet",
        L::TcpHeader => "TCP header",
        _ => "header",
    };
    format!("{layer} cut short ({} bytes needed, {} available)", l.required_len, l.len)
}

fn tcp_header_error(e: &etherparse::err::tcp::HeaderError) -> String {
    match e {
        etherparse::err::tcp::HeaderError::DataOffsetTooSmall { data_offset } => {
            format!("invalid TCP header (data offset {data_offset}, below the minimum of 5)")
        }
    }
}

fn tcp_error(e: &etherparse::err::tcp::HeaderSliceError) -> String {
    match e {
        etherparse::err::tcp::HeaderSliceError::Len(l) => len_error(l),
        etherparse::err::tcp::HeaderSliceError::Content(c) => tcp_header_error(c),
    }
}

#[cfg(test)]
pub(crate) mod testpcap;

/// Link-layer header types (tcpdump.org LINKTYPE_ values) this module reads.
pub mod linktype {
    /// BSD loopback: 4-byte address family in the host byte order of the capturing machine.
    pub const NULL: u32 = 0;
    /// Ethernet II (with 802.1Q / 802.1ad VLAN tags).
    pub const ETHERNET: u32 = 1;
    /// Raw IP (BSD values 12 and 14 are read the same).
    pub const RAW: u32 = 101;
    /// OpenBSD loopback: 4-byte address family in network byte order.
    pub const LOOP: u32 = 108;
    /// Linux cooked capture v1.
    pub const LINUX_SLL: u32 = 113;
    /// Raw IPv4.
    pub const IPV4: u32 = 228;
    /// Raw IPv6.
    pub const IPV6: u32 = 229;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: u32 = 276;
}

/// An IP address (IPv4 stored IPv4-mapped).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Addr(pub [u8; 16]);

impl Addr {
    /// An IPv4 address.
    pub fn v4(a: [u8; 4]) -> Addr {
        let mut b = [0u8; 16];
        b[10] = 0xff;
        b[11] = 0xff;
        b[12..].copy_from_slice(&a);
        Addr(b)
    }
    /// An IPv6 address.
    pub fn v6(a: [u8; 16]) -> Addr {
        Addr(a)
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v6 = Ipv6Addr::from(self.0);
        match v6.to_ipv4_mapped() {
            Some(v4) => fmt::Display::fmt(&v4, f),
            None => fmt::Display::fmt(&v6, f),
        }
    }
}

/// A TCP segment taken from a frame.
#[derive(Clone, Copy, Debug)]
pub struct Segment<'a> {
    /// Source address.
    pub src: Addr,
    /// Destination address.
    pub dst: Addr,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number when the ACK flag is set.
    pub ack: Option<u32>,
    /// SYN flag.
    pub syn: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// TCP payload.
    pub payload: &'a [u8],
}

fn segment_of<'a>(src: Addr, dst: Addr, t: &TcpSlice<'a>) -> Segment<'a> {
    Segment {
        src,
        dst,
        sport: t.source_port(),
        dport: t.destination_port(),
        seq: t.sequence_number(),
        ack: t.ack().then(|| t.acknowledgment_number()),
        syn: t.syn(),
        fin: t.fin(),
        rst: t.rst(),
        payload: t.payload(),
    }
}

/// Most bytes held in incomplete fragmented datagrams.
const MAX_FRAG_BYTES: usize = 16 << 20;
/// Most incomplete fragmented datagrams held.
const MAX_FRAG_DATAGRAMS: usize = 4096;
/// Most fragments of one datagram.
const MAX_FRAG_PARTS: usize = 1024;
/// Largest reassembled datagram payload.
const MAX_DATAGRAM: usize = 65535;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct FragKey {
    src: Addr,
    dst: Addr,
    id: u32,
    proto: u8,
}

#[derive(Debug, Default)]
struct Pending {
    parts: Vec<(usize, Vec<u8>)>,
    total: Option<usize>,
    have: usize,
}

/// IPv4/IPv6 fragment reassembly, bounded by [`MAX_FRAG_BYTES`] and [`MAX_FRAG_DATAGRAMS`] (the oldest
/// incomplete datagram is dropped first).
#[derive(Debug, Default)]
struct Defrag {
    pending: HashMap<FragKey, Pending>,
    order: VecDeque<FragKey>,
    bytes: usize,
    dropped: u64,
    reassembled: u64,
    bad: u64,
}

impl Defrag {
    fn add(&mut self, key: FragKey, offset: usize, more: bool, data: &[u8]) -> Option<Vec<u8>> {
        let end = offset.saturating_add(data.len());
        if end > MAX_DATAGRAM || (more && !data.len().is_multiple_of(8)) {
            self.bad += 1;
            return None;
        }
        let p = match self.pending.get_mut(&key) {
            Some(p) => p,
            None => {
                self.order.push_back(key);
                self.pending.entry(key).or_default()
            }
        };
        if p.parts.len() >= MAX_FRAG_PARTS {
            if let Some(p) = self.pending.remove(&key) {
                self.bytes = self.bytes.saturating_sub(p.have);
            }
            self.dropped += 1;
            return None;
        }
        p.parts.push((offset, data.to_vec()));
        p.have += data.len();
        self.bytes += data.len();
        if !more {
            p.total = Some(end);
        }
        let mut done = None;
        if let Some(total) = p.total {
            if p.have >= total {
                p.parts.sort_by_key(|&(o, _)| o);
                let mut covered = 0usize;
                for (o, d) in &p.parts {
                    if *o > covered {
                        break;
                    }
                    covered = covered.max(o + d.len());
                }
                if covered >= total {
                    let mut out = vec![0u8; total];
                    // Later parts first so that the first copy of overlapping bytes wins.
                    let mut parts = std::mem::take(&mut p.parts);
                    parts.sort_by_key(|&(o, _)| std::cmp::Reverse(o));
                    for (o, d) in &parts {
                        let n = d.len().min(total.saturating_sub(*o));
                        if let (Some(dst), Some(src)) = (out.get_mut(*o..o + n), d.get(..n)) {
                            dst.copy_from_slice(src);
                        }
                    }
                    done = Some(out);
                }
            }
        }
        if done.is_some() {
            if let Some(p) = self.pending.remove(&key) {
                self.bytes = self.bytes.saturating_sub(p.have);
            }
            self.reassembled += 1;
        }
        while self.bytes > MAX_FRAG_BYTES || self.pending.len() > MAX_FRAG_DATAGRAMS {
            let Some(k) = self.order.pop_front() else { break };
            if let Some(p) = self.pending.remove(&k) {
                self.bytes = self.bytes.saturating_sub(p.have);
                self.dropped += 1;
            }
        }
        if self.order.len() > 4 * MAX_FRAG_DATAGRAMS {
            let pending = &self.pending;
            self.order.retain(|k| pending.contains_key(k));
        }
        done
    }
}

/// Counts of what was not a TCP segment, reported once at the end.
#[derive(Debug, Default)]
struct Stats {
    not_tcp: u64,
    bad: u64,
    first_bad: Option<(u64, String)>,
    unsupported: BTreeMap<u32, (u64, u64)>,
}

/// Decodes frames into TCP segments and hands them to the tracker.
#[derive(Debug, Default)]
pub struct Net {
    defrag: Defrag,
    stats: Stats,
}

impl Net {
    /// A decoder.
    pub fn new() -> Net {
        Net::default()
    }

    /// Decodes one frame of link type `linktype`, captured at `time`, at `file_offset` in the file.
    pub fn frame(&mut self, linktype: u32, data: &[u8], time: Time, file_offset: u64, tcp: &mut TcpTracker) {
        let sliced = match linktype {
            linktype::ETHERNET => SlicedPacket::from_ethernet(data),
            linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data),
            linktype::LINUX_SLL2 => {
                // SLL2: protocol type (2), reserved (2), interface index (4), ARPHRD type (2), packet
                // type (1), address length (1), address (8); then the payload.
                let proto = data.get(..2).and_then(|p| <[u8; 2]>::try_from(p).ok());
                let (Some(proto), Some(rest)) = (proto, data.get(20..)) else {
                    self.bad(file_offset, "frame shorter than the 20-byte SLL2 header".into());
                    return;
                };
                SlicedPacket::from_ether_type(EtherType(u16::from_be_bytes(proto)), rest)
            }
            linktype::RAW | 12 | 14 | linktype::IPV4 | linktype::IPV6 => SlicedPacket::from_ip(data),
            linktype::NULL | linktype::LOOP => {
                let Some(fam) = data.get(..4).and_then(|f| <[u8; 4]>::try_from(f).ok()) else {
                    self.bad(file_offset, "frame shorter than the 4-byte loopback header".into());
                    return;
                };
                let (le, be) = (u32::from_le_bytes(fam), u32::from_be_bytes(fam));
                // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
                let ip = |f: u32| matches!(f, 2 | 24 | 28 | 30);
                if !(ip(le) || ip(be)) {
                    self.stats.not_tcp += 1;
                    return;
                }
                SlicedPacket::from_ip(data.get(4..).unwrap_or(&[]))
            }
            other => {
                let e = self.stats.unsupported.entry(other).or_insert((0, file_offset));
                e.0 += 1;
                return;
            }
        };
        match sliced {
            Ok(p) => self.sliced(&p, time, file_offset, tcp),
            Err(e) => self.bad(file_offset, slice_error(&e)),
        }
    }

    fn bad(&mut self, file_offset: u64, why: String) {
        self.stats.bad += 1;
        if self.stats.first_bad.is_none() {
            self.stats.first_bad = Some((file_offset, why));
        }
    }

    fn sliced(&mut self, p: &SlicedPacket<'_>, time: Time, file_offset: u64, tcp: &mut TcpTracker) {
        let (src, dst, payload, frag) = match &p.net {
            Some(NetSlice::Ipv4(ip)) => {
                let h = ip.header();
                let pl = ip.payload();
                let frag = pl.fragmented.then(|| {
                    (u32::from(h.identification()), usize::from(h.fragments_offset().value()) * 8, h.more_fragments())
                });
                (Addr::v4(h.source()), Addr::v4(h.destination()), pl, frag)
            }
            Some(NetSlice::Ipv6(ip)) => {
                let h = ip.header();
                let pl = ip.payload();
                let frag = if pl.fragmented {
                    ip.extensions().clone().into_iter().find_map(|e| match e {
                        Ipv6ExtensionSlice::Fragment(f) => Some((
                            f.identification(),
                            usize::from(f.fragment_offset().value()) * 8,
                            f.more_fragments(),
                        )),
                        _ => None,
                    })
                } else {
                    None
                };
                (Addr::v6(h.source()), Addr::v6(h.destination()), pl, frag)
            }
            _ => {
                self.stats.not_tcp += 1;
                return;
            }
        };
        if payload.ip_number != IpNumber::TCP {
            self.stats.not_tcp += 1;
            return;
        }
        if payload.fragmented {
            let Some((id, offset, more)) = frag else {
                self.bad(file_offset, "fragment without a fragment header".into());
                return;
            };
            let key = FragKey { src, dst, id, proto: 6 };
            if let Some(whole) = self.defrag.add(key, offset, more, payload.payload) {
                match TcpSlice::from_slice(&whole) {
                    Ok(t) => tcp.segment(&segment_of(src, dst, &t), time, file_offset),
                    Err(e) => self.bad(file_offset, format!("reassembled datagram: {}", tcp_error(&e))),
                }
            }
            return;
        }
        match &p.transport {
            Some(TransportSlice::Tcp(t)) => tcp.segment(&segment_of(src, dst, t), time, file_offset),
            _ => self.bad(file_offset, "TCP header missing".into()),
        }
    }

    /// Diagnostics about frames that gave no TCP segment.
    pub fn finish(self, diags: &mut Vec<CaptureDiag>) {
        let s = self.stats;
        for (lt, (n, first)) in &s.unsupported {
            diags.push(CaptureDiag::at(
                Severity::Warning,
                format!("{n} frames of unsupported link type {lt} skipped"),
                *first,
            ));
        }
        if let Some((off, why)) = &s.first_bad {
            diags.push(CaptureDiag::at(
                Severity::Warning,
                format!("{} frames could not be decoded (the first: {why}): skipped", s.bad),
                *off,
            ));
        }
        if s.not_tcp > 0 {
            diags.push(CaptureDiag::new(Severity::Note, format!("{} frames are not TCP over IP: skipped", s.not_tcp)));
        }
        let d = &self.defrag;
        if d.reassembled > 0 {
            diags.push(CaptureDiag::new(Severity::Note, format!("{} fragmented IP datagrams reassembled", d.reassembled)));
        }
        let incomplete = d.dropped + d.pending.len() as u64;
        if incomplete > 0 || d.bad > 0 {
            diags.push(CaptureDiag::new(
                Severity::Warning,
                format!(
                    "{incomplete} fragmented IP datagrams could not be reassembled (fragments missing or over the reassembly limits), {} invalid fragments",
                    d.bad
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: u32) -> FragKey {
        FragKey { src: Addr::v4([1, 2, 3, 4]), dst: Addr::v4([5, 6, 7, 8]), id, proto: 6 }
    }

    #[test]
    fn defrag_out_of_order_and_overlap() {
        let mut d = Defrag::default();
        let data: Vec<u8> = (0..40u8).collect();
        assert!(d.add(key(1), 24, false, &data[24..]).is_none());
        assert!(d.add(key(1), 0, true, &data[..16]).is_none());
        // Overlapping copy with different bytes: the first copy wins.
        assert!(d.add(key(1), 8, true, &[0xee; 8]).is_none());
        let whole = d.add(key(1), 16, true, &data[16..24]).unwrap();
        assert_eq!(whole, data);
        assert_eq!(d.reassembled, 1);
        assert!(d.pending.is_empty());
        assert_eq!(d.bytes, 0);
    }

    #[test]
    fn defrag_is_bounded() {
        let mut d = Defrag::default();
        for id in 0..(MAX_FRAG_DATAGRAMS as u32 + 100) {
            d.add(key(id), 0, true, &[0; 8]);
        }
        assert_eq!(d.pending.len(), MAX_FRAG_DATAGRAMS);
        assert_eq!(d.dropped, 100);
        // A datagram over 64 KiB is refused.
        assert!(d.add(key(1 << 30), 65528, false, &[0; 16]).is_none());
        assert_eq!(d.bad, 1);
        // Too many parts.
        let mut d = Defrag::default();
        for i in 0..=MAX_FRAG_PARTS {
            d.add(key(7), (i % 8) * 8, true, &[0; 8]);
        }
        assert_eq!(d.dropped, 1);
        assert!(d.pending.is_empty());
    }

    #[test]
    fn addr_display() {
        assert_eq!(Addr::v4([10, 0, 0, 1]).to_string(), "10.0.0.1");
        let mut a = [0u8; 16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[15] = 1;
        assert_eq!(Addr::v6(a).to_string(), "2001::1");
    }
}
