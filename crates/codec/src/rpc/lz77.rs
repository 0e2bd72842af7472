//! [MS-OXCRPC] 3.1.4.1.1.2 LZ77 compression with the DIRECT2 encoding (3.1.4.1.1.2.2), used for
//! RPC_HEADER_EXT payloads that carry the Compressed flag.
//!
//! The bitstream (verified against the specification text and its worked examples):
//! - A 32-bit little-endian **bitmask** governs the next 32 elements, most significant bit first
//!   (3.1.4.1.1.2.2.1): 0 = one literal byte, 1 = match metadata. After 32 elements a new bitmask
//!   follows.
//! - **Metadata** (3.1.4.1.1.2.2.3) is a little-endian u16 `M`: distance = `(M >> 3) + 1` (1..=8192),
//!   length code `M & 7`.
//! - **Match length** (3.1.4.1.1.2.2.4): code < 7 → length = code + 3 (3..=9). Code 7 → a 4-bit
//!   nibble from a *shared* byte: the first such match reads a new byte and uses its low nibble, the
//!   next one uses the high nibble of that same byte and reads nothing; length = 10 + nibble
//!   (10..=24). Nibble 15 → one more byte `B`: length = 25 + B (25..=279). `B` = 255 → a u16 `W`
//!   follows and the length is `W + 3` on its own (not added to the earlier bits).
//! - The encoder ends the stream with a 1 bit that has no metadata after it ("the final end bit is
//!   always necessary, even if an additional bitmask has to be allocated").
//!
//! This is the same bitstream as [MS-XCA] 2.3/2.4 "Plain LZ77": the tests decode both [MS-XCA] 3.1
//! examples, and vectors made by an independent implementation (`tests/lz77/`). Where the two
//! specifications disagree: [MS-XCA] 2.4.4 reads a further u32 length when `W` is 0 and rejects
//! `W` < 22, while DIRECT2 defines the length as `W + 3` for every `W` (and Microsoft's MAPI
//! Inspector decodes it that way). No encoder emits `W` < 277 (such lengths have shorter forms);
//! this decoder follows DIRECT2.
//!
//! The decoder is bounded by the expected size (SizeActual): it never produces more, never reads or
//! copies outside its buffers, and reports malformed input as an [`Error`] instead of panicking.
//! Overlapping matches (distance < length, e.g. runs) are copied by doubling the copied period, so
//! long runs cost a few `memcpy`s rather than a byte loop.

use alloc::vec::Vec;

/// The largest match distance the 13-bit offset can express.
pub const MAX_DISTANCE: usize = 8192;

/// The largest match length the encoding can express (u16 `W` + 3).
pub const MAX_MATCH: usize = 0xFFFF + 3;

/// What went wrong while decompressing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The compressed data ended inside a bitmask, a literal run or match metadata.
    InputExhausted,
    /// The end-of-stream marker (a metadata bit with no input left) came before the expected size.
    EndedEarly,
    /// A match refers to bytes before the start of the output.
    DistanceBeforeStart {
        /// The match distance.
        distance: usize,
    },
    /// A match would write past the expected size; the output was filled up to it.
    LengthPastEnd {
        /// The match length.
        length: usize,
    },
}

/// A decompression failure. The output buffer keeps what was decoded before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Offset in the compressed input of the element (bitmask, literal or metadata) that failed.
    pub input_pos: usize,
    /// How many bytes had been produced when it failed.
    pub produced: usize,
}

/// A successful decompression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    /// Compressed bytes consumed, including a final bitmask that only holds the end marker.
    pub consumed: usize,
    /// Compressed bytes left after the expected size was reached (they would produce more output
    /// than SizeActual announced).
    pub trailing: usize,
}

/// Decompresses `input` into `out` (cleared first), producing exactly `expected` bytes on success.
///
/// `out` never holds more than `expected` bytes when this returns (during decoding it has a few
/// bytes of slack for wide copies); the caller bounds `expected` (SizeActual is a u16).
pub fn decompress(input: &[u8], expected: usize, out: &mut Vec<u8>) -> Result<Done, Error> {
    out.clear();
    out.resize(expected.saturating_add(SLACK), 0);
    let mut op = 0usize;
    let r = decode(input, expected, out.as_mut_slice(), &mut op);
    out.truncate(op);
    r
}

