//! [MS-OXCRPC] extended buffers: RPC_HEADER_EXT framing, XOR obfuscation, LZ77 compression, and the
//! ROP input/output buffer framing of [MS-OXCROPS] 2.2.1 that the payloads carry.
//!
//! - [`ext`]: the RPC_HEADER_EXT chain (2.2.2.1, 3.1.4.2.1), shared with the auxiliary buffers.
//! - [`lz77`]: the LZ77 + DIRECT2 decompressor (3.1.4.1.1.2) and a compressor for tests and tools.
//! - [`rop`]: RopSize, RopsList and ServerObjectHandleTable of each payload.
//! - [`aux`]: the AUX_HEADER blocks of auxiliary buffers (2.2.2.2).

pub mod aux;
pub mod ext;
pub mod lz77;
pub mod rop;

use crate::build::{Builder, Cur, R};

/// The protocol's maximum response RopBuffer size (pcbOut, [MS-OXCRPC] 3.1.4.2: 0x40000).
pub const MAX_ROP_OUT: u32 = 0x40000;

/// Which way a ROP buffer travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client to server: ROP input buffer.
    Request,
    /// Server to client: ROP output buffer.
    Response,
}

/// The field groups of this module (every file that declares fields), for the registry.
pub static FIELD_GROUPS: &[&[&crate::tree::Field]] = &[ext::FIELDS, rop::FIELDS, aux::FIELDS];

/// Decodes an Execute RopBuffer (the whole window of `c`, exactly RopBufferSize bytes): one or more
/// extended buffers ([MS-OXCRPC] 3.1.4.2.1.1), each payload a ROP input or output buffer.
pub fn rop_buffer(b: &mut Builder<'_>, c: &mut Cur<'_>, dir: Direction, ctx: &mut crate::rops::context::Context) -> R<()> {
    ext::extended_buffer(b, c, ext::BufferKind::RopBuffer(dir), |b, c, _| rop::rop_buffer_payload(b, c, dir, ctx))
}

#[cfg(test)]
mod tests {
    use super::ext::{xor_magic, COMPRESSED, LAST, XOR_MAGIC};
    use super::*;
    use crate::tree::{Dissection, Severity, Value};
    use crate::{decode_request, decode_response, RequestType};
    use alloc::vec;
    use alloc::vec::Vec;

    /// [MS-OXCROPS] 4.4: RopSize 8, two RopRelease (01 00 00, 01 00 01), handles 0x6F and 0x6E.
    const SPEC_ROP_INPUT: [u8; 16] = [0x08, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x6F, 0x00, 0x00, 0x00, 0x6E, 0x00, 0x00, 0x00];

    /// An RPC_HEADER_EXT unit with the payload transformed as `flags` says (compress, then XOR).
    fn unit(flags: u16, plain: &[u8]) -> Vec<u8> {
        let mut data = if flags & COMPRESSED != 0 { lz77::compress(plain) } else { plain.to_vec() };
        if flags & XOR_MAGIC != 0 {
            xor_magic(&mut data);
        }
        raw_unit(0, flags, data.len() as u16, plain.len() as u16, &data)
    }

    fn raw_unit(version: u16, flags: u16, size: u16, actual: u16, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        for x in [version, flags, size, actual] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(data);
        v
    }

    /// An Execute request body ([MS-OXCMAPIHTTP] 2.2.4.2.1): Flags, RopBufferSize, RopBuffer,
    /// MaxRopOut 0x40000, AuxiliaryBufferSize 0.
    fn execute_request(rop_buffer: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(&(rop_buffer.len() as u32).to_le_bytes());
        v.extend_from_slice(rop_buffer);
        v.extend_from_slice(&0x40000u32.to_le_bytes());
        v.extend_from_slice(&0u32.to_le_bytes());
        v
    }

    const RESPONSE_PREFIX: &[u8] = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n";

    /// An Execute success response ([MS-OXCMAPIHTTP] 2.2.4.2.2) after its meta-tags.
    fn execute_response(rop_buffer: &[u8]) -> Vec<u8> {
        let mut v = RESPONSE_PREFIX.to_vec();
        for x in [0u32, 0, 0, rop_buffer.len() as u32] {
            v.extend_from_slice(&x.to_le_bytes());
        }
        v.extend_from_slice(rop_buffer);
        v.extend_from_slice(&0u32.to_le_bytes());
        v
    }

