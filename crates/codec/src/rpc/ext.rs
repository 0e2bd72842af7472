//! [MS-OXCRPC] 2.2.2.1 RPC_HEADER_EXT and the extended buffer format of 3.1.4.2.1.1: a chain of
//! `RPC_HEADER_EXT` + payload units, the payload obfuscated (3.1.4.1.1.3, XOR 0xA5) and/or
//! compressed (3.1.4.1.1.2, LZ77 + DIRECT2) as the header's Flags say.
//!
//! Used for Execute's RopBuffer (rgbIn/rgbOut, where several units may be packed back to back,
//! 3.1.4.2.1.2) and for auxiliary buffers (rgbAuxIn/rgbAuxOut, one unit with Last,
//! 3.1.4.1.1.1.1): [`extended_buffer`] walks the units and hands each payload to a parser.
//!
//! Facts checked against the specification:
//! - RPC_HEADER_EXT is Version u16 (MUST be 0), Flags u16 (Compressed 0x0001, XorMagic 0x0002, Last
//!   0x0004), Size u16 (payload bytes as transmitted), SizeActual u16 (bytes after decompression).
//!   Without Compressed, Size and SizeActual MUST be equal; with it, Size MUST be less than
//!   SizeActual (2.2.2.1).
//! - A single payload MUST NOT exceed 32 KB (3.1.4.2.1, 3.1.4.1.1).
//! - With both Compressed and XorMagic the sender compresses then obfuscates, so the receiver first
//!   XORs then decompresses (3.1.4.1.1.1.1).
//!
//! Spans: the header and the payload as transmitted are in the buffer's own source. A transformed
//! payload becomes a new source ("RopBuffer 1 payload (decompressed)"), and the payload parser's
//! nodes point into it; with both transforms the de-obfuscated compressed bytes are a source too,
//! so decompression errors can point at the compressed element that failed.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::build::{Builder, Cur, Stop, R};
use crate::rpc::lz77;
use crate::rpc::Direction;
use crate::tree::{Disp, Severity, SourceId, Value};

/// RPC_HEADER_EXT Flags ([MS-OXCRPC] 2.2.2.1).
pub static HEADER_FLAGS: crate::tree::NameTable = &[(0x0001, "Compressed"), (0x0002, "XorMagic"), (0x0004, "Last")];

/// Flags: the payload is compressed.
pub const COMPRESSED: u16 = 0x0001;
/// Flags: the payload is obfuscated.
pub const XOR_MAGIC: u16 = 0x0002;
/// Flags: no RPC_HEADER_EXT follows this payload.
pub const LAST: u16 = 0x0004;

/// The payload size limit: "A single payload MUST NOT exceed 32 KB" ([MS-OXCRPC] 3.1.4.2.1).
pub const MAX_PAYLOAD: usize = 32 * 1024;

/// The obfuscation key ([MS-OXCRPC] 3.1.4.1.1.3).
pub const XOR_KEY: u8 = 0xA5;

/// The most bytes the compressed units of one extended buffer may decompress to together: sixteen
/// times the largest RopBuffer the protocol allows (pcbOut at most 0x40000, [MS-OXCRPC] 3.1.4.2).
/// Each unit is bounded by its SizeActual (a u16), but a chain of tiny units that each claim 64 KB
/// is a decompression bomb: units beyond this budget are not decompressed, with one diagnostic.
pub const MAX_BUFFER_OUTPUT: usize = 16 * crate::rpc::MAX_ROP_OUT as usize;

/// Decompressed bytes of one extended buffer so far, and whether the bomb was reported.
#[derive(Default)]
struct Budget {
    produced: usize,
    reported: bool,
}