/// Bytes past the expected size that wide copies may scribble on (then truncated away).
const SLACK: usize = 32;

/// The decoder proper: writes into `buf` (`expected + SLACK` bytes) at `*op`.
fn decode(input: &[u8], expected: usize, buf: &mut [u8], op: &mut usize) -> Result<Done, Error> {
    let mut ip = 0usize;
    let mut flags: u32 = 0;
    let mut nbits: u32 = 0;
    // Offset of the shared length byte whose high nibble is still unused.
    let mut half: Option<usize> = None;
    while *op < expected {
        if nbits == 0 {
            let Some(w) = le32(input, ip) else { return Err(Error { kind: ErrorKind::InputExhausted, input_pos: ip, produced: *op }) };
            ip += 4;
            flags = w;
            nbits = 32;
        }
        let zeros = flags.leading_zeros().min(nbits);
        if zeros > 0 {
            // A run of literals (at most 32): one wide copy when both buffers have room for it.
            let want = (zeros as usize).min(expected - *op);
            let n = want.min(input.len().saturating_sub(ip));
            match (input.get(ip..ip + SLACK), buf.get_mut(*op..*op + SLACK)) {
                (Some(s), Some(d)) => d.copy_from_slice(s),
                _ => {
                    if let (Some(s), Some(d)) = (input.get(ip..ip + n), buf.get_mut(*op..*op + n)) {
                        d.copy_from_slice(s);
                    }
                }
            }
            ip += n;
            *op += n;
            if n < want {
                return Err(Error { kind: ErrorKind::InputExhausted, input_pos: ip, produced: *op });
            }
            // n <= 32; a shift by 32 clears the word.
            flags = flags.checked_shl(n as u32).unwrap_or(0);
            nbits -= n as u32;
            continue;
        }
        // A 1 bit: match metadata, or the end marker when the input is exhausted.
        flags <<= 1;
        nbits -= 1;
        let at = ip;
        let fail = |kind| Err(Error { kind, input_pos: at, produced: *op });
        if ip >= input.len() {
            return fail(ErrorKind::EndedEarly);
        }
        let Some(m) = le16(input, ip) else { return fail(ErrorKind::InputExhausted) };
        ip += 2;
        let distance = usize::from(m >> 3) + 1;
        let mut length = usize::from(m & 7) + 3;
        if length == 10 {
            let nibble = match half.take() {
                None => {
                    let Some(&x) = input.get(ip) else { return fail(ErrorKind::InputExhausted) };
                    half = Some(ip);
                    ip += 1;
                    x & 0x0F
                }
                Some(p) => input.get(p).map_or(0, |&x| x >> 4),
            };
            length = if nibble < 15 {
                usize::from(nibble) + 10
            } else {
                let Some(&x) = input.get(ip) else { return fail(ErrorKind::InputExhausted) };
                ip += 1;
                if x < 255 {
                    usize::from(x) + 25
                } else {
                    let Some(w) = le16(input, ip) else { return fail(ErrorKind::InputExhausted) };
                    ip += 2;
                    usize::from(w) + 3
                }
            };
        }
        if distance > *op {
            return fail(ErrorKind::DistanceBeforeStart { distance });
        }
        let room = expected - *op;
        copy_match(buf, *op, distance, length.min(room));
        *op += length.min(room);
        if length > room {
            return Err(Error { kind: ErrorKind::LengthPastEnd { length }, input_pos: at, produced: *op });
        }
    }
    // The expected size is reached. What follows should be nothing but the end marker: a 1 bit in
    // the current bitmask, or a final bitmask of its own.
    let mut left = input.len().saturating_sub(ip);
    if nbits == 0 && left >= 4 && le32(input, ip).is_some_and(|w| w & 0x8000_0000 != 0) {
        ip += 4;
        left -= 4;
    }
    Ok(Done { consumed: ip, trailing: left })
}

