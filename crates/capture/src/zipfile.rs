//! A small ZIP reader and a Stored-only ZIP writer: what Fiddler session archives need, after
//! PKWARE's APPNOTE.TXT (6.3.x). The reader takes the whole file as a slice and never allocates by
//! a size it reads: entries are listed from the central directory (4.3.12), ZIP64 included
//! (4.3.14, 4.3.15, 4.5.3), and read through their local headers (4.3.7), stored (method 0) or
//! deflated (method 8) with the output bounded by the caller. The writer writes Stored entries with
//! ZIP64 records when the archive outgrows the 32-bit fields (it is used by the sample generator).

use std::io::{self, Write};

use crate::inflate::{crc32, crc32_update, inflate_raw};

/// Local file header signature (APPNOTE 4.3.7).
pub const LOCAL: &[u8; 4] = b"PK\x03\x04";
/// Central directory file header signature (4.3.12).
pub const CENTRAL: &[u8; 4] = b"PK\x01\x02";
/// End of central directory record signature (4.3.16).
pub const EOCD: &[u8; 4] = b"PK\x05\x06";
const EOCD64: &[u8; 4] = b"PK\x06\x06";
const LOCATOR64: &[u8; 4] = b"PK\x06\x07";

/// Little-endian field readers (every ZIP field is little-endian, APPNOTE 4.4.1.1).
pub fn le16(b: &[u8], o: usize) -> Option<u16> {
    b.get(o..o.checked_add(2)?).and_then(|x| x.try_into().ok()).map(u16::from_le_bytes)
}

/// See [`le16`].
pub fn le32(b: &[u8], o: usize) -> Option<u32> {
    b.get(o..o.checked_add(4)?).and_then(|x| x.try_into().ok()).map(u32::from_le_bytes)
}

fn le64(b: &[u8], o: usize) -> Option<u64> {
    b.get(o..o.checked_add(8)?).and_then(|x| x.try_into().ok()).map(u64::from_le_bytes)
}

/// One central directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CentralEntry {
    /// File name (UTF-8, or CP437 read as Latin-1-ish lossy text: SAZ names are ASCII).
    pub name: String,
    /// General purpose bit flags (4.4.4): bit 0 encrypted, bit 3 data descriptor.
    pub flags: u16,
    /// Compression method (4.4.5): 0 stored, 8 deflated.
    pub method: u16,
    /// CRC-32 of the uncompressed data.
    pub crc: u32,
    /// Compressed size (ZIP64 value when the 32-bit field is 0xFFFFFFFF).
    pub compressed: u64,
    /// Uncompressed size as declared (never trusted for allocation).
    pub size: u64,
    /// Offset of the local file header.
    pub offset: u64,
}

/// Where the central directory is: (entry count, size, offset), from the end of central directory
/// record or, when one of its fields is saturated, the ZIP64 end record its locator points at.
pub fn find_central_directory(b: &[u8]) -> Result<(u64, u64, u64), String> {
    // The record is 22 bytes plus a comment of up to 65,535 bytes (4.3.16).
    let from = b.len().saturating_sub(22 + 65_535);
    let tail = b.get(from..).unwrap_or(&[]);
    let Some(p) = tail.windows(4).rposition(|w| w == EOCD) else {
        return Err(String::from("no zip end-of-central-directory record (a truncated file?)"));
    };
    let eocd = from + p;
    let u16_at = |o: usize| le16(b, o).map_or(0, u64::from);
    let u32_at = |o: usize| le32(b, o).map_or(0, u64::from);
    let u64_at = |o: usize| le64(b, o).unwrap_or(0);
    let (mut count, mut size, mut offset) = (u16_at(eocd + 10), u32_at(eocd + 12), u32_at(eocd + 16));
    if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
        // ZIP64: the locator (4.3.15) just before the record points at the ZIP64 end record (4.3.14).
        let loc = eocd.saturating_sub(20);
        if b.get(loc..loc + 4) != Some(LOCATOR64) {
            return Err(String::from("zip64 archive without its locator"));
        }
        let rec = usize::try_from(u64_at(loc + 8)).unwrap_or(usize::MAX);
        if b.get(rec..rec.saturating_add(4)) != Some(EOCD64) {
            return Err(String::from("zip64 end record not where its locator says"));
        }
        (count, size, offset) = (u64_at(rec + 32), u64_at(rec + 40), u64_at(rec + 48));
    }
    let len = b.len() as u64;
    // A central directory header is at least 46 bytes: a count that cannot fit is a lie (and would
    // size tables by it in a trusting reader).
    if offset.saturating_add(size) > len || count.saturating_mul(46) > size {
        return Err(format!("zip central directory claims {count} entries in {size} bytes at offset {offset} of a {len}-byte file"));
    }
    Ok((count, size, offset))
}