crate::fields! {
    EXT_BUFFER: None = "mapihttp.rpc.extbuffer", "Extended buffer", "[MS-OXCRPC] 3.1.4.2.1.1 one extended buffer: an RPC_HEADER_EXT and the payload it describes";
    HEADER: None = "mapihttp.rpc.header", "RPC_HEADER_EXT", "[MS-OXCRPC] 2.2.2.1 the header that describes the payload that follows it";
    VERSION: U16 [Disp::Hex] = "mapihttp.rpc.header.version", "Version", "[MS-OXCRPC] 2.2.2.1 the version of the structure; MUST be 0x0000";
    FLAGS: U16 [Disp::Flags(HEADER_FLAGS)] = "mapihttp.rpc.header.flags", "Flags", "[MS-OXCRPC] 2.2.2.1 how the payload is to be interpreted: Compressed, XorMagic (obfuscated), Last (no RPC_HEADER_EXT follows)";
    SIZE: U16 [Disp::Unit("bytes")] = "mapihttp.rpc.header.size", "Size", "[MS-OXCRPC] 2.2.2.1 the size of the payload that follows, as transmitted";
    SIZE_ACTUAL: U16 [Disp::Unit("bytes")] = "mapihttp.rpc.header.sizeactual", "SizeActual", "[MS-OXCRPC] 2.2.2.1 the size of the payload once decompressed; equal to Size when not compressed";
    PAYLOAD_WIRE: Bytes = "mapihttp.rpc.payload.transmitted", "Payload (as transmitted)", "[MS-OXCRPC] 3.1.4.2.1.1 the Size payload bytes on the wire, before de-obfuscation and decompression";
    PAYLOAD_DEOBFUSCATED: Bytes = "mapihttp.rpc.payload.deobfuscated", "Payload (de-obfuscated, compressed)", "[MS-OXCRPC] 3.1.4.1.1.3 the payload after undoing XorMagic (XOR 0xA5), still compressed";
    PAYLOAD: None = "mapihttp.rpc.payload", "Payload", "[MS-OXCRPC] 3.1.4.2.1.1 the payload as interpreted: de-obfuscated and decompressed when the Flags say so";
}

/// Which extended buffer is being decoded: it names derived sources and sets the chaining rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BufferKind {
    /// Execute's RopBuffer (rgbIn / rgbOut): one or more units, the last with Last.
    RopBuffer(Direction),
    /// An AuxiliaryBuffer (rgbAuxIn / rgbAuxOut): a single unit, which MUST carry Last.
    AuxiliaryBuffer,
}

impl BufferKind {
    /// The field name of the buffer.
    pub fn name(self) -> &'static str {
        match self {
            BufferKind::RopBuffer(_) => "RopBuffer",
            BufferKind::AuxiliaryBuffer => "AuxiliaryBuffer",
        }
    }

    fn source_prefix(self) -> &'static str {
        match self {
            BufferKind::RopBuffer(Direction::Request) => "request RopBuffer",
            BufferKind::RopBuffer(Direction::Response) => "response RopBuffer",
            BufferKind::AuxiliaryBuffer => "AuxiliaryBuffer",
        }
    }
}

/// Decodes the extended buffer that fills the window of `c`: each RPC_HEADER_EXT is read and
/// checked, its payload de-obfuscated and decompressed into a new source when needed, and handed to
/// `payload` (with the 1-based unit index) on a cursor windowed to exactly the payload. Units are
/// read until the window ends; one after a unit with Last, a missing Last and a payload the parser
/// leaves unread are reported. A payload parser that stops does not stop the chain (the next
/// header's position is known from Size).
pub fn extended_buffer<'a>(
    b: &mut Builder<'a>,
    c: &mut Cur<'_>,
    kind: BufferKind,
    mut payload: impl FnMut(&mut Builder<'a>, &mut Cur<'_>, usize) -> R<()>,
) -> R<()> {
    if c.is_empty() {
        b.diag_at(c, Severity::Warning, format!("{} is empty: expected an RPC_HEADER_EXT with Last", kind.name()), 0);
        return Ok(());
    }
    let mut index = 0usize;
    let mut budget = Budget::default();
    let mut last_seen = false;
    let mut after_last = false;
    while !c.is_empty() {
        index += 1;
        if last_seen && !after_last {
            after_last = true;
            let msg = match kind {
                BufferKind::AuxiliaryBuffer => format!(
                    "{} bytes after the RPC_HEADER_EXT marked Last: an AuxiliaryBuffer has a single RPC_HEADER_EXT",
                    c.left()
                ),
                BufferKind::RopBuffer(_) => {
                    format!("{} bytes after the RPC_HEADER_EXT marked Last: no RPC_HEADER_EXT may follow it", c.left())
                }
            };
            b.diag_at(c, Severity::Warning, msg, c.left());
        }
        let start = c.pos();
        let idx = b.open(&EXT_BUFFER, c.src(), start)?;
        let r = unit(b, c, kind, index, &mut budget, &mut payload);
        b.close(idx, c.pos().saturating_sub(start));
        match r {
            Ok((flags, size, actual)) => {
                b.set_value(idx, Value::Text(summary(index, flags, size, actual).into()));
                last_seen |= flags & LAST != 0;
            }
            Err(Stop) => return Err(Stop),
        }
    }
    if !last_seen {
        let msg = format!("the last RPC_HEADER_EXT of the {} does not carry the Last flag", kind.name());
        b.diag_at(c, Severity::Warning, msg, 0);
    }
    Ok(())
}