/// Writes `length` bytes at `op` copied from `distance` bytes back (1 <= distance <= op, and
/// `op + length <= buf.len() - SLACK`). Every copy is in bounds by construction; the checked
/// accessors only keep a logic error from turning into a panic.
fn copy_match(buf: &mut [u8], op: usize, distance: usize, length: usize) {
    let src = op - distance;
    if distance >= 16 {
        // Forward 16-byte chunks: each reads bytes that are already final (they end at or before
        // the chunk being written), and may write up to 15 bytes into the slack.
        let mut k = 0;
        while k < length {
            let Some((head, tail)) = buf.split_at_mut_checked(op + k) else { return };
            match (head.get(src + k..src + k + 16), tail.get_mut(..16)) {
                (Some(s), Some(d)) => d.copy_from_slice(s),
                _ => return,
            }
            k += 16;
        }
    } else if distance == 1 {
        let b = buf.get(src).copied().unwrap_or(0);
        if let Some(d) = buf.get_mut(op..op + length) {
            d.fill(b);
        }
    } else {
        // Short distance: the output repeats with period `distance`; copy a growing whole number of
        // periods from `src` each step.
        let mut done = 0;
        while done < length {
            let n = (length - done).min(op + done - src);
            let Some((head, tail)) = buf.split_at_mut_checked(op + done) else { return };
            match (head.get(src..src + n), tail.get_mut(..n)) {
                (Some(s), Some(d)) => d.copy_from_slice(s),
                _ => return,
            }
            done += n;
        }
    }
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let mut w = [0u8; 4];
    w.copy_from_slice(s);
    Some(u32::from_le_bytes(w))
}