/// The entries of the central directory (read until its end; the count is only checked for
/// plausibility by [`find_central_directory`]).
pub fn central_directory(b: &[u8]) -> Result<Vec<CentralEntry>, String> {
    let (_, size, offset) = find_central_directory(b)?;
    let start = usize::try_from(offset).map_err(|_| String::from("central directory offset too large"))?;
    let end = start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX)).min(b.len());
    let mut out = Vec::new();
    let mut p = start;
    while p < end {
        if b.get(p..p + 4) != Some(CENTRAL) {
            return Err(format!("no central directory header at offset {p}"));
        }
        let cut = || format!("the central directory header at offset {p} is cut short");
        let field16 = |o: usize| le16(b, p + o).ok_or_else(cut);
        let field32 = |o: usize| le32(b, p + o).ok_or_else(cut);
        let (flags, method, crc) = (field16(8)?, field16(10)?, field32(16)?);
        let (c32, s32, o32) = (field32(20)?, field32(24)?, field32(42)?);
        let (name_len, extra_len, comment_len) = (usize::from(field16(28)?), usize::from(field16(30)?), usize::from(field16(32)?));
        let name_at = p + 46;
        let extra_at = name_at + name_len;
        let name = b.get(name_at..extra_at).ok_or_else(cut)?;
        let extra = b.get(extra_at..extra_at + extra_len).ok_or_else(cut)?;
        let mut e = CentralEntry {
            name: String::from_utf8_lossy(name).into_owned(),
            flags,
            method,
            crc,
            compressed: u64::from(c32),
            size: u64::from(s32),
            offset: u64::from(o32),
        };
        zip64_extra(extra, &mut e, s32 == u32::MAX, c32 == u32::MAX, o32 == u32::MAX);
        out.push(e);
        p = extra_at + extra_len + comment_len;
    }
    Ok(out)
}

/// Applies the ZIP64 extended information extra field (header ID 0x0001, APPNOTE 4.5.3): it holds,
/// in this order, only the 64-bit values whose 32-bit fields are saturated.
fn zip64_extra(mut extra: &[u8], e: &mut CentralEntry, size: bool, compressed: bool, offset: bool) {
    while let (Some(id), Some(len)) = (le16(extra, 0), le16(extra, 2)) {
        let body = extra.get(4..4 + usize::from(len)).unwrap_or(&[]);
        if id == 1 {
            let mut at = 0;
            for (wanted, field) in [(size, &mut e.size), (compressed, &mut e.compressed), (offset, &mut e.offset)] {
                if wanted {
                    if let Some(v) = le64(body, at) {
                        *field = v;
                    }
                    at += 8;
                }
            }
            return;
        }
        extra = extra.get(4 + usize::from(len)..).unwrap_or(&[]);
    }
}

/// One entry's data as read.
#[derive(Debug, Default)]
pub struct EntryData {
    /// At most `max` bytes.
    pub data: Vec<u8>,
    /// The entry holds more than `max` bytes (for deflate: inflates beyond it).
    pub over: bool,
    /// Why the data is incomplete or wrong, if it is.
    pub error: Option<String>,
}