fn summary(index: usize, flags: u16, size: u16, actual: u16) -> String {
    let names: Vec<&str> = HEADER_FLAGS.iter().filter(|(bit, _)| u64::from(flags) & bit != 0).map(|(_, n)| *n).collect();
    let flags = if names.is_empty() { String::from("no flags") } else { names.join(", ") };
    if size == actual {
        format!("#{index}: {flags}, {size} bytes")
    } else {
        format!("#{index}: {flags}, {size} → {actual} bytes")
    }
}

/// One RPC_HEADER_EXT and its payload. Returns (Flags, Size, SizeActual).
fn unit<'a>(
    b: &mut Builder<'a>,
    c: &mut Cur<'_>,
    kind: BufferKind,
    index: usize,
    budget: &mut Budget,
    payload: &mut impl FnMut(&mut Builder<'a>, &mut Cur<'_>, usize) -> R<()>,
) -> R<(u16, u16, u16)> {
    let src = c.src();
    let (flags, size, actual) = b.group(c, &HEADER, |b, c| {
        let version = b.u16(c, &VERSION)?;
        if version != 0 {
            let msg = format!("RPC_HEADER_EXT Version must be 0x0000, got 0x{version:04X}");
            b.diag(Severity::Warning, msg, src, c.pos().saturating_sub(2), 2);
        }
        let flags = b.u16(c, &FLAGS)?;
        if flags & !(COMPRESSED | XOR_MAGIC | LAST) != 0 {
            let msg = format!("RPC_HEADER_EXT Flags has unknown bits 0x{:04X}", flags & !(COMPRESSED | XOR_MAGIC | LAST));
            b.diag(Severity::Warning, msg, src, c.pos().saturating_sub(2), 2);
        }
        let size = b.u16(c, &SIZE)?;
        let actual = b.u16(c, &SIZE_ACTUAL)?;
        let at = c.pos().saturating_sub(4);
        if flags & COMPRESSED != 0 && actual <= size {
            let msg = format!("Compressed payload: SizeActual ({actual}) must be greater than Size ({size})");
            b.diag(Severity::Warning, msg, src, at, 4);
        } else if flags & COMPRESSED == 0 && actual != size {
            let msg = format!("payload not compressed: Size ({size}) and SizeActual ({actual}) must be equal");
            b.diag(Severity::Warning, msg, src, at, 4);
        }
        let biggest = usize::from(if flags & COMPRESSED != 0 { actual } else { size });
        if biggest > MAX_PAYLOAD {
            let msg = format!("payload of {biggest} bytes exceeds the 32 KB limit of [MS-OXCRPC] 3.1.4.2.1 (decoded anyway)");
            b.diag(Severity::Warning, msg, src, at, 4);
        }
        Ok((flags, size, actual))
    })?;
    let size_n = usize::from(size);
    if size_n > c.left() {
        let msg = format!("RPC_HEADER_EXT Size {size} exceeds the {} bytes left in the {}", c.left(), kind.name());
        b.diag_at(c, Severity::Error, msg, c.left());
        let n = c.left();
        b.bytes(c, &PAYLOAD_WIRE, n)?;
        return Err(Stop);
    }
    if flags & (COMPRESSED | XOR_MAGIC) == 0 {
        // Plain payload: parsed in place.
        let _ = b.group_sized(c, &PAYLOAD, size_n, |b, c| payload(b, c, index));
        return Ok((flags, size, actual));
    }
    let wire_at = c.pos();
    let wire = b.bytes(c, &PAYLOAD_WIRE, size_n)?;
    if flags & COMPRESSED != 0 && usize::from(actual) > MAX_BUFFER_OUTPUT.saturating_sub(budget.produced) {
        if !budget.reported {
            budget.reported = true;
            let msg = format!(
                "decompression bomb: the {} has decompressed {} bytes and this unit claims {actual} more, beyond the {MAX_BUFFER_OUTPUT}-byte limit: this and later compressed units are not decompressed",
                kind.name(),
                budget.produced
            );
            b.diag(Severity::Error, msg, src, wire_at.saturating_sub(8), 8);
        }
        return Ok((flags, size, actual));
    }
    let mut data: Vec<u8> = wire.to_vec();
    // Where the compressed bytes are, for decompression diagnostics.
    let mut comp_src: SourceId = src;
    let mut comp_base = wire_at;
    if flags & XOR_MAGIC != 0 {
        xor_magic(&mut data);
        if flags & COMPRESSED != 0 {
            let id = b.reserve_source(derived_name(kind, index, "de-obfuscated, compressed"));
            b.push(&PAYLOAD_DEOBFUSCATED, Value::Bytes, id, 0, data.len())?;
            b.fill_source(id, data.clone());
            comp_src = id;
            comp_base = 0;
        }
    }
    if flags & COMPRESSED != 0 {
        let mut out = Vec::new();
        match lz77::decompress(&data, usize::from(actual), &mut out) {
            Ok(done) => {
                if done.trailing > 0 {
                    let msg = format!(
                        "decompression reached SizeActual ({actual} bytes) with {} compressed bytes left: the payload decompresses to more than SizeActual",
                        done.trailing
                    );
                    b.diag(Severity::Warning, msg, comp_src, comp_base + done.consumed, done.trailing);
                }
            }
            Err(e) => {
                let what = match e.kind {
                    lz77::ErrorKind::InputExhausted => String::from("the compressed data ends inside an element"),
                    lz77::ErrorKind::EndedEarly => String::from("the end-of-stream marker comes first"),
                    lz77::ErrorKind::DistanceBeforeStart { distance } => {
                        format!("a match at distance {distance} reaches before the start of the output")
                    }
                    lz77::ErrorKind::LengthPastEnd { length } => {
                        format!("a match of {length} bytes goes past SizeActual: the payload decompresses to more than SizeActual")
                    }
                };
                let msg = format!("LZ77 decompression failed after {} of SizeActual {actual} bytes: {what}", e.produced);
                let len = data.len().saturating_sub(e.input_pos);
                b.diag(Severity::Error, msg, comp_src, comp_base + e.input_pos, len);
            }
        }
        if out.capacity() > out.len() + 64 {
            // A unit that failed early keeps what it produced, not the SizeActual it reserved.
            out.shrink_to_fit();
        }
        budget.produced = budget.produced.saturating_add(out.len());
        data = out;
    }
    let name = if flags & COMPRESSED != 0 { "decompressed" } else { "de-obfuscated" };
    let id = b.reserve_source(derived_name(kind, index, name));
    {
        let mut dc = Cur::new(&data, id);
        let n = data.len();
        let _ = b.group_sized(&mut dc, &PAYLOAD, n, |b, c| payload(b, c, index));
    }
    b.fill_source(id, data);
    Ok((flags, size, actual))
}

