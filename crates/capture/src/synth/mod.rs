//! # Sample captures: a deterministic generator of realistic Outlook ↔ Exchange MAPI/HTTP traffic
//!
//! A test-support encoder: it builds the traffic with its own small encoders (MAPI/HTTP bodies,
//! RPC_HEADER_EXT units, ROP buffers, auxiliary blocks, HTTP/1.1 messages, TCP/IP frames) and writes
//! it in every input format of this crate — pcap, pcapng, HAR 1.2, Fiddler SAZ and raw HTTP text —
//! so readers can be tested and benchmarked on captures whose content is known exactly.
//!
//! The traffic ([`scenario`]): two users start Outlook (Autodiscover with X-MapiHTTPCapability and
//! the mapiHttp POX answer, Connect with auxiliary blocks and the MapiContext/MapiSequence cookies,
//! Execute with RopLogon, named properties, the folder hierarchy, a contents table, message opens
//! with recipients and properties, RopRegisterNotification, NotificationWait answered after PENDING
//! keep-alives, an Execute with RopNotify and RopPending, address book Bind/QueryRows/ResolveNames/
//! Unbind, Disconnect); the second user loses his Session Context after an idle longer than
//! X-ExpirationInfo (X-ResponseCode 10) and reconnects. RopBuffers are obfuscated (XOR 0xA5) and
//! LZ77-compressed where that helps, responses are packed into several RPC_HEADER_EXT units when
//! large. Every body decodes without errors or warnings with `mapiscope-codec` (tested).
//!
//! The same seed gives the same bytes. With a size ([`Options::size`]) the traffic continues with
//! more Executes, more rows and more sessions, then small exchanges, then every session closes, so
//! the file lands within about 1 % (a few KB) of the size; output is streamed.

pub mod bodies;
pub mod data;
pub mod enc;
pub mod exchange;
pub mod har;
pub mod packets;
pub mod raw;
pub mod rng;
pub mod rops;
pub mod saz;
pub mod scenario;
pub mod time;

#[cfg(test)]
mod tests;

use std::io::{self, Cursor, Seek, Write};

pub use exchange::{Conn, Exchange, Kind, Part};
pub use scenario::{Event, Generator, Mode};

/// The seed of the built-in demo capture.
pub const DEFAULT_SEED: u64 = 20_260_127;

/// The formats the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleFormat {
    /// libpcap, Ethernet, microsecond time stamps.
    Pcap,
    /// pcapng: SHB, IDB (if_tsresol = 9), EPBs.
    PcapNg,
    /// HAR 1.2.
    Har,
    /// Fiddler SAZ.
    Saz,
    /// Raw HTTP text.
    Raw,
}

impl SampleFormat {
    /// All formats.
    pub const ALL: [SampleFormat; 5] = [SampleFormat::Pcap, SampleFormat::PcapNg, SampleFormat::Har, SampleFormat::Saz, SampleFormat::Raw];

    /// Parses `pcap`, `pcapng`, `har`, `saz` or `raw` (case-insensitive).
    pub fn from_name(s: &str) -> Option<SampleFormat> {
        Self::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(s))
    }

    /// The command-line name (also the usual file extension, `raw` → `.txt`).
    pub fn name(self) -> &'static str {
        match self {
            SampleFormat::Pcap => "pcap",
            SampleFormat::PcapNg => "pcapng",
            SampleFormat::Har => "har",
            SampleFormat::Saz => "saz",
            SampleFormat::Raw => "raw",
        }
    }
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The seed (same seed, same bytes).
    pub seed: u64,
    /// Target file size in bytes; None for the base scenario (two sessions). Targets below the size
    /// of a started session give a shortened story.
    pub size: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options { seed: DEFAULT_SEED, size: None }
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// File size in bytes.
    pub bytes: u64,
    /// HTTP exchanges (SAZ adds one CONNECT session per connection, not counted here).
    pub exchanges: u64,
    /// TCP connections.
    pub connections: u64,
    /// Session Contexts (mailbox Connects and address book Binds).
    pub contexts: u64,
}

/// The events of the base scenario of `seed` (for tests that compare what a reader finds with
/// what was generated).
pub fn events(seed: u64) -> Generator {
    Generator::new(seed)
}

enum Sink<W: Write + Seek> {
    Packets(Box<packets::PacketSink<W>>),
    Har(har::HarSink<W>),
    Saz(Box<saz::SazSink<W>>),
    Raw(raw::RawSink<W>),
}

