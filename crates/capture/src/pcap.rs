//! pcap and pcapng files to HTTP exchanges.
//!
//! File structure is read with `pcap-parser`: the legacy pcap header and records (both byte orders,
//! micro- and nanosecond magic, the "modified" Kuznetzov format), and pcapng blocks (several sections,
//! each with its byte order and its interfaces; Enhanced, Simple and obsolete Packet Blocks; other
//! blocks skipped). Block framing (type and length) is checked here first, so a malformed block is
//! skipped by its length and a truncated file ends with a diagnostic giving the offset where it ends.
//! Timestamps use each interface's `if_tsresol` — decoded here, including power-of-two resolutions
//! that pcap-parser does not give — and `if_tsoffset`.
//!
//! Frames go to [`crate::net`] (link, IP, fragments) and their TCP segments to [`crate::tcp`].

#![cfg_attr(
    not(test),
    deny(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

use mapiscope_codec::Severity;
use pcap_parser::pcap::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header};
use pcap_parser::pcapng::{
    parse_enhancedpacketblock_be, parse_enhancedpacketblock_le, parse_interfacedescriptionblock_be,
    parse_interfacedescriptionblock_le, parse_simplepacketblock_be, parse_simplepacketblock_le,
};
use pcap_parser::traits::PcapNGPacketBlock;
use pcap_parser::OptionCode;

use crate::model::{CaptureDiag, Format, HttpCapture, HttpExchange, Limits, ReadError, Time};
use crate::net::Net;
use crate::tcp::TcpTracker;

const SHB: u32 = 0x0a0d_0d0a;
const IDB: u32 = 1;
const OPB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;
const BOM: u32 = 0x1a2b_3c4d;
/// Malformed blocks reported one by one before they are only counted.
const MAX_LISTED: usize = 10;
/// How often the progress callback is called (bytes).
const PROGRESS_STEP: usize = 1 << 20;

/// Which of the two formats `bytes` is in, from its magic number.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let m = bytes.get(..4)?;
    match m {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0xa1, 0xb2, 0xc3, 0xd4] | [0x4d, 0x3c, 0xb2, 0xa1] | [0xa1, 0xb2, 0x3c, 0x4d]
        | [0x34, 0xcd, 0xb2, 0xa1] => Some(Format::Pcap),
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Format::PcapNg),
        _ => None,
    }
}

/// Reads a pcap or pcapng file into HTTP exchanges (ordered by request time). Err only if the file
/// is neither (bad magic); a truncated file yields what was read plus a diagnostic saying where it
/// ends.
pub fn read_pcap(bytes: &[u8], limits: &Limits) -> Result<HttpCapture, ReadError> {
    read_pcap_progress(bytes, limits, &mut |_| {})
}

/// [`read_pcap`] calling `progress(bytes read so far)` about every MiB (for a progress bar).
pub fn read_pcap_progress(
    bytes: &[u8],
    limits: &Limits,
    progress: &mut dyn FnMut(usize),
) -> Result<HttpCapture, ReadError> {
    read_pcap_inner(bytes, limits, progress, None)
}

/// Reads a pcap or pcapng file handing each exchange to `each` as soon as it is complete (and no
/// later packet can precede it): only the exchanges in flight are held, not the capture's bodies.
/// Exchanges come in the order of [`read_pcap`] as long as the capture's timestamps do not go back
/// (then an exchange may come after one with a later request time). The returned capture has the
/// diagnostics and counts and no exchanges.
pub fn read_pcap_each(
    bytes: &[u8],
    limits: &Limits,
    progress: &mut dyn FnMut(usize),
    each: &mut dyn FnMut(HttpExchange),
) -> Result<HttpCapture, ReadError> {
    read_pcap_inner(bytes, limits, progress, Some(each))
}