fn derived_name(kind: BufferKind, index: usize, what: &str) -> Cow<'static, str> {
    Cow::Owned(format!("{} {index} payload ({what})", kind.source_prefix()))
}

/// Obfuscates or de-obfuscates in place (XOR 0xA5 is its own inverse), [MS-OXCRPC] 3.1.4.1.1.3.
pub fn xor_magic(data: &mut [u8]) {
    for x in data.iter_mut() {
        *x ^= XOR_KEY;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::lz77;
    use alloc::vec::Vec;

    static TEST_WORD: crate::tree::Field = crate::tree::Field {
        key: "mapihttp.test.ext.word",
        name: "Word",
        ty: crate::tree::Ty::U16,
        disp: Disp::Dec,
        desc: "test-only payload field",
        summary: None,
    };

    fn unit(flags: u16, plain: &[u8]) -> Vec<u8> {
        let mut data = if flags & COMPRESSED != 0 { lz77::compress(plain) } else { plain.to_vec() };
        if flags & XOR_MAGIC != 0 {
            xor_magic(&mut data);
        }
        let mut v = Vec::new();
        for x in [0, flags, data.len() as u16, plain.len() as u16] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(&data);
        v
    }

    /// Runs `extended_buffer` over `buf` with a payload parser that reads one u16 per payload.
    fn run(buf: &[u8], kind: BufferKind) -> (crate::tree::Dissection<'_>, Vec<(usize, SourceId, usize)>) {
        let mut b = Builder::new();
        let src = b.add_source("buffer", buf);
        let mut c = Cur::new(buf, src);
        let mut seen = Vec::new();
        let _ = extended_buffer(&mut b, &mut c, kind, |b, c, index| {
            seen.push((index, c.src(), c.left()));
            b.u16(c, &TEST_WORD)?;
            Ok(())
        });
        (b.finish(), seen)
    }

    /// The generic walker as aux.rs uses it: one unit with Last, the payload parser sees a window of
    /// exactly the (de-obfuscated, decompressed) payload, with its 1-based index.
    #[test]
    fn auxiliary_buffer_single_unit() {
        let payload = [0x34, 0x12, 0x00, 0x00];
        let buf = unit(COMPRESSED | XOR_MAGIC | LAST, &[payload.as_slice(); 20].concat());
        let (d, seen) = run(&buf, BufferKind::AuxiliaryBuffer);
        assert_eq!(seen, [(1, 2, 80)]);
        assert_eq!(d.sources[1].name, "AuxiliaryBuffer 1 payload (de-obfuscated, compressed)");
        assert_eq!(d.sources[2].name, "AuxiliaryBuffer 1 payload (decompressed)");
        let (_, w) = d.find("mapihttp.test.ext.word").unwrap();
        assert_eq!((w.value.clone(), w.source, w.offset), (Value::UInt(0x1234), 2, 0));
        // The parser read 2 of 80 bytes: reported, in the derived source.
        assert_eq!(d.diagnostics.len(), 1, "{:?}", d.diagnostics);
        assert_eq!((d.diagnostics[0].source, d.diagnostics[0].offset, d.diagnostics[0].length), (2, 2, 78));
        assert!(d.diagnostics[0].message.contains("78 unread bytes"));
    }

    #[test]
    fn auxiliary_buffer_second_unit_and_plain_payload() {
        let buf = [unit(LAST, &[1, 0]), unit(LAST, &[2, 0])].concat();
        let (d, seen) = run(&buf, BufferKind::AuxiliaryBuffer);
        assert_eq!(seen, [(1, 0, 2), (2, 0, 2)]);
        assert_eq!(d.diagnostics.len(), 1);
        assert!(d.diagnostics[0].message.contains("an AuxiliaryBuffer has a single RPC_HEADER_EXT"), "{:?}", d.diagnostics);
        assert_eq!((d.diagnostics[0].offset, d.diagnostics[0].length), (10, 10));
    }

    /// A payload parser that stops does not stop the chain: the next unit is still decoded.
    #[test]
    fn stopped_payload_does_not_stop_the_chain() {
        let buf = [unit(0, &[1]), unit(LAST, &[2, 0])].concat();
        let (d, seen) = run(&buf, BufferKind::RopBuffer(Direction::Request));
        assert_eq!(seen, [(1, 0, 1), (2, 0, 2)]);
        let errs: Vec<&str> = d.diagnostics.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(errs, ["truncated: Word needs 2 bytes, 1 left"]);
        assert_eq!(d.find_all("mapihttp.rpc.extbuffer").count(), 2);
    }
}