impl<W: Write + Seek> Sink<W> {
    fn push(&mut self, e: &Event) -> io::Result<()> {
        match self {
            Sink::Packets(s) => s.push(e),
            Sink::Har(s) => s.push(e),
            Sink::Saz(s) => s.push(e),
            Sink::Raw(s) => s.push(e),
        }
    }
    fn bytes(&self) -> u64 {
        match self {
            Sink::Packets(s) => s.bytes(),
            Sink::Har(s) => s.bytes(),
            Sink::Saz(s) => s.bytes(),
            Sink::Raw(s) => s.bytes(),
        }
    }
    fn cost(&self, events: &[Event]) -> u64 {
        match self {
            Sink::Packets(s) => s.cost(events),
            Sink::Har(s) => s.cost(events),
            Sink::Saz(s) => s.cost(events),
            Sink::Raw(s) => s.cost(events),
        }
    }
    fn finish(self) -> io::Result<(W, u64)> {
        match self {
            Sink::Packets(s) => (*s).finish(),
            Sink::Har(s) => s.finish(),
            Sink::Saz(s) => (*s).finish(),
            Sink::Raw(s) => s.finish(),
        }
    }
}

/// Bytes before the target at which the generator starts planning the end.
const NEAR_END: u64 = 512 * 1024;
/// Bytes before the target at which only small exchanges are produced.
const FILLER_ZONE: u64 = 96 * 1024;

/// Writes a sample capture to `out` and returns the writer and what was written.
pub fn write_sample<W: Write + Seek>(format: SampleFormat, opts: &Options, out: W) -> io::Result<(W, Summary)> {
    let mut g = Generator::new(opts.seed);
    let start = g.start_time();
    let mut sink = match format {
        SampleFormat::Pcap => Sink::Packets(Box::new(packets::PacketSink::new(out, packets::PacketFormat::Pcap)?)),
        SampleFormat::PcapNg => Sink::Packets(Box::new(packets::PacketSink::new(out, packets::PacketFormat::PcapNg)?)),
        SampleFormat::Har => Sink::Har(har::HarSink::new(out)?),
        SampleFormat::Raw => Sink::Raw(raw::RawSink::new(out)),
        SampleFormat::Saz => {
            let expected = match opts.size {
                Some(n) => n / 800,
                None => Generator::new(opts.seed).filter(|e| matches!(e, Event::Exchange(_))).count() as u64 * 2,
            };
            Sink::Saz(Box::new(saz::SazSink::new(out, expected, start)?))
        }
    };
    let mut summary = Summary::default();
    let count = |e: &Event, s: &mut Summary| {
        if let Event::Exchange(x) = e {
            s.exchanges += 1;
            s.connections = s.connections.max(u64::from(x.conn.id) + 1);
            if matches!(x.request_type(), Some(mapiscope_codec::RequestType::Connect | mapiscope_codec::RequestType::Bind)) {
                s.contexts += 1;
            }
        }
    };
    match opts.size {
        None => {
            for e in g {
                count(&e, &mut summary);
                sink.push(&e)?;
            }
        }
        Some(target) => {
            g.set_mode(Mode::Bulk);
            let mut filler: u64 = 2048;
            loop {
                let before = sink.bytes();
                if before + NEAR_END < target {
                    let Some(e) = g.next() else { break };
                    count(&e, &mut summary);
                    sink.push(&e)?;
                    continue;
                }
                let closing = sink.cost(&g.closing_events());
                if before + closing + filler / 2 >= target {
                    break;
                }
                if g.mode() == Mode::Bulk && before + closing + FILLER_ZONE >= target {
                    g.set_mode(Mode::Filler);
                }
                let Some(e) = g.next() else { break };
                count(&e, &mut summary);
                sink.push(&e)?;
                if g.mode() == Mode::Filler {
                    let added = sink.bytes() - before;
                    if added > 0 {
                        filler = added;
                    }
                }
            }
            g.set_mode(Mode::Closing);
            for e in g {
                count(&e, &mut summary);
                sink.push(&e)?;
            }
        }
    }
    let (w, bytes) = sink.finish()?;
    summary.bytes = bytes;
    Ok((w, summary))
}

/// A sample capture in memory.
pub fn sample_bytes(format: SampleFormat, opts: &Options) -> io::Result<Vec<u8>> {
    let (c, _) = write_sample(format, opts, Cursor::new(Vec::new()))?;
    Ok(c.into_inner())
}