fn read_pcap_inner(
    bytes: &[u8],
    limits: &Limits,
    progress: &mut dyn FnMut(usize),
    each: Option<&mut dyn FnMut(HttpExchange)>,
) -> Result<HttpCapture, ReadError> {
    let format = detect(bytes).ok_or_else(|| ReadError {
        message: format!(
            "not a pcap or pcapng file: the magic number is {}",
            bytes.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>()
        ),
    })?;
    let mut r = Reader {
        net: Net::new(),
        tcp: if each.is_some() { TcpTracker::new_streaming(limits) } else { TcpTracker::new(limits) },
        sink: each,
        diags: Vec::new(),
        packets: 0,
        next_progress: PROGRESS_STEP,
        malformed: 0,
    };
    match format {
        Format::PcapNg => r.pcapng(bytes, progress),
        _ => r.pcap(bytes, progress),
    }
    progress(bytes.len());
    let Reader { net, tcp, mut diags, packets, sink, .. } = r;
    net.finish(&mut diags);
    let (mut exchanges, tcp_diags, tls_connections) = tcp.finish();
    diags.extend(tcp_diags);
    if let Some(each) = sink {
        exchanges.drain(..).for_each(each);
    }
    Ok(HttpCapture { format, exchanges, diagnostics: diags, tls_connections, packets })
}

/// Timestamp resolution of a pcapng interface.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Resol {
    Pow10(u32),
    Pow2(u32),
}

impl Resol {
    /// From the `if_tsresol` option byte (pcapng spec: high bit set → negative power of two).
    fn from_option(b: u8) -> Resol {
        if b & 0x80 != 0 { Resol::Pow2(u32::from(b & 0x7f)) } else { Resol::Pow10(u32::from(b)) }
    }

    /// Seconds for a timestamp in units of this resolution.
    fn seconds(self, ts: u64) -> f64 {
        match self {
            Resol::Pow10(e) if e <= 19 => {
                let d = 10u64.pow(e);
                (ts / d) as f64 + (ts % d) as f64 / d as f64
            }
            Resol::Pow2(e) if e <= 63 => {
                let d = 1u64 << e;
                (ts >> e) as f64 + (ts & (d - 1)) as f64 / d as f64
            }
            Resol::Pow10(e) => ts as f64 / 10f64.powi(e.min(300) as i32),
            Resol::Pow2(e) => ts as f64 / 2f64.powi(e as i32),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Iface {
    linktype: u32,
    resol: Resol,
    offset: i64,
}

struct Reader<'s> {
    net: Net,
    tcp: TcpTracker,
    /// Streaming: where complete exchanges go.
    sink: Option<&'s mut dyn FnMut(HttpExchange)>,
    diags: Vec<CaptureDiag>,
    packets: u64,
    next_progress: usize,
    malformed: usize,
}

fn u32_at(b: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian { u32::from_be_bytes(a) } else { u32::from_le_bytes(a) })
}

fn u16_at(b: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let a: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian { u16::from_be_bytes(a) } else { u16::from_le_bytes(a) })
}