    fn uint(n: &crate::tree::Node) -> u64 {
        match n.value {
            Value::UInt(v) => v,
            ref v => panic!("{} is not an integer: {v:?}", n.field.key),
        }
    }

    /// Spans inside sources, subtree ends consistent, diagnostics inside sources.
    fn check_invariants(d: &Dissection<'_>) {
        for (i, n) in d.nodes.iter().enumerate() {
            let src = &d.sources[n.source as usize];
            assert!(n.offset as usize + n.length as usize <= src.data.len(), "node {i} {} beyond its source", n.field.key);
            assert!(n.end as usize > i && n.end as usize <= d.nodes.len());
        }
        for x in &d.diagnostics {
            let src = &d.sources[x.source as usize];
            assert!(x.offset as usize + x.length as usize <= src.data.len(), "diagnostic beyond its source: {x:?}");
        }
    }

    fn errors<'d>(d: &'d Dissection<'_>) -> Vec<&'d str> {
        d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.as_str()).collect()
    }

    /// Checks the [MS-OXCROPS] 4.4 ROP input buffer decoded from `source` starting at `base`.
    fn assert_spec_payload(d: &Dissection<'_>, nth: usize, source: u16, base: u32) {
        let (_, size) = d.find_all("mapihttp.rop.ropsize").nth(nth).expect("RopSize");
        assert_eq!((uint(size), size.source, size.offset, size.length), (8, source, base, 2));
        let (_, list) = d.find_all("mapihttp.rop.ropslist").nth(nth).expect("RopsList");
        assert_eq!((list.source, list.offset, list.length), (source, base + 2, 6));
        assert_eq!(d.bytes_of(list), [0x01, 0x00, 0x00, 0x01, 0x00, 0x01]);
        let (t, table) = d.find_all("mapihttp.rop.serverobjecthandletable").nth(nth).expect("handle table");
        assert_eq!((table.source, table.offset, table.length), (source, base + 8, 8));
        let handles: Vec<(u64, u32)> = d.children(t).map(|i| (uint(&d.nodes[i as usize]), d.nodes[i as usize].offset)).collect();
        assert_eq!(handles, vec![(0x6F, base + 8), (0x6E, base + 12)]);
    }

    /// The header fields of a unit whose RPC_HEADER_EXT starts at `at` in source 0.
    fn assert_header(d: &Dissection<'_>, nth: usize, at: u32, flags: u64, size: u64, actual: u64) {
        let get = |key: &str| d.find_all(key).nth(nth).map(|(_, n)| (uint(n), n.source, n.offset)).expect(key);
        assert_eq!(get("mapihttp.rpc.header.version"), (0, 0, at));
        assert_eq!(get("mapihttp.rpc.header.flags"), (flags, 0, at + 2));
        assert_eq!(get("mapihttp.rpc.header.size"), (size, 0, at + 4));
        assert_eq!(get("mapihttp.rpc.header.sizeactual"), (actual, 0, at + 6));
    }

    /// Every strict prefix reports an error at or before the cut in the body, without panicking. (A
    /// response cut inside its meta-tags gets the envelope's warnings instead.)
    fn truncation_sweep(body: &[u8], response: bool) {
        for cut in 0..body.len() {
            let p = &body[..cut];
            let d = if response { decode_response(RequestType::Execute, p) } else { decode_request(RequestType::Execute, p) };
            check_invariants(&d);
            let want = if response && cut < RESPONSE_PREFIX.len() { Severity::Warning } else { Severity::Error };
            assert!(
                d.diagnostics.iter().any(|x| x.severity >= want && x.source == 0 && x.offset as usize <= cut),
                "cut {cut}/{}: no error at or before the cut: {:?}",
                body.len(),
                d.diagnostics
            );
        }
    }

    #[test]
    fn plain_spec_payload() {
        let body = execute_request(&unit(LAST, &SPEC_ROP_INPUT));
        let d = decode_request(RequestType::Execute, &body);
        check_invariants(&d);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(d.sources.len(), 1);
        assert_header(&d, 0, 8, 4, 16, 16);
        assert_spec_payload(&d, 0, 0, 16);
        let (_, ext) = d.find("mapihttp.rpc.extbuffer").unwrap();
        assert_eq!((ext.offset, ext.length), (8, 24));
        assert_eq!(ext.value, Value::Text("#1: Last, 16 bytes".into()));
        let (_, max) = d.find("mapihttp.execute.maxropout").unwrap();
        assert_eq!((uint(max), max.offset), (0x40000, 32));
        truncation_sweep(&body, false);
    }

    /// An Execute that failed as a whole (ErrorCode ≠ 0) returns no ROP responses: an empty
    /// RopBuffer is then expected (a note), not an anomaly; with ErrorCode 0 it stays a warning.
    #[test]
    fn failed_execute_with_empty_rop_buffer() {
        let mut body = RESPONSE_PREFIX.to_vec();
        for x in [0u32, 0x8004_0115, 0, 0, 0] {
            body.extend_from_slice(&x.to_le_bytes());
        }
        let d = decode_response(RequestType::Execute, &body);
        check_invariants(&d);
        assert!(errors(&d).is_empty(), "{:?}", d.diagnostics);
        let notes: Vec<&str> = d.diagnostics.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(notes, ["no ROP responses: the Execute failed with ErrorCode 0x80040115"]);
        let (_, size) = d.find("mapihttp.execute.ropbuffersize").unwrap();
        assert_eq!((uint(size), size.offset), (0, RESPONSE_PREFIX.len() as u32 + 12));
        // The body goes on after RopBuffer: AuxiliaryBufferSize is read.
        let (_, aux) = d.find("mapihttp.auxiliarybuffersize").unwrap();
        assert_eq!(aux.offset, RESPONSE_PREFIX.len() as u32 + 16);
        truncation_sweep(&body, true);
        // ErrorCode 0 with an empty RopBuffer is still reported.
        let ok = execute_response(&[]);
        let d = decode_response(RequestType::Execute, &ok);
        assert!(errors(&d).iter().any(|m| m.contains("RopBuffer is empty")), "{:?}", d.diagnostics);
    }

    #[test]
    fn obfuscated_spec_payload() {
        let body = execute_request(&unit(XOR_MAGIC | LAST, &SPEC_ROP_INPUT));
        let d = decode_request(RequestType::Execute, &body);
        check_invariants(&d);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(d.sources[1].name, "request RopBuffer 1 payload (de-obfuscated)");
        assert_eq!(&d.sources[1].data[..], &SPEC_ROP_INPUT);
        assert_header(&d, 0, 8, 6, 16, 16);
        let (_, wire) = d.find("mapihttp.rpc.payload.transmitted").unwrap();
        assert_eq!((wire.source, wire.offset, wire.length), (0, 16, 16));
        assert_eq!(d.bytes_of(wire)[0], 0x08 ^ 0xA5);
        let (_, p) = d.find("mapihttp.rpc.payload").unwrap();
        assert_eq!((p.source, p.offset, p.length), (1, 0, 16));
        assert_spec_payload(&d, 0, 1, 0);
        truncation_sweep(&body, false);
    }

    /// The 16-byte example does not compress (18 bytes compressed): it still decodes, and the
    /// Size/SizeActual rule is reported.
    #[test]
    fn compressed_spec_payload_and_with_xor() {
        for (flags, sources) in [(COMPRESSED | LAST, 2), (COMPRESSED | XOR_MAGIC | LAST, 3)] {
            let u = unit(flags, &SPEC_ROP_INPUT);
            let body = execute_request(&u);
            let d = decode_request(RequestType::Execute, &body);
            check_invariants(&d);
            assert_eq!(errors(&d), ["Compressed payload: SizeActual (16) must be greater than Size (18)"]);
            assert_eq!(d.sources.len(), sources);
            let last = (sources - 1) as u16;
            assert_eq!(d.sources[last as usize].name, "request RopBuffer 1 payload (decompressed)");
            if flags & XOR_MAGIC != 0 {
                assert_eq!(d.sources[1].name, "request RopBuffer 1 payload (de-obfuscated, compressed)");
                assert_eq!(&d.sources[1].data[..], &lz77::compress(&SPEC_ROP_INPUT)[..]);
                let (_, deob) = d.find("mapihttp.rpc.payload.deobfuscated").unwrap();
                assert_eq!((deob.source, deob.offset, deob.length), (1, 0, 18));
            }
            assert_header(&d, 0, 8, u64::from(flags), 18, 16);
            assert_spec_payload(&d, 0, last, 0);
            truncation_sweep(&body, false);
        }
    }

    /// A payload big enough to compress: 40 RopRelease requests and 40 handles.
    fn big_rop_input() -> Vec<u8> {
        let mut list = Vec::new();
        for i in 0..40u8 {
            list.extend_from_slice(&[0x01, 0x00, i]);
        }
        let mut v = ((list.len() + 2) as u16).to_le_bytes().to_vec();
        v.extend_from_slice(&list);
        for i in 0..40u32 {
            v.extend_from_slice(&(0x100 + i).to_le_bytes());
        }
        v
    }

    #[test]
    fn compressed_payloads_decode_identically() {
        let plain = big_rop_input();
        for flags in [LAST, XOR_MAGIC | LAST, COMPRESSED | LAST, COMPRESSED | XOR_MAGIC | LAST] {
            let u = unit(flags, &plain);
            assert!(flags & COMPRESSED == 0 || u.len() - 8 < plain.len(), "compresses");
            let body = execute_request(&u);
            let d = decode_request(RequestType::Execute, &body);
            check_invariants(&d);
            assert!(d.diagnostics.is_empty(), "flags {flags:#x}: {:?}", d.diagnostics);
            let src = d.sources.len() as u16 - 1;
            let at = if src == 0 { 16 } else { 0 };
            assert_eq!(&d.sources[src as usize].data[at..at + plain.len()], &plain[..]);
            let (_, size) = d.find("mapihttp.rop.ropsize").unwrap();
            assert_eq!((uint(size), size.source, size.offset), (122, src, if src == 0 { 16 } else { 0 }));
            let handles: Vec<u64> = d.find_all("mapihttp.rop.serverobjecthandle").map(|(_, n)| uint(n)).collect();
            assert_eq!(handles, (0x100..0x128).collect::<Vec<u64>>());
            if flags & COMPRESSED != 0 {
                truncation_sweep(&body, false);
            }
        }
    }

    /// Two packed units: the spec payload compressed+XOR-ed (first, without Last), then plain with Last.
    #[test]
    fn chained_units() {
        let first = unit(COMPRESSED | XOR_MAGIC, &big_rop_input());
        let second = unit(LAST, &SPEC_ROP_INPUT);
        let body = execute_request(&[first.clone(), second].concat());
        let d = decode_request(RequestType::Execute, &body);
        check_invariants(&d);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        let exts: Vec<u32> = d.find_all("mapihttp.rpc.extbuffer").map(|(_, n)| n.offset).collect();
        assert_eq!(exts, vec![8, 8 + first.len() as u32]);
        assert_header(&d, 1, 8 + first.len() as u32, 4, 16, 16);
        // The second unit is plain: its payload is in the request body, after the first unit.
        assert_spec_payload(&d, 1, 0, 8 + first.len() as u32 + 8);
        assert_eq!(d.sources[2].name, "request RopBuffer 1 payload (decompressed)");
        truncation_sweep(&body, false);
    }

    /// A packed response: a plain unit (RopOpenStream failure response, [MS-OXCPERM] 4.1) and a
    /// compressed one (a RopReadStream-like response with 3000 bytes of data), in one rgbOut.
    #[test]
    fn packed_response() {
        let mut out1 = vec![0x08, 0x00, 0x2B, 0x02, 0x02, 0x01, 0x04, 0x80];
        out1.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        out1.extend_from_slice(&0x12u32.to_le_bytes());
        let mut list2 = vec![0x2C, 0x01, 0, 0, 0, 0];
        list2.extend_from_slice(&3000u16.to_le_bytes());
        list2.extend((0..3000).map(|i| b"Contoso mailbox data "[i % 21]));
        let mut out2 = ((list2.len() + 2) as u16).to_le_bytes().to_vec();
        out2.extend_from_slice(&list2);
        out2.extend_from_slice(&0x34u32.to_le_bytes());
        let u1 = unit(0, &out1);
        let u2 = unit(COMPRESSED | LAST, &out2);
        let size2 = (u2.len() - 8) as u64;
        let body = execute_response(&[u1.clone(), u2].concat());
        let d = decode_response(RequestType::Execute, &body);
        check_invariants(&d);
        // The only diagnostic is the expert note on the failed RopOpenStream ([MS-OXCPERM] 4.1).
        let diags: Vec<&str> = d.diagnostics.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(diags, ["ROP failed: ReturnValue 0x80040102 (NotSupported)"]);
        let rop_at = RESPONSE_PREFIX.len() as u32 + 16;
        assert_header(&d, 0, rop_at, 0, 16, 16);
        assert_header(&d, 1, rop_at + u1.len() as u32, 5, size2, out2.len() as u64);
        assert_eq!(d.sources[1].name, "response RopBuffer 2 payload (decompressed)");
        let sizes: Vec<(u64, u16)> = d.find_all("mapihttp.rop.ropsize").map(|(_, n)| (uint(n), n.source)).collect();
        assert_eq!(sizes, vec![(8, 0), (3010, 1)]);
        let handles: Vec<u64> = d.find_all("mapihttp.rop.serverobjecthandle").map(|(_, n)| uint(n)).collect();
        assert_eq!(handles, vec![0xFFFF_FFFF, 0x12, 0x34]);
        let (_, h) = d.find("mapihttp.rop.serverobjecthandle").unwrap();
        assert_eq!(crate::display::display_line(&d, h), "ServerObjectHandle: 0xFFFFFFFF (no Server object)");
        let (_, h2) = d.find_all("mapihttp.rop.serverobjecthandle").nth(1).unwrap();
        assert_eq!(crate::display::display_line(&d, h2), "ServerObjectHandle: 0x00000012");
        truncation_sweep(&body, true);
    }

    fn diags_for(rop_buffer: &[u8]) -> Vec<(Severity, alloc::string::String)> {
        let body = execute_request(rop_buffer);
        let d = decode_request(RequestType::Execute, &body);
        check_invariants(&d);
        d.diagnostics.iter().map(|x| (x.severity, x.message.clone())).collect()
    }

    fn has(diags: &[(Severity, alloc::string::String)], sev: Severity, text: &str) -> bool {
        diags.iter().any(|(s, m)| *s == sev && m.contains(text))
    }

    #[test]
    fn header_diagnostics() {
        use Severity::*;
        let d = diags_for(&raw_unit(1, LAST, 16, 16, &SPEC_ROP_INPUT));
        assert!(has(&d, Warning, "Version must be 0x0000, got 0x0001"), "{d:?}");
        let d = diags_for(&raw_unit(0, LAST | 0x10, 16, 16, &SPEC_ROP_INPUT));
        assert!(has(&d, Warning, "unknown bits 0x0010"), "{d:?}");
        let d = diags_for(&raw_unit(0, LAST, 17, 17, &SPEC_ROP_INPUT));
        assert!(has(&d, Error, "Size 17 exceeds the 16 bytes left"), "{d:?}");
        let d = diags_for(&raw_unit(0, LAST, 16, 20, &SPEC_ROP_INPUT));
        assert!(has(&d, Warning, "Size (16) and SizeActual (20) must be equal"), "{d:?}");
        // A unit after Last, and a chain without Last.
        let d = diags_for(&[unit(LAST, &SPEC_ROP_INPUT), unit(LAST, &SPEC_ROP_INPUT)].concat());
        assert!(has(&d, Warning, "24 bytes after the RPC_HEADER_EXT marked Last"), "{d:?}");
        let d = diags_for(&[unit(0, &SPEC_ROP_INPUT), unit(0, &SPEC_ROP_INPUT)].concat());
        assert!(has(&d, Warning, "does not carry the Last flag"), "{d:?}");
        assert_eq!(d.len(), 1);
        // Trailing bytes too short for a header.
        let d = diags_for(&[unit(LAST, &SPEC_ROP_INPUT), vec![0, 0, 4]].concat());
        assert!(has(&d, Error, "truncated"), "{d:?}");
        // An empty RopBuffer.
        let d = diags_for(&[]);
        assert!(has(&d, Warning, "RopBuffer is empty"), "{d:?}");
    }

    /// SizeActual above 32 KB is reported but still decoded.
    #[test]
    fn oversized_payload_still_decoded() {
        // RopSize 40_001: 13_333 RopRelease requests (01 00 00) in the RopsList.
        let mut plain = 40_001u16.to_le_bytes().to_vec();
        for _ in 0..13_333 {
            plain.extend_from_slice(&[0x01, 0x00, 0x00]);
        }
        plain.extend_from_slice(&7u32.to_le_bytes());
        let body = execute_request(&unit(COMPRESSED | LAST, &plain));
        let d = decode_request(RequestType::Execute, &body);
        check_invariants(&d);
        let diags: Vec<&str> = d.diagnostics.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(diags, ["payload of 40005 bytes exceeds the 32 KB limit of [MS-OXCRPC] 3.1.4.2.1 (decoded anyway)"]);
        let (_, h) = d.find("mapihttp.rop.serverobjecthandle").unwrap();
        assert_eq!((uint(h), h.source, h.offset), (7, 1, 40_001));
    }

    #[test]
    fn decompression_diagnostics() {
        use Severity::*;
        let c = lz77::compress(&SPEC_ROP_INPUT);
        // SizeActual larger than the stream: fewer bytes than announced.
        let d = diags_for(&raw_unit(0, COMPRESSED | LAST, c.len() as u16, 30, &c));
        assert!(has(&d, Error, "failed after 16 of SizeActual 30 bytes: the end-of-stream marker comes first"), "{d:?}");
        // SizeActual smaller: the stream holds more.
        let big = big_rop_input();
        let cb = lz77::compress(&big);
        let d = diags_for(&raw_unit(0, COMPRESSED | LAST, cb.len() as u16, 100, &cb));
        assert!(has(&d, Error, "decompresses to more than SizeActual") || has(&d, Warning, "decompresses to more than SizeActual"), "{d:?}");
        // A match reaching before the start (metadata first), with XOR: the error points into the
        // de-obfuscated source.
        let mut bad = vec![0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00];
        xor_magic(&mut bad);
        let body = execute_request(&raw_unit(0, COMPRESSED | XOR_MAGIC | LAST, 6, 20, &bad));
        let dd = decode_request(RequestType::Execute, &body);
        check_invariants(&dd);
        let e = dd.diagnostics.iter().find(|x| x.severity == Error).expect("error");
        assert!(e.message.contains("a match at distance 1 reaches before the start"), "{e:?}");
        assert_eq!((e.source, e.offset), (1, 4));
        // Compressed data cut short.
        let d = diags_for(&raw_unit(0, COMPRESSED | LAST, 5, 20, &c[..5]));
        assert!(has(&d, Error, "ends inside an element"), "{d:?}");
    }

    #[test]
    fn rop_buffer_diagnostics() {
        use Severity::*;
        let d = diags_for(&unit(LAST, &[0x01, 0x00, 0xAA]));
        assert!(has(&d, Error, "RopSize 1 is less than 2"), "{d:?}");
        let d = diags_for(&unit(LAST, &[0x09, 0x00, 0x01, 0x00, 0x00]));
        assert!(has(&d, Error, "RopSize 9 exceeds the 5-byte payload"), "{d:?}");
        let d = diags_for(&unit(LAST, &[0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02]));
        assert!(has(&d, Warning, "ServerObjectHandleTable is 5 bytes, not a multiple of 4"), "{d:?}");
        let body = execute_request(&unit(LAST, &[0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02]));
        let dd = decode_request(RequestType::Execute, &body);
        let (_, extra) = dd.find("mapihttp.rop.serverobjecthandletable.extra").unwrap();
        assert_eq!((extra.offset, extra.length), (16 + 6, 1));
        // Empty ROP output buffer (RopSize 2, nothing else) is fine.
        assert!(diags_for(&unit(LAST, &[0x02, 0x00])).is_empty());
    }

    /// Random units and random bytes inside a valid frame never panic and keep spans in bounds.
    #[test]
    fn random_rop_buffers() {
        let mut x: u64 = 0x1234_5678_9ABC_DEF1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..3000 {
            let n = (next() % 80) as usize;
            let data: Vec<u8> = (0..n).map(|_| next() as u8).collect();
            let flags = (next() % 8) as u16;
            let size = if next() % 2 == 0 { n as u16 } else { (next() % 100) as u16 };
            let actual = (next() % 300) as u16;
            let body = execute_request(&[raw_unit(0, flags, size, actual, &data), data.clone()].concat());
            check_invariants(&decode_request(RequestType::Execute, &body));
            check_invariants(&decode_request(RequestType::Execute, &execute_request(&data)));
        }
    }
}
