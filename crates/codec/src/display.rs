//! Turning values into text: enum names, flag names, FILETIMEs as UTC, GUIDs, strings.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use crate::tree::{Disp, Dissection, Node, Ty, Value};

/// Formats a GUID from its 16 wire bytes (Data1..3 little-endian) as `{XXXXXXXX-XXXX-...}`.
pub fn guid_string(b: &[u8]) -> String {
    let mut s = String::with_capacity(38);
    if b.len() < 16 {
        return s;
    }
    let g = |i: usize| b.get(i).copied().unwrap_or(0);
    let _ = write!(
        s,
        "{{{:02X}{:02X}{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
        g(3), g(2), g(1), g(0), g(5), g(4), g(7), g(6), g(8), g(9), g(10), g(11), g(12), g(13), g(14), g(15)
    );
    s
}

/// Decodes an 8-bit string: ASCII as is, other bytes as Windows-1252 (the usual Exchange code page),
/// stopping at the first NUL.
pub fn str8_string(b: &[u8]) -> String {
    let end = b.iter().position(|&x| x == 0).unwrap_or(b.len());
    b.iter().take(end).map(|&x| cp1252(x)).collect()
}

fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
        '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    if (0x80..0xA0).contains(&b) {
        HIGH.get(usize::from(b - 0x80)).copied().unwrap_or('\u{FFFD}')
    } else {
        char::from(b)
    }
}

/// Decodes UTF-16LE, stopping at the first NUL code unit; unpaired surrogates become U+FFFD.
pub fn utf16_string(b: &[u8]) -> String {
    let units = b.chunks_exact(2).map(|w| u16::from_le_bytes([w.first().copied().unwrap_or(0), w.get(1).copied().unwrap_or(0)]));
    let units = units.take_while(|&u| u != 0);
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
}

