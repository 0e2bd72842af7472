//! Bounded decompression of DEFLATE data (RFC 1951) raw, in a zlib wrapper (RFC 1950) or in gzip
//! members (RFC 1952), on top of `miniz_oxide`'s inflater, plus the CRC-32 that gzip and zip use.
//!
//! The output never grows past the caller's cap: a decompression bomb costs at most `max` bytes.
//! Checksums are verified (gzip CRC-32 and ISIZE, zlib Adler-32) when the whole stream was inflated.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

/// What a bounded inflate produced.
#[derive(Debug, Default)]
pub struct Inflated {
    /// The output, at most the cap.
    pub data: Vec<u8>,
    /// Input bytes used (up to the end of the stream when it completed).
    pub consumed: usize,
    /// Why the stream could not be inflated to its end (None when it completed or hit the cap).
    pub error: Option<&'static str>,
    /// The stream has more output than the cap: `data` holds the first `max` bytes.
    pub over: bool,
}

/// Raw DEFLATE (as in zip entries and `Content-Encoding: deflate` without its zlib wrapper).
pub fn inflate_raw(input: &[u8], max: usize) -> Inflated {
    run(input, 0, max)
}

/// DEFLATE in a zlib wrapper (RFC 1950), the Adler-32 checked.
pub fn inflate_zlib(input: &[u8], max: usize) -> Inflated {
    run(input, inflate_flags::TINFL_FLAG_PARSE_ZLIB_HEADER | inflate_flags::TINFL_FLAG_COMPUTE_ADLER32, max)
}

fn run(input: &[u8], flags: u32, max: usize) -> Inflated {
    let flags = flags | inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    // One byte beyond the cap tells "exactly max" from "more than max".
    let cap = max.saturating_add(1);
    let mut out = vec![0u8; input.len().saturating_mul(2).clamp(64, 1 << 20).min(cap)];
    let mut state = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0usize, 0usize);
    loop {
        let (status, used, produced) = decompress(&mut state, input.get(in_pos..).unwrap_or(&[]), &mut out, out_pos, flags);
        in_pos = in_pos.saturating_add(used).min(input.len());
        out_pos = out_pos.saturating_add(produced).min(out.len());
        let error = match status {
            TINFLStatus::Done if out_pos <= max => None,
            TINFLStatus::Done | TINFLStatus::HasMoreOutput if out_pos >= cap => {
                out.truncate(max);
                return Inflated { data: out, consumed: in_pos, error: None, over: true };
            }
            TINFLStatus::HasMoreOutput => {
                let grown = out.len().saturating_mul(2).clamp(64, cap);
                out.resize(grown, 0);
                continue;
            }
            TINFLStatus::Adler32Mismatch => Some("Adler-32 checksum mismatch"),
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => Some("truncated deflate stream"),
            _ => Some("corrupt deflate stream"),
        };
        out.truncate(out_pos);
        return Inflated { data: out, consumed: in_pos, error, over: false };
    }
}

/// One or more gzip members (RFC 1952 2.2: a file may hold several, decoded as their concatenation),
/// each header parsed and each CRC-32 and ISIZE checked.
pub fn gunzip(input: &[u8], max: usize) -> Inflated {
    let mut all = Inflated::default();
    let mut pos = 0usize;
    while pos < input.len() {
        let rest = input.get(pos..).unwrap_or(&[]);
        let header = match gzip_header_len(rest) {
            Ok(n) => n,
            Err(e) => {
                all.error = Some(e);
                break;
            }
        };
        let body = rest.get(header..).unwrap_or(&[]);
        let room = max.saturating_sub(all.data.len());
        let member = inflate_raw(body, room);
        let start = all.data.len();
        all.data.extend_from_slice(&member.data);
        pos = pos.saturating_add(header).saturating_add(member.consumed);
        all.consumed = pos;
        if member.over || member.error.is_some() {
            all.over = member.over;
            all.error = member.error;
            break;
        }
        // Trailer: CRC-32 and ISIZE (the length mod 2^32) of the member's data.
        let (Some(crc), Some(isize)) = (le32(input, pos), le32(input, pos.saturating_add(4))) else {
            all.error = Some("truncated gzip trailer");
            break;
        };
        pos = pos.saturating_add(8);
        all.consumed = pos;
        let data = all.data.get(start..).unwrap_or(&[]);
        if crc != crc32(data) || isize != data.len() as u32 {
            all.error = Some("gzip CRC-32 or length mismatch");
            break;
        }
    }
    all
}

fn le32(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o.checked_add(4)?).and_then(|x| x.try_into().ok()).map(u32::from_le_bytes)
}

/// Length of a gzip member header (RFC 1952 2.3: ID1 ID2 CM FLG MTIME XFL OS, then FEXTRA, FNAME,
/// FCOMMENT, FHCRC as flagged).
fn gzip_header_len(b: &[u8]) -> Result<usize, &'static str> {
    const CUT: &str = "truncated gzip header";
    let flg = match b {
        [0x1f, 0x8b, 8, f, ..] if f & 0xe0 == 0 => *f,
        [] | [0x1f] | [0x1f, 0x8b] | [0x1f, 0x8b, 8] => return Err(CUT),
        _ => return Err("invalid gzip header"),
    };
    let mut p = 10usize;
    if flg & 0x04 != 0 {
        let xlen = b.get(p..p + 2).ok_or(CUT)?;
        p += 2 + usize::from(u16::from_le_bytes([xlen[0], xlen[1]]));
    }
    for bit in [0x08, 0x10] {
        if flg & bit != 0 {
            p += b.get(p..).ok_or(CUT)?.iter().position(|&c| c == 0).ok_or(CUT)? + 1;
        }
    }
    if flg & 0x02 != 0 {
        p += 2;
    }
    if p <= b.len() {
        Ok(p)
    } else {
        Err(CUT)
    }
}