/// Reads an entry through its local header, bounded by `max`; the CRC-32 is checked when the whole
/// entry was read.
pub fn read_entry(b: &[u8], e: &CentralEntry, max: usize) -> Result<EntryData, String> {
    if e.flags & 1 != 0 {
        return Err(String::from("encrypted entry: not read"));
    }
    if e.method != 0 && e.method != 8 {
        return Err(format!("compression method {} not supported", e.method));
    }
    let at = usize::try_from(e.offset).unwrap_or(usize::MAX);
    if b.get(at..at.saturating_add(4)) != Some(LOCAL) {
        return Err(format!("no local file header at offset {}", e.offset));
    }
    // The local header's name and extra lengths may differ from the central ones (4.3.7).
    let (Some(name_len), Some(extra_len)) = (le16(b, at + 26), le16(b, at + 28)) else {
        return Err(format!("the local file header at offset {at} is cut short"));
    };
    let data_at = at.saturating_add(30 + usize::from(name_len) + usize::from(extra_len));
    let want = usize::try_from(e.compressed).unwrap_or(usize::MAX);
    let raw = b.get(data_at.min(b.len())..data_at.saturating_add(want).min(b.len())).unwrap_or(&[]);
    let mut out = if e.method == 0 {
        let over = raw.len() > max;
        EntryData { data: raw.get(..raw.len().min(max)).unwrap_or(raw).to_vec(), over, error: None }
    } else {
        let r = inflate_raw(raw, max);
        EntryData { data: r.data, over: r.over, error: r.error.map(String::from) }
    };
    if raw.len() < want {
        out.error = Some(format!("the file ends inside the entry ({} of {want} bytes)", raw.len()));
    } else if out.error.is_none() && !out.over && crc32(&out.data) != e.crc {
        out.error = Some(String::from("CRC-32 mismatch"));
    }
    Ok(out)
}

/// The DOS date and time of a file (APPNOTE 4.4.6): (time, date).
#[derive(Clone, Copy, Debug, Default)]
pub struct DosTime {
    /// Hour << 11 | minute << 5 | second / 2.
    pub time: u16,
    /// (Year - 1980) << 9 | month << 5 | day.
    pub date: u16,
}

impl DosTime {
    /// From civil parts; years outside 1980..=2107 are clamped.
    pub fn new(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DosTime {
        let y = year.clamp(1980, 2107) - 1980;
        DosTime {
            time: ((hour.min(23) << 11) | (minute.min(59) << 5) | (second.min(59) / 2)) as u16,
            date: ((y as u32) << 9 | (month.clamp(1, 12) << 5) | day.clamp(1, 31)) as u16,
        }
    }
}

/// Writes a ZIP of Stored entries: each entry is given whole ([`StoredZipWriter::add`]). Headers
/// carry no extra fields unless ZIP64 needs them (an entry at an offset beyond 4 GiB; more than
/// 65,535 entries or a directory beyond 4 GiB get the ZIP64 end records).
pub struct StoredZipWriter<W: Write> {
    out: W,
    written: u64,
    central: Vec<u8>,
    entries: u64,
}

impl<W: Write> StoredZipWriter<W> {
    /// A new archive writing to `out`.
    pub fn new(out: W) -> Self {
        StoredZipWriter { out, written: 0, central: Vec::new(), entries: 0 }
    }