/// Compresses `input` with LZ77 + DIRECT2. **For tests and tools** (building vectors, benchmarks):
/// the dissector itself only decompresses. Greedy matching over a hash chain; emits every length
/// form (inline, shared nibble, extra byte, u16) and the final end-marker bit.
pub fn compress(input: &[u8]) -> Vec<u8> {
    const HASH_BITS: u32 = 13;
    const CHAIN: usize = 32;
    let mut e = Encoder { out: Vec::with_capacity(input.len() + input.len() / 8 + 8), flag_pos: 0, flags: 0, count: 0, half: None };
    e.out.extend_from_slice(&[0; 4]);
    let mut head = alloc::vec![u32::MAX; 1 << HASH_BITS];
    let mut prev = alloc::vec![u32::MAX; input.len()];
    let hash = |p: usize| -> Option<usize> {
        let s = input.get(p..p + 3)?;
        let v = u32::from(*s.first()?) | u32::from(*s.get(1)?) << 8 | u32::from(*s.get(2)?) << 16;
        Some((v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize)
    };
    let insert = |p: usize, head: &mut Vec<u32>, prev: &mut Vec<u32>| {
        if let Some(h) = hash(p) {
            if let (Some(slot), Some(pv)) = (head.get_mut(h), prev.get_mut(p)) {
                *pv = *slot;
                *slot = p as u32;
            }
        }
    };
    let mut pos = 0usize;
    while pos < input.len() {
        let (mut best_len, mut best_dist) = (0usize, 0usize);
        if let Some(h) = hash(pos) {
            let mut cand = head.get(h).copied().unwrap_or(u32::MAX);
            let limit = (input.len() - pos).min(MAX_MATCH);
            for _ in 0..CHAIN {
                if cand == u32::MAX {
                    break;
                }
                let c = cand as usize;
                let dist = pos - c;
                if dist > MAX_DISTANCE {
                    break;
                }
                let l = match_len(input, c, pos, limit);
                if l > best_len {
                    best_len = l;
                    best_dist = dist;
                    if l == limit {
                        break;
                    }
                }
                cand = prev.get(c).copied().unwrap_or(u32::MAX);
            }
        }
        if best_len >= 3 {
            e.matched(best_dist, best_len);
            for p in pos..pos + best_len {
                insert(p, &mut head, &mut prev);
            }
            pos += best_len;
        } else {
            e.literal(input.get(pos).copied().unwrap_or(0));
            insert(pos, &mut head, &mut prev);
            pos += 1;
        }
    }
    e.finish()
}

fn match_len(input: &[u8], a: usize, b: usize, limit: usize) -> usize {
    let (Some(x), Some(y)) = (input.get(a..), input.get(b..)) else { return 0 };
    x.iter().zip(y).take(limit).take_while(|(p, q)| p == q).count()
}

struct Encoder {
    out: Vec<u8>,
    flag_pos: usize,
    flags: u32,
    count: u32,
    half: Option<usize>,
}

impl Encoder {
    fn flag(&mut self, bit: u32) {
        self.flags = (self.flags << 1) | bit;
        self.count += 1;
        if self.count == 32 {
            self.store_flags();
            self.count = 0;
            self.flags = 0;
            self.flag_pos = self.out.len();
            self.out.extend_from_slice(&[0; 4]);
        }
    }

    fn store_flags(&mut self) {
        if let Some(s) = self.out.get_mut(self.flag_pos..self.flag_pos + 4) {
            s.copy_from_slice(&self.flags.to_le_bytes());
        }
    }

    fn literal(&mut self, b: u8) {
        self.out.push(b);
        self.flag(0);
    }

    fn matched(&mut self, distance: usize, length: usize) {
        let off = ((distance - 1) as u16) << 3;
        let l = length - 3;
        if l < 7 {
            self.out.extend_from_slice(&(off | l as u16).to_le_bytes());
        } else {
            self.out.extend_from_slice(&(off | 7).to_le_bytes());
            let l = l - 7;
            let nibble = l.min(15) as u8;
            match self.half.take() {
                None => {
                    self.half = Some(self.out.len());
                    self.out.push(nibble);
                }
                Some(p) => {
                    if let Some(x) = self.out.get_mut(p) {
                        *x |= nibble << 4;
                    }
                }
            }
            if l >= 15 {
                let l = l - 15;
                if l < 255 {
                    self.out.push(l as u8);
                } else {
                    self.out.push(255);
                    self.out.extend_from_slice(&((length - 3) as u16).to_le_bytes());
                }
            }
        }
        self.flag(1);
    }

    fn finish(mut self) -> Vec<u8> {
        // Shift the used bits to the top and fill the rest with 1s: the first of them is the end
        // marker. `count` < 32 here, so at least one bit is free.
        let free = 32 - self.count;
        self.flags = ((u64::from(self.flags) << free) | ((1u64 << free) - 1)) as u32;
        self.store_flags();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::String;
    use std::time::Instant;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|h| u8::from_str_radix(h, 16).unwrap()).collect()
    }

    fn dec(input: &[u8], expected: usize) -> Result<(Vec<u8>, Done), Error> {
        let mut out = Vec::new();
        decompress(input, expected, &mut out).map(|d| (out, d))
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n.max(1)
        }
    }

    /// Inputs with every kind of structure: text, runs, random bytes, long matches, mixtures.
    fn sample(rng: &mut Rng, len: usize) -> Vec<u8> {
        let mut v = Vec::with_capacity(len);
        let words: [&[u8]; 6] = [b"Contoso ", b"mailbox ", b"RopQueryRows ", b"\x00\x01\x00", b"ab", b"zzzzzzzz"];
        while v.len() < len {
            match rng.below(6) {
                0 => v.push(rng.next() as u8),
                1 => {
                    let n = rng.below(600) as usize;
                    let b = rng.next() as u8;
                    v.extend(core::iter::repeat_n(b, n));
                }
                2 => v.extend_from_slice(words[rng.below(6) as usize]),
                3 if !v.is_empty() => {
                    // Repeat an earlier stretch (within and beyond the window).
                    let from = rng.below(v.len() as u64) as usize;
                    let n = (rng.below(400) as usize).min(v.len() - from);
                    let s = v[from..from + n].to_vec();
                    v.extend_from_slice(&s);
                }
                4 => {
                    let period = 1 + rng.below(12) as usize;
                    let n = rng.below(2000) as usize;
                    let pat: Vec<u8> = (0..period).map(|_| rng.next() as u8).collect();
                    v.extend(pat.iter().cycle().take(n));
                }
                _ => v.extend((0..rng.below(40)).map(|_| rng.next() as u8)),
            }
        }
        v.truncate(len);
        v
    }

    /// [MS-XCA] 3.1: "abcdefghijklmnopqrstuvwxyz" as 26 literals (the 6 unused bitmask bits are 1s).
    #[test]
    fn ms_xca_example_literals() {
        let c = hex("3f 00 00 00 61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 78 79 7a");
        let (out, done) = dec(&c, 26).unwrap();
        assert_eq!(out, b"abcdefghijklmnopqrstuvwxyz");
        assert_eq!(done, Done { consumed: 30, trailing: 0 });
        // Our encoder produces exactly the specification's bytes.
        assert_eq!(compress(b"abcdefghijklmnopqrstuvwxyz"), c);
        // Asking for more than the stream holds: the end marker comes first.
        assert_eq!(dec(&c, 27).unwrap_err(), Error { kind: ErrorKind::EndedEarly, input_pos: 30, produced: 26 });
    }

    /// [MS-XCA] 3.1: 300 bytes "abcabc…" as abc + [match: distance 3, length 297]. The length goes
    /// through every tier: code 7, nibble 15, byte 255, u16 0x0126 = 294 = 297 - 3 (the DIRECT2
    /// "W + 3" rule), and the match overlaps its source.
    #[test]
    fn ms_xca_example_long_match() {
        let c = hex("ff ff ff 1f 61 62 63 17 00 0f ff 26 01");
        let want: Vec<u8> = b"abc".iter().copied().cycle().take(300).collect();
        let (out, done) = dec(&c, 300).unwrap();
        assert_eq!(out, want);
        assert_eq!(done, Done { consumed: 13, trailing: 0 });
        assert_eq!(compress(&want), c);
        // SizeActual smaller than the stream: output stops at SizeActual and the match is reported.
        let e = dec(&c, 100).unwrap_err();
        assert_eq!(e.kind, ErrorKind::LengthPastEnd { length: 297 });
        assert_eq!((e.input_pos, e.produced), (7, 100));
    }

    /// The shared-nibble rule: two long matches share one byte, low nibble first, and the second
    /// match reads no byte of its own. Hand-assembled from the DIRECT2 text.
    #[test]
    fn shared_nibble_rule() {
        // "abcd", match(d=4, len=10+2), match(d=4, len=10+5), end.
        let mut s = Vec::new();
        // bitmask: 4 literals (0000), 2 matches (11), end marker (1), rest 1s.
        s.extend_from_slice(&0x0FFF_FFFFu32.to_le_bytes());
        s.extend_from_slice(b"abcd");
        s.extend_from_slice(&(((4u16 - 1) << 3) | 7).to_le_bytes()); // first long match
        s.push(0x52); // shared byte: low nibble 2 (this match), high nibble 5 (the next one)
        s.extend_from_slice(&(((4u16 - 1) << 3) | 7).to_le_bytes()); // second: no byte of its own
        let want: Vec<u8> = b"abcd".iter().copied().cycle().take(4 + 12 + 15).collect();
        let (out, done) = dec(&s, want.len()).unwrap();
        assert_eq!(out, want);
        assert_eq!(done.trailing, 0);
        // Our encoder does the same.
        let enc = compress(&[b"abcd".as_slice(), &[b'x'; 3], b"abcdabcdabcd", b"Q", b"abcdabcdabcdabc"].concat());
        let back = dec(&enc, 4 + 3 + 12 + 1 + 15).unwrap().0;
        assert_eq!(back, [b"abcd".as_slice(), &[b'x'; 3], b"abcdabcdabcd", b"Q", b"abcdabcdabcdabc"].concat());
    }

    /// Every tier boundary of the length ladder, decoded from hand-built metadata.
    #[test]
    fn length_ladder_boundaries() {
        for length in [3usize, 9, 10, 24, 25, 26, 279, 280, 281, 1000, 32768, MAX_MATCH] {
            let mut s = Vec::new();
            s.extend_from_slice(&0x7FFF_FFFFu32.to_le_bytes()); // literal, match, end marker
            s.push(b'z');
            let l = length - 3;
            if l < 7 {
                s.extend_from_slice(&(l as u16).to_le_bytes());
            } else {
                s.extend_from_slice(&7u16.to_le_bytes());
                let l = l - 7;
                s.push(l.min(15) as u8);
                if l >= 15 {
                    if l - 15 < 255 {
                        s.push((l - 15) as u8);
                    } else {
                        s.push(255);
                        s.extend_from_slice(&((length - 3) as u16).to_le_bytes());
                    }
                }
            }
            let (out, done) = dec(&s, 1 + length).unwrap_or_else(|e| panic!("length {length}: {e:?}"));
            assert_eq!(out.len(), 1 + length);
            assert!(out.iter().all(|&b| b == b'z'));
            assert_eq!(done.trailing, 0, "length {length}");
            // And the encoder picks the same form.
            assert_eq!(compress(&out), s, "length {length}");
        }
    }

    #[test]
    fn malformed_inputs_are_errors() {
        use ErrorKind::*;
        // Bitmask cut short.
        assert_eq!(dec(&[0, 0], 1).unwrap_err().kind, InputExhausted);
        // Literal missing.
        assert_eq!(dec(&[0, 0, 0, 0, b'a'], 2).unwrap_err(), Error { kind: InputExhausted, input_pos: 5, produced: 1 });
        // Match before any output.
        let s = [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00];
        assert_eq!(dec(&s, 3).unwrap_err(), Error { kind: DistanceBeforeStart { distance: 1 }, input_pos: 4, produced: 0 });
        // Distance past the output so far.
        let s = [0xFF, 0xFF, 0xFF, 0x7F, b'a', 0x08, 0x00];
        assert_eq!(dec(&s, 5).unwrap_err().kind, DistanceBeforeStart { distance: 2 });
        // Metadata cut inside the u16, the nibble byte, the extra byte, the long length.
        for s in [&[0xFF, 0xFF, 0xFF, 0x7F, b'a', 0x00][..], &[0xFF, 0xFF, 0xFF, 0x7F, b'a', 0x07, 0x00], &[0xFF, 0xFF, 0xFF, 0x7F, b'a', 0x07, 0x00, 0x0F], &[0xFF, 0xFF, 0xFF, 0x7F, b'a', 0x07, 0x00, 0x0F, 0xFF, 0x01]] {
            assert_eq!(dec(s, 400).unwrap_err().kind, InputExhausted, "{s:?}");
        }
        // Too much output: the trailing compressed bytes are counted.
        let c = compress(b"hello hello hello world");
        let (out, done) = dec(&c, 5).unwrap();
        assert_eq!(out, b"hello");
        assert!(done.trailing > 0);
        // Empty expected size with empty input.
        assert_eq!(dec(&[], 0).unwrap().0, b"");
    }

    /// Round trips of the test encoder through the decoder over many generated inputs, plus checks
    /// that every truncation and random corruption is handled without panic and within bounds.
    #[test]
    fn property_round_trips_and_corruption() {
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        for round in 0..400 {
            let len = match round % 4 {
                0 => rng.below(64) as usize,
                1 => rng.below(2000) as usize,
                2 => rng.below(12_000) as usize,
                _ => 32 * 1024,
            };
            let plain = sample(&mut rng, len);
            let c = compress(&plain);
            let (out, done) = dec(&c, plain.len()).unwrap_or_else(|e| panic!("round {round}: {e:?}"));
            assert_eq!(out, plain, "round {round}");
            assert_eq!(done, Done { consumed: c.len(), trailing: 0 }, "round {round}");
            if round % 8 == 0 {
                for cut in 0..c.len() {
                    let mut o = Vec::new();
                    if let Ok(d) = decompress(&c[..cut], plain.len(), &mut o) {
                        // Only possible when the cut removes (part of) a bitmask that holds nothing
                        // but the end marker.
                        assert_eq!(d.consumed + d.trailing, cut);
                        assert_eq!(o, plain);
                    }
                    assert!(o.len() <= plain.len());
                    assert_eq!(o[..], plain[..o.len()]);
                }
            }
            let mut m = c.clone();
            for _ in 0..1 + rng.below(6) {
                if m.is_empty() {
                    break;
                }
                let i = rng.below(m.len() as u64) as usize;
                m[i] ^= 1 << rng.below(8);
            }
            let mut o = Vec::new();
            let _ = decompress(&m, plain.len(), &mut o);
            assert!(o.len() <= plain.len());
        }
        // Pure random streams.
        for _ in 0..2000 {
            let n = rng.below(300) as usize;
            let s: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            let want = rng.below(40_000) as usize;
            let mut o = Vec::new();
            let r = decompress(&s, want, &mut o);
            assert!(o.len() <= want);
            if r.is_ok() {
                assert_eq!(o.len(), want);
            }
        }
    }

    /// Vectors made by an independent encoder and checked with an independent decompressor
    /// (`tests/lz77/make_vectors.py`, PyPI `xpress-lz77`): every `.py.lz77` must decompress to its
    /// `.bin`. Our test encoder's output is kept as `.rs.lz77` (rewritten with `LZ77_BLESS=1`), so
    /// the script's `--check` also verifies it with `xpress-lz77`; here it must stay byte-identical
    /// and decompress too.
    #[test]
    fn independent_vectors() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/lz77/vectors");
        let bless = std::env::var_os("LZ77_BLESS").is_some();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("tests/lz77/vectors")
            .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".bin").map(String::from))
            .collect();
        names.sort();
        assert!(names.len() >= 8, "vectors missing: {names:?}");
        for name in &names {
            let plain = std::fs::read(dir.join(format!("{name}.bin"))).unwrap();
            let theirs = std::fs::read(dir.join(format!("{name}.py.lz77"))).unwrap();
            let (out, done) = dec(&theirs, plain.len()).unwrap_or_else(|e| panic!("{name}.py.lz77: {e:?}"));
            assert!(out == plain, "{name}.py.lz77 decompresses to different bytes");
            assert_eq!(done, Done { consumed: theirs.len(), trailing: 0 }, "{name}.py.lz77");
            let ours = compress(&plain);
            let rs = dir.join(format!("{name}.rs.lz77"));
            if bless {
                std::fs::write(&rs, &ours).unwrap();
            }
            let kept = std::fs::read(&rs).unwrap_or_else(|e| panic!("{}: {e} (run with LZ77_BLESS=1)", rs.display()));
            assert!(kept == ours, "{name}: the test encoder's output changed; rerun with LZ77_BLESS=1 and make_vectors.py --check");
            assert_eq!(dec(&kept, plain.len()).unwrap().0, plain, "{name}.rs.lz77");
        }
    }

    /// Text-like data: words from a small vocabulary, numbers and punctuation, so most matches are
    /// short (the hard case for an LZ77 decoder).
    fn texty(rng: &mut Rng, len: usize) -> Vec<u8> {
        const WORDS: [&str; 24] = [
            "the", "mailbox", "folder", "message", "Subject", "From", "To", "Contoso", "Exchange", "server",
            "RopOpenFolder", "property", "table", "row", "column", "sent", "items", "inbox", "calendar",
            "meeting", "attachment", "=?utf-8?", "alice@contoso.com", "bob",
        ];
        let mut v = Vec::with_capacity(len + 32);
        while v.len() < len {
            match rng.below(10) {
                0 => v.extend_from_slice(alloc::format!("{}", rng.below(100_000)).as_bytes()),
                1 => v.extend_from_slice(b", "),
                2 => v.extend_from_slice(b".\r\n"),
                _ => v.extend_from_slice(WORDS[rng.below(24) as usize].as_bytes()),
            }
            v.push(b' ');
        }
        v.truncate(len);
        v
    }

    /// Decompression speed, printed (run with `cargo test --release -p mapiscope-codec lz77_speed --
    /// --nocapture`); asserts only a very low floor so debug builds pass.
    #[test]
    fn lz77_speed() {
        let mut rng = Rng(42);
        type Make = fn(&mut Rng, usize) -> Vec<u8>;
        let kinds: [(&str, Make); 3] = [
            ("text-like", texty),
            ("mixed (runs, repeats)", sample),
            ("random (all literals)", |r, n| (0..n).map(|_| r.next() as u8).collect()),
        ];
        for (name, make) in kinds {
            let units: Vec<(Vec<u8>, Vec<u8>)> = (0..16)
                .map(|_| {
                    let p = make(&mut rng, 32 * 1024);
                    (compress(&p), p)
                })
                .collect();
            let mut out = Vec::new();
            let start = Instant::now();
            let mut bytes = 0usize;
            let mut iters = 0;
            while start.elapsed().as_millis() < 300 || iters < 2 {
                for (c, p) in &units {
                    decompress(c, p.len(), &mut out).unwrap();
                    assert_eq!(out.len(), p.len());
                    bytes += p.len();
                }
                iters += 1;
            }
            let mbps = bytes as f64 / start.elapsed().as_secs_f64() / 1e6;
            let ratio = units.iter().map(|(c, _)| c.len()).sum::<usize>() as f64 / units.iter().map(|(_, p)| p.len()).sum::<usize>() as f64;
            std::println!("lz77 decompress, {name}: {mbps:.0} MB/s of output (compressed/plain = {ratio:.2})");
            assert!(mbps > 1.0);
        }
    }
}