/// The CRC-32 table (ISO 3309 / ITU-T V.42 polynomial 0xEDB88320, reflected), built at compile time.
static CRC_TABLE: [[u32; 256]; 4] = {
    let mut t = [[0u32; 256]; 4];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut s = 1;
        while s < 4 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            s += 1;
        }
        i += 1;
    }
    t
};

/// CRC-32 of `data` as gzip (RFC 1952 8) and zip (APPNOTE 4.4.7) use it.
pub fn crc32(data: &[u8]) -> u32 {
    crc32_update(0, data)
}

/// Continues a CRC-32 over more data.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let [t0, t1, t2, t3] = &CRC_TABLE;
    let mut c = !crc;
    let mut words = data.chunks_exact(4);
    for w in &mut words {
        let x = c ^ u32::from_le_bytes(w.try_into().unwrap_or_default());
        c = t3[(x & 0xff) as usize] ^ t2[((x >> 8) & 0xff) as usize] ^ t1[((x >> 16) & 0xff) as usize] ^ t0[(x >> 24) as usize];
    }
    for &b in words.remainder() {
        c = (c >> 8) ^ t0[((c ^ u32::from(b)) & 0xff) as usize];
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn crc32_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let data: Vec<u8> = (0..10_007u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let mut h = flate2::Crc::new();
        h.update(&data);
        assert_eq!(crc32(&data), h.sum());
        assert_eq!(crc32_update(crc32(&data[..5000]), &data[5000..]), h.sum());
    }

    #[test]
    fn raw_zlib_and_gzip_round_trip() {
        let plain = b"hello MAPI over HTTP ".repeat(500);
        let raw = miniz_oxide::deflate::compress_to_vec(&plain, 6);
        let r = inflate_raw(&[raw.as_slice(), b"trailing"].concat(), 1 << 20);
        assert_eq!((r.data.as_slice(), r.consumed, r.error, r.over), (plain.as_slice(), raw.len(), None, false));
        let z = miniz_oxide::deflate::compress_to_vec_zlib(&plain, 6);
        let r = inflate_zlib(&z, 1 << 20);
        assert_eq!((r.data.as_slice(), r.error), (plain.as_slice(), None));
        let mut bad = z.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(inflate_zlib(&bad, 1 << 20).error, Some("Adler-32 checksum mismatch"));
        // Two gzip members decode as their concatenation.
        let two = [gz(b"first "), gz(b"second")].concat();
        let r = gunzip(&two, 1 << 20);
        assert_eq!((r.data.as_slice(), r.error, r.consumed), (&b"first second"[..], None, two.len()));
    }

    #[test]
    fn gzip_header_fields_are_skipped() {
        let body = miniz_oxide::deflate::compress_to_vec(b"named", 6);
        let mut f = vec![0x1f, 0x8b, 8, 0x04 | 0x08 | 0x10 | 0x02, 0, 0, 0, 0, 0, 3];
        f.extend_from_slice(&[3, 0, b'a', b'b', b'c']);
        f.extend_from_slice(b"file.txt\0comment\0\xAA\xBB");
        f.extend_from_slice(&body);
        f.extend_from_slice(&crc32(b"named").to_le_bytes());
        f.extend_from_slice(&5u32.to_le_bytes());
        let r = gunzip(&f, 100);
        assert_eq!((r.data.as_slice(), r.error), (&b"named"[..], None));
    }

    #[test]
    fn bounded_truncated_and_corrupt() {
        let plain = vec![b'A'; 1 << 20];
        let g = gz(&plain);
        let r = gunzip(&g, 1000);
        assert_eq!((r.data.len(), r.over, r.error), (1000, true, None));
        let r = gunzip(&g[..g.len() / 2], 1 << 21);
        assert_eq!(r.error, Some("truncated deflate stream"));
        assert!(!r.data.is_empty());
        let r = gunzip(&g[..g.len() - 3], 1 << 21);
        assert_eq!((r.data.len(), r.error), (1 << 20, Some("truncated gzip trailer")));
        let mut bad = g.clone();
        let n = bad.len();
        bad[n - 8] ^= 1;
        assert_eq!(gunzip(&bad, 1 << 21).error, Some("gzip CRC-32 or length mismatch"));
        assert_eq!(gunzip(b"not gzip at all", 100).error, Some("invalid gzip header"));
        assert_eq!(gunzip(&g[..5], 100).error, Some("truncated gzip header"));
        assert_eq!((gunzip(&[], 100).data.len(), gunzip(&[], 100).error), (0, None));
        assert_eq!(inflate_raw(&[0xff; 16], 100).error, Some("corrupt deflate stream"));
        // Exactly at the cap is not over it.
        let r = inflate_raw(&miniz_oxide::deflate::compress_to_vec(&plain, 6), 1 << 20);
        assert_eq!((r.data.len(), r.over, r.error), (1 << 20, false, None));
        assert_eq!(inflate_raw(&[], 10).error, Some("truncated deflate stream"));
    }
}