    /// Adds one Stored entry.
    pub fn add(&mut self, name: &str, data: &[u8], t: DosTime) -> io::Result<()> {
        let too_big = || io::Error::new(io::ErrorKind::InvalidInput, "zip entry or name too large");
        let size = u32::try_from(data.len()).ok().filter(|&n| n != u32::MAX).ok_or_else(too_big)?;
        let name_len = u16::try_from(name.len()).map_err(|_| too_big())?;
        let crc = crc32_update(0, data);
        // Version needed 2.0, flags: bit 11 (UTF-8 names) when the name is not ASCII.
        let flags: u16 = if name.is_ascii() { 0 } else { 0x0800 };
        let mut common = Vec::with_capacity(24);
        common.extend_from_slice(&20u16.to_le_bytes());
        common.extend_from_slice(&flags.to_le_bytes());
        common.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        common.extend_from_slice(&t.time.to_le_bytes());
        common.extend_from_slice(&t.date.to_le_bytes());
        common.extend_from_slice(&crc.to_le_bytes());
        common.extend_from_slice(&size.to_le_bytes());
        common.extend_from_slice(&size.to_le_bytes());
        common.extend_from_slice(&name_len.to_le_bytes());
        let offset = self.written;
        let big = offset >= u64::from(u32::MAX);
        self.out.write_all(LOCAL)?;
        self.out.write_all(&common)?;
        self.out.write_all(&0u16.to_le_bytes())?;
        self.out.write_all(name.as_bytes())?;
        self.out.write_all(data)?;
        self.written += 30 + u64::from(name_len) + u64::from(size);

        let c = &mut self.central;
        c.extend_from_slice(CENTRAL);
        c.extend_from_slice(&(if big { 45u16 } else { 20u16 }).to_le_bytes()); // version made by
        c.extend_from_slice(&common);
        if big {
            // The version needed rises to 4.5 for ZIP64 (4.4.3.2); the extra field holds the offset.
            let at = c.len() - 24;
            c.splice(at..at + 2, 45u16.to_le_bytes());
        }
        c.extend_from_slice(&(if big { 12u16 } else { 0 }).to_le_bytes()); // extra length
        c.extend_from_slice(&[0u8; 10]); // comment length, disk, internal and external attributes
        c.extend_from_slice(&(if big { u32::MAX } else { offset as u32 }).to_le_bytes());
        c.extend_from_slice(name.as_bytes());
        if big {
            c.extend_from_slice(&1u16.to_le_bytes());
            c.extend_from_slice(&8u16.to_le_bytes());
            c.extend_from_slice(&offset.to_le_bytes());
        }
        self.entries += 1;
        Ok(())
    }

    /// Bytes written so far (local headers and data).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes the central directory and end records; returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        let cd_offset = self.written;
        let cd_size = self.central.len() as u64;
        self.out.write_all(&self.central)?;
        let zip64 = self.entries >= 0xFFFF || cd_offset >= u64::from(u32::MAX) || cd_size >= u64::from(u32::MAX);
        if zip64 {
            let rec = cd_offset + cd_size;
            let mut z = Vec::with_capacity(76);
            z.extend_from_slice(EOCD64);
            z.extend_from_slice(&44u64.to_le_bytes()); // size of the rest of the record
            z.extend_from_slice(&45u16.to_le_bytes());
            z.extend_from_slice(&45u16.to_le_bytes());
            z.extend_from_slice(&[0u8; 8]); // this disk, the directory's disk
            z.extend_from_slice(&self.entries.to_le_bytes());
            z.extend_from_slice(&self.entries.to_le_bytes());
            z.extend_from_slice(&cd_size.to_le_bytes());
            z.extend_from_slice(&cd_offset.to_le_bytes());
            z.extend_from_slice(LOCATOR64);
            z.extend_from_slice(&0u32.to_le_bytes());
            z.extend_from_slice(&rec.to_le_bytes());
            z.extend_from_slice(&1u32.to_le_bytes());
            self.out.write_all(&z)?;
        }
        let count = if zip64 { 0xFFFF } else { self.entries as u16 };
        let mut e = Vec::with_capacity(22);
        e.extend_from_slice(EOCD);
        e.extend_from_slice(&[0u8; 4]);
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&(if zip64 { u32::MAX } else { cd_size as u32 }).to_le_bytes());
        e.extend_from_slice(&(if zip64 { u32::MAX } else { cd_offset as u32 }).to_le_bytes());
        e.extend_from_slice(&0u16.to_le_bytes());
        self.out.write_all(&e)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    fn written(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = StoredZipWriter::new(Vec::new());
        for (n, d) in files {
            w.add(n, d, DosTime::new(2026, 1, 27, 10, 30, 12)).unwrap();
        }
        w.finish().unwrap()
    }