/// Lowercase hex of bytes.
pub fn hex_string(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// Formats a FILETIME (100 ns since 1601-01-01 UTC) as `2024-05-01 12:34:56.1234567 UTC`.
pub fn filetime_string(ft: u64) -> String {
    if ft == 0 {
        return String::from("(none)");
    }
    if ft == u64::MAX || ft == 0x7FFF_FFFF_FFFF_FFFF {
        return String::from("(never)");
    }
    let ticks = ft % 10_000_000;
    let secs = ft / 10_000_000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // 1601-01-01 is 134774 days before 1970-01-01.
    let (y, m, d) = civil_from_days(days - 134_774);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{ticks:07} UTC", rem / 3600, (rem / 60) % 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a folder or message id: ReplId (little-endian u16) then the 6-byte GlobalCounter as
/// big-endian hex, `0001-00000E8EDF36` ([MS-OXCDATA] 2.2.1.1).
pub fn fid_string(v: u64) -> String {
    let b = v.to_le_bytes();
    let repl = u16::from_le_bytes([b[0], b[1]]);
    format!("{repl:04X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}", b[2], b[3], b[4], b[5], b[6], b[7])
}

fn hex_width(ty: Ty) -> usize {
    match ty {
        Ty::U8 => 2,
        Ty::U16 | Ty::I16 => 4,
        Ty::U64 | Ty::I64 | Ty::FileTime => 16,
        _ => 8,
    }
}

/// Formats a flags value with the names of its set bits.
pub fn flags_string(table: &[(u64, &str)], v: u64, width: usize) -> String {
    let mut s = format!("0x{v:0width$X}");
    let mut names = String::new();
    let mut left = v;
    for &(bit, name) in table {
        if bit != 0 && v & bit == bit {
            if !names.is_empty() {
                names.push_str(", ");
            }
            names.push_str(name);
            left &= !bit;
        }
    }
    if left != 0 && !names.is_empty() {
        let _ = write!(names, ", 0x{left:X}");
    }
    if !names.is_empty() {
        let _ = write!(s, " ({names})");
    }
    s
}

/// The value part of a node's display line (what follows `Name: `), or `None` for a structure.
pub fn value_text(d: &Dissection<'_>, n: &Node) -> Option<String> {
    let f = n.field;
    if let Some(sum) = f.summary {
        if let Some(s) = d.index_of(n).and_then(|i| sum(d, i)) {
            return Some(s);
        }
    }
    Some(match &n.value {
        Value::None => return None,
        Value::UInt(v) => uint_text(f.ty, &f.disp, *v),
        Value::Int(v) => match f.disp {
            Disp::Names(_) | Disp::Lookup(_) => named(f.disp.name_of(*v as u64), &format!("{v}")),
            Disp::Hex | Disp::HexNamed(_) => format!("0x{:0w$X}", *v as u64 & mask(f.ty), w = hex_width(f.ty)),
            Disp::Unit(u) => format!("{v} {u}"),
            _ => format!("{v}"),
        },
        Value::Bool(b) => String::from(if *b { "True" } else { "False" }),
        Value::Float(x) => format!("{x}"),
        Value::Bytes => {
            let b = d.bytes_of(n);
            if b.is_empty() {
                String::from("(empty)")
            } else if b.len() > 64 {
                format!("{}… ({} bytes)", hex_string(b.get(..64).unwrap_or(&[])), b.len())
            } else {
                hex_string(b)
            }
        }
        Value::Str8 => quoted(&str8_string(d.bytes_of(n))),
        Value::Utf16 => quoted(&utf16_string(d.bytes_of(n))),
        Value::Guid => guid_string(d.bytes_of(n)),
        Value::Text(t) => String::from(&**t),
    })
}

fn mask(ty: Ty) -> u64 {
    match ty {
        Ty::I16 => 0xFFFF,
        Ty::I32 => 0xFFFF_FFFF,
        _ => u64::MAX,
    }
}

fn named(name: Option<&str>, num: &str) -> String {
    match name {
        Some(n) => format!("{n} ({num})"),
        None => format!("Unknown ({num})"),
    }
}

fn quoted(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(o, "\\x{:02x}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// The text of an unsigned value for a field's type and display.
pub fn uint_text(ty: Ty, disp: &Disp, v: u64) -> String {
    if ty == Ty::FileTime {
        return filetime_string(v);
    }
    let w = hex_width(ty);
    match disp {
        Disp::Dec => format!("{v}"),
        Disp::Hex => format!("0x{v:0w$X}"),
        Disp::Unit(u) => format!("{v} {u}"),
        Disp::Names(_) | Disp::Lookup(_) => named(disp.name_of(v), &format!("0x{v:0w$X}")),
        Disp::NamesDec(_) => named(disp.name_of(v), &format!("{v}")),
        Disp::HexNamed(_) => match disp.name_of(v) {
            Some(n) => format!("0x{v:0w$X} ({n})"),
            None => format!("0x{v:0w$X}"),
        },
        Disp::Flags(t) => flags_string(t, v, w),
        Disp::Fid => fid_string(v),
    }
}

/// The full display line of a node: `Name: value` or just `Name` for a structure.
pub fn display_line(d: &Dissection<'_>, n: &Node) -> String {
    match value_text(d, n) {
        Some(v) => format!("{}: {}", n.field.name, v),
        None => String::from(n.field.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fid_matches_spec_example() {
        // [MS-OXCFOLD] 4.5.1: bytes 01 00 00 00 0E 8E DF 36 show as 0001-00000E8EDF36.
        let v = u64::from_le_bytes([0x01, 0x00, 0x00, 0x00, 0x0E, 0x8E, 0xDF, 0x36]);
        assert_eq!(fid_string(v), "0001-00000E8EDF36");
    }

    #[test]
    fn filetime_epoch_and_known_date() {
        // 116444736000000000 is 1970-01-01 00:00:00 UTC.
        assert_eq!(filetime_string(116_444_736_000_000_000), "1970-01-01 00:00:00.0000000 UTC");
        // 2024-02-29 12:00:00 UTC = 1709208000 Unix seconds.
        let ft = 116_444_736_000_000_000 + 1_709_208_000u64 * 10_000_000 + 5;
        assert_eq!(filetime_string(ft), "2024-02-29 12:00:00.0000005 UTC");
    }

    #[test]
    fn guid_mixed_endian() {
        let b = [0xDC, 0xA7, 0x40, 0xC8, 0xC0, 0x42, 0x10, 0x1A, 0xB4, 0xB9, 0x08, 0x00, 0x2B, 0x2F, 0xE1, 0x82];
        assert_eq!(guid_string(&b), "{C840A7DC-42C0-1A10-B4B9-08002B2FE182}");
    }

    #[test]
    fn flags_with_residue() {
        let t: &[(u64, &str)] = &[(1, "A"), (4, "C")];
        assert_eq!(flags_string(t, 0x15, 4), "0x0015 (A, C, 0x10)");
        assert_eq!(flags_string(t, 0, 4), "0x0000");
    }

    #[test]
    fn strings() {
        assert_eq!(utf16_string(&[b'H', 0, b'i', 0, 0, 0, b'x', 0]), "Hi");
        assert_eq!(str8_string(b"ab\x80\0zz"), "ab€");
        assert_eq!(utf16_string(&[0x00, 0xD8]), "\u{FFFD}");
    }
}