impl Reader<'_> {
    fn tick(&mut self, at: usize, progress: &mut dyn FnMut(usize)) {
        if at >= self.next_progress {
            progress(at);
            self.next_progress = at.saturating_add(PROGRESS_STEP);
        }
    }

    fn frame(&mut self, linktype: u32, data: &[u8], time: Time, offset: usize) {
        self.packets += 1;
        self.net.frame(linktype, data, time, offset as u64, &mut self.tcp);
        if let Some(sink) = self.sink.as_deref_mut() {
            self.tcp.take_ready(sink);
        }
    }

    fn malformed(&mut self, message: String, offset: usize) {
        self.malformed += 1;
        if self.malformed <= MAX_LISTED {
            self.diags.push(CaptureDiag::at(Severity::Warning, message, offset as u64));
        } else if self.malformed == MAX_LISTED + 1 {
            self.diags.push(CaptureDiag::at(
                Severity::Warning,
                "more malformed blocks follow (not listed)".to_string(),
                offset as u64,
            ));
        }
    }

    fn truncated(&mut self, message: String, offset: usize) {
        self.diags.push(CaptureDiag::at(Severity::Error, format!("the file is truncated: {message}"), offset as u64));
    }

    fn pcap(&mut self, bytes: &[u8], progress: &mut dyn FnMut(usize)) {
        let header = match parse_pcap_header(bytes) {
            Ok((_, h)) => h,
            Err(_) => {
                if bytes.len() < 24 {
                    self.truncated(format!("it ends inside the 24-byte pcap file header ({} bytes)", bytes.len()), 0);
                } else {
                    // Byte-swapped "modified" pcap: not supported by pcap-parser.
                    self.diags.push(CaptureDiag::at(
                        Severity::Error,
                        "byte-swapped modified (Kuznetzov) pcap is not supported: no packets read",
                        0,
                    ));
                }
                return;
            }
        };
        let be = header.is_bigendian();
        let modified = header.is_modified_format();
        let div = if header.is_nanosecond_precision() { 1e9 } else { 1e6 };
        // The low 16 bits are the link type; the upper bits carry FCS information.
        let linktype = (header.network.0 as u32) & 0xffff;
        let record_header = if modified { 24 } else { 16 };
        let mut off = 24usize;
        while off < bytes.len() {
            self.tick(off, progress);
            let rest = bytes.get(off..).unwrap_or(&[]);
            let parsed = if modified {
                parse_pcap_frame_modified(rest)
            } else if be {
                parse_pcap_frame_be(rest)
            } else {
                parse_pcap_frame(rest)
            };
            match parsed {
                Ok((remaining, frame)) => {
                    let time = f64::from(frame.ts_sec) + f64::from(frame.ts_usec) / div;
                    let data = frame.data.get(..frame.caplen as usize).unwrap_or(frame.data);
                    self.frame(linktype, data, time, off);
                    let next = bytes.len() - remaining.len();
                    if next <= off {
                        break;
                    }
                    off = next;
                }
                Err(_) => {
                    let msg = match u32_at(rest, 8, be) {
                        Some(caplen) if rest.len() >= record_header => format!(
                            "it ends inside the packet record at file offset {off} (record of {} bytes, {} present)",
                            u64::from(caplen) + record_header as u64,
                            rest.len()
                        ),
                        _ => format!("it ends inside a packet record header at file offset {off} ({} bytes present)", rest.len()),
                    };
                    self.truncated(msg, off);
                    break;
                }
            }
        }
    }

    fn pcapng(&mut self, bytes: &[u8], progress: &mut dyn FnMut(usize)) {
        let mut off = 0usize;
        let mut be = false;
        let mut ifaces: Vec<Iface> = Vec::new();
        let mut last_time: Time = 0.0;
        let mut spb_noted = false;
        let mut sections = 0u32;
        while off < bytes.len() {
            self.tick(off, progress);
            let rest = bytes.get(off..).unwrap_or(&[]);
            if rest.len() < 12 {
                self.truncated(format!("it ends inside a block header at file offset {off} ({} bytes present)", rest.len()), off);
                break;
            }
            let raw_type = u32_at(rest, 0, false).unwrap_or(0);
            if raw_type == SHB {
                match u32_at(rest, 8, false) {
                    Some(BOM) => be = false,
                    Some(x) if x.swap_bytes() == BOM => be = true,
                    _ => {
                        self.diags.push(CaptureDiag::at(
                            Severity::Error,
                            format!("section header block at file offset {off} has no valid byte-order magic: reading stops"),
                            off as u64,
                        ));
                        break;
                    }
                }
            }
            let btype = u32_at(rest, 0, be).unwrap_or(0);
            let len = u32_at(rest, 4, be).unwrap_or(0) as usize;
            if len < 12 || !len.is_multiple_of(4) {
                self.diags.push(CaptureDiag::at(
                    Severity::Error,
                    format!("block at file offset {off} has an invalid length {len}: reading stops"),
                    off as u64,
                ));
                break;
            }
            let Some(block) = rest.get(..len) else {
                self.truncated(
                    format!("it ends inside the block at file offset {off} (block type {btype:#x} of {len} bytes, {} present)", rest.len()),
                    off,
                );
                break;
            };
            match btype {
                SHB => {
                    sections += 1;
                    ifaces.clear();
                }
                IDB => {
                    let parsed =
                        if be { parse_interfacedescriptionblock_be(block) } else { parse_interfacedescriptionblock_le(block) };
                    match parsed {
                        Ok((_, idb)) => {
                            let mut iface =
                                Iface { linktype: (idb.linktype.0 as u32) & 0xffff, resol: Resol::Pow10(6), offset: 0 };
                            for o in &idb.options {
                                let Ok(v) = o.as_bytes() else { continue };
                                if o.code == OptionCode::IfTsresol {
                                    if let Some(&r) = v.first() {
                                        iface.resol = Resol::from_option(r);
                                    }
                                } else if o.code == OptionCode::IfTsoffset {
                                    if let Ok(a) = <[u8; 8]>::try_from(v) {
                                        iface.offset = if be { i64::from_be_bytes(a) } else { i64::from_le_bytes(a) };
                                    }
                                }
                            }
                            ifaces.push(iface);
                        }
                        Err(_) => {
                            self.malformed(format!("malformed interface description block at file offset {off}"), off);
                            // Keep interface numbering: a placeholder that decodes nothing.
                            ifaces.push(Iface { linktype: u32::MAX, resol: Resol::Pow10(6), offset: 0 });
                        }
                    }
                }
                EPB => {
                    let parsed = if be { parse_enhancedpacketblock_be(block) } else { parse_enhancedpacketblock_le(block) };
                    match parsed {
                        Ok((_, epb)) => {
                            let ts = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                            self.packet(&ifaces, epb.if_id as usize, ts, epb.packet_data(), off, &mut last_time);
                        }
                        Err(_) => self.malformed(format!("malformed enhanced packet block at file offset {off} skipped"), off),
                    }
                }
                SPB => {
                    let parsed = if be { parse_simplepacketblock_be(block) } else { parse_simplepacketblock_le(block) };
                    match parsed {
                        Ok((_, spb)) => {
                            if !spb_noted {
                                spb_noted = true;
                                self.diags.push(CaptureDiag::at(
                                    Severity::Note,
                                    "simple packet blocks carry no timestamp: each gets the time of the packet before it",
                                    off as u64,
                                ));
                            }
                            match ifaces.first().copied() {
                                Some(i) => {
                                    let data = spb.packet_data();
                                    self.frame(i.linktype, data, last_time, off);
                                }
                                None => self.malformed(format!("simple packet block at file offset {off} before any interface: skipped"), off),
                            }
                        }
                        Err(_) => self.malformed(format!("malformed simple packet block at file offset {off} skipped"), off),
                    }
                }
                OPB => {
                    // Obsolete Packet Block: interface id (2), drops count (2), timestamp (8),
                    // captured length (4), original length (4), data, options.
                    let fields = (
                        u16_at(block, 8, be),
                        u32_at(block, 12, be),
                        u32_at(block, 16, be),
                        u32_at(block, 20, be),
                    );
                    match fields {
                        (Some(ifid), Some(hi), Some(lo), Some(caplen))
                            if (caplen as usize).checked_add(28).is_some_and(|e| e + 4 <= len) =>
                        {
                            let data = block.get(28..28 + caplen as usize).unwrap_or(&[]);
                            let ts = (u64::from(hi) << 32) | u64::from(lo);
                            self.packet(&ifaces, usize::from(ifid), ts, data, off, &mut last_time);
                        }
                        _ => self.malformed(format!("malformed packet block at file offset {off} skipped"), off),
                    }
                }
                _ => {}
            }
            off += len;
        }
        if sections > 1 {
            self.diags.push(CaptureDiag::new(Severity::Note, format!("{sections} pcapng sections read")));
        }
    }

    fn packet(&mut self, ifaces: &[Iface], ifid: usize, ts: u64, data: &[u8], off: usize, last_time: &mut Time) {
        let Some(iface) = ifaces.get(ifid).copied() else {
            self.malformed(format!("packet block at file offset {off} names interface {ifid}, which is not described: skipped"), off);
            return;
        };
        let time = iface.resol.seconds(ts) + iface.offset as f64;
        *last_time = time;
        self.frame(iface.linktype, data, time, off);
    }
}

#[cfg(test)]
mod tests;