    #[test]
    fn writer_output_reads_back_with_the_zip_crate_and_ours() {
        let files: [(&str, &[u8]); 3] = [("[Content_Types].xml", b"<Types/>"), ("raw/1_c.txt", b"GET / HTTP/1.1\r\n\r\n"), ("raw/é.txt", b"")];
        let bytes = written(&files);
        assert_eq!(bytes.len(), files.iter().map(|(n, d)| 30 + 46 + 2 * n.len() + d.len()).sum::<usize>() + 22);
        let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        assert_eq!(z.len(), 3);
        for (i, (n, d)) in files.iter().enumerate() {
            let mut f = z.by_index(i).unwrap();
            assert_eq!(f.name().unwrap(), *n);
            assert_eq!(f.compression(), zip::CompressionMethod::Stored);
            let dt = f.last_modified().unwrap();
            assert_eq!((dt.year(), dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second()), (2026, 1, 27, 10, 30, 12));
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            assert_eq!(v, *d);
        }
        let cd = central_directory(&bytes).unwrap();
        assert_eq!(cd.len(), 3);
        assert_eq!(cd[1].name, "raw/1_c.txt");
        assert_eq!(cd[2].name, "raw/é.txt");
        let e = read_entry(&bytes, &cd[1], 100).unwrap();
        assert_eq!((e.data.as_slice(), e.over, e.error), (&b"GET / HTTP/1.1\r\n\r\n"[..], false, None));
        let e = read_entry(&bytes, &cd[1], 5).unwrap();
        assert_eq!((e.data.as_slice(), e.over), (&b"GET /"[..], true));
    }

    #[test]
    fn zip64_end_records_past_65535_entries() {
        let mut w = StoredZipWriter::new(Vec::new());
        for i in 0..70_000u32 {
            w.add(&format!("{i}"), &i.to_le_bytes(), DosTime::default()).unwrap();
        }
        let bytes = w.finish().unwrap();
        let (count, _, _) = find_central_directory(&bytes).unwrap();
        assert_eq!(count, 70_000);
        let cd = central_directory(&bytes).unwrap();
        assert_eq!(cd.len(), 70_000);
        assert_eq!(read_entry(&bytes, &cd[69_999], 10).unwrap().data, 69_999u32.to_le_bytes());
        let z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        assert_eq!(z.len(), 70_000);
    }

    #[test]
    fn zip64_extra_field_gives_the_large_values() {
        let mut e = CentralEntry { name: String::new(), flags: 0, method: 0, crc: 0, compressed: 5, size: u64::from(u32::MAX), offset: u64::from(u32::MAX) };
        let mut extra = vec![0x99, 0x99, 2, 0, 0, 0]; // another field first
        extra.extend_from_slice(&[1, 0, 16, 0]);
        extra.extend_from_slice(&(6u64 << 32).to_le_bytes());
        extra.extend_from_slice(&(7u64 << 32).to_le_bytes());
        zip64_extra(&extra, &mut e, true, false, true);
        assert_eq!((e.size, e.compressed, e.offset), (6 << 32, 5, 7 << 32));
    }

    #[test]
    fn deflated_entries_from_the_zip_crate_crc_checked() {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        w.start_file("a.txt", opts).unwrap();
        w.write_all(&b"abcabcabc".repeat(1000)).unwrap();
        let mut bytes = w.finish().unwrap().into_inner();
        let cd = central_directory(&bytes).unwrap();
        assert_eq!(cd[0].method, 8);
        let e = read_entry(&bytes, &cd[0], 1 << 20).unwrap();
        assert_eq!((e.data.len(), e.error), (9000, None));
        // Flip a CRC bit in the central directory: the data is kept and the mismatch reported.
        let mut bad = cd[0].clone();
        bad.crc ^= 1;
        assert_eq!(read_entry(&bytes, &bad, 1 << 20).unwrap().error.as_deref(), Some("CRC-32 mismatch"));
        let enc = CentralEntry { flags: 1, ..cd[0].clone() };
        assert_eq!(read_entry(&bytes, &enc, 10).unwrap_err(), "encrypted entry: not read");
        let m = CentralEntry { method: 14, ..cd[0].clone() };
        assert_eq!(read_entry(&bytes, &m, 10).unwrap_err(), "compression method 14 not supported");
        let off = CentralEntry { offset: 3, ..cd[0].clone() };
        assert_eq!(read_entry(&bytes, &off, 10).unwrap_err(), "no local file header at offset 3");
        // A central directory whose second header is not one.
        let at = bytes.windows(4).position(|w| w == CENTRAL).unwrap();
        bytes[at + 3] = 0;
        assert!(central_directory(&bytes).unwrap_err().starts_with("no central directory header at offset"));
    }
}
