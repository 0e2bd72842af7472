//! Small text helpers shared by the text-based formats: ISO 8601 times (HAR, SAZ), bounded base64
//! and hex decoding (HAR bodies, bare bodies), line splitting and URL paths.

use base64::Engine as _;

/// Days from 1970-01-01 to the given proleptic Gregorian date (the civil-from-days inverse).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(s: &[u8], from: usize, n: usize) -> Option<u32> {
    let part = s.get(from..from.checked_add(n)?)?;
    let mut v: u32 = 0;
    for &c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some(v)
}

/// Parses an ISO 8601 / RFC 3339 date-time (`2024-03-01T10:00:00.1234567+01:00`, `…Z`, or without a
/// zone, taken as UTC) into seconds since the Unix epoch. Returns `None` for anything else and for
/// dates before 1970 (Fiddler writes `0001-01-01T00:00:00` for timers that never fired).
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || year < 1970 {
        return None;
    }
    let sep = *b.get(10)?;
    if sep != b'T' && sep != b't' && sep != b' ' {
        return None;
    }
    let hour = digits(b, 11, 2)?;
    if b.get(13) != Some(&b':') {
        return None;
    }
    let minute = digits(b, 14, 2)?;
    let (second, mut i) = if b.get(16) == Some(&b':') { (digits(b, 17, 2)?, 19) } else { (0, 16) };
    if hour > 24 || minute > 59 || second > 60 {
        return None;
    }
    let mut frac = 0.0f64;
    if matches!(b.get(i), Some(b'.') | Some(b',')) {
        i += 1;
        let mut scale = 0.1f64;
        while let Some(&c) = b.get(i) {
            if !c.is_ascii_digit() {
                break;
            }
            frac += f64::from(c - b'0') * scale;
            scale /= 10.0;
            i += 1;
        }
    }
    let offset_s: i64 = match b.get(i) {
        None | Some(b'Z') | Some(b'z') => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, i + 1, 2)?;
            let om = if b.get(i + 3) == Some(&b':') { digits(b, i + 4, 2)? } else { digits(b, i + 3, 2).unwrap_or(0) };
            let v = i64::from(oh) * 3600 + i64::from(om) * 60;
            if sign == b'+' {
                v
            } else {
                -v
            }
        }
        Some(_) => return None,
    };
    let days = days_from_civil(i64::from(year), month, day);
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second) - offset_s;
    Some(secs as f64 + frac)
}

/// Formats seconds since the epoch as `YYYY-MM-DD HH:MM:SS.ffffff` UTC (for listings and messages).
pub fn format_time(t: f64) -> String {
    if !t.is_finite() {
        return String::from("?");
    }
    let whole = t.floor();
    let micros = ((t - whole) * 1e6).round().min(999_999.0) as u32;
    let secs = whole as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil_from_days
    let z = days + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{micros:06}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Decodes base64 text (standard or URL-safe alphabet, padding optional, white space ignored) into at
/// most `max` bytes. Returns the bytes and whether the text held more than `max` bytes. Memory used
/// is bounded by `max` (the input is never copied beyond what `max` output bytes need).
pub fn decode_base64_bounded(text: &[u8], max: usize) -> Result<(Vec<u8>, bool), String> {
    // Characters needed for `max` output bytes, rounded up to whole quads, plus one quad to learn
    // whether more follows.
    let want_chars = max.div_ceil(3).saturating_mul(4).saturating_add(4);
    // Fast path: one run of standard base64 without white space (HAR bodies) decodes in place.
    let head = text.get(..text.len().min(want_chars)).unwrap_or(text);
    if !head.iter().any(|c| c.is_ascii_whitespace() || *c == b'-' || *c == b'_') {
        let more = text.len() > head.len();
        let slice = if more { head.get(..(head.len() / 4).saturating_sub(1) * 4).unwrap_or(&[]) } else { head };
        if let Ok(mut out) = base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT.decode(slice) {
            let over = more || out.len() > max;
            out.truncate(max);
            return Ok((out, over));
        }
    }
    let mut clean = Vec::with_capacity(text.len().min(want_chars));
    let mut url_safe = false;
    let mut more = false;
    for &c in text {
        if c.is_ascii_whitespace() {
            continue;
        }
        if clean.len() >= want_chars {
            more = true;
            break;
        }
        match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' | b'=' => {}
            b'-' | b'_' => url_safe = true,
            _ => return Err(format!("not base64: byte 0x{c:02x} at offset {}", clean.len())),
        }
        clean.push(c);
    }
    if more {
        // Decode whole quads only; the rest is cut.
        let keep = (clean.len() / 4).saturating_sub(1) * 4;
        clean.truncate(keep);
    } else {
        // A dangling single character cannot encode a byte.
        while clean.last() == Some(&b'=') {
            clean.pop();
        }
        if clean.len() % 4 == 1 {
            return Err(format!("not base64: {} characters cannot be a base64 encoding", clean.len()));
        }
    }
    let engine = if url_safe {
        base64::engine::general_purpose::URL_SAFE_NO_PAD_INDIFFERENT
    } else {
        base64::engine::general_purpose::STANDARD_NO_PAD_INDIFFERENT
    };
    let mut out = engine.decode(&clean).map_err(|e| format!("not base64: {e}"))?;
    let over = more || out.len() > max;
    out.truncate(max);
    Ok((out, over))
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Splits `data` into lines (without the `\n` and an optional `\r` before it), with each line's
/// start offset.
pub fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0usize;
    core::iter::from_fn(move || {
        let rest = data.get(pos..)?;
        if rest.is_empty() {
            return None;
        }
        let start = pos;
        let (line, used) = match rest.iter().position(|&c| c == b'\n') {
            Some(n) => (rest.get(..n).unwrap_or(rest), n + 1),
            None => (rest, rest.len()),
        };
        pos += used;
        Some((start, line.strip_suffix(b"\r").unwrap_or(line)))
    })
}

/// Decodes hex text into bytes: pairs of hex digits separated or not by white space, with optional
/// `0x` prefixes and `,` separators; hexdump-style lines (`00000010  2f 6f 3d …  |/o=…|`) lose their
/// offset column and their ASCII column; `#` starts a comment; a line starting with `"` is literal
/// text up to the closing `"`, with `\r`, `\n`, `\0`, `\\` and `\"` escapes (the `tests/golden`
/// vector format). At most `max` bytes are produced. Errors name the line and the offending text.
pub fn decode_hex_text(text: &[u8], max: usize) -> Result<(Vec<u8>, bool), String> {
    let mut out = Vec::new();
    let mut over = false;
    for (lineno, (_, line)) in lines(text).enumerate() {
        let trimmed = trim_ascii(line);
        if let Some(lit) = trimmed.strip_prefix(b"\"") {
            let mut it = lit.iter();
            while let Some(&c) = it.next() {
                let byte = match c {
                    b'"' => break,
                    b'\\' => match it.next() {
                        Some(b'r') => b'\r',
                        Some(b'n') => b'\n',
                        Some(b't') => b'\t',
                        Some(b'0') => 0,
                        Some(&o) => o,
                        None => break,
                    },
                    o => o,
                };
                if out.len() >= max {
                    over = true;
                    break;
                }
                out.push(byte);
            }
            continue;
        }
        let data = match trimmed.iter().position(|&c| c == b'#') {
            Some(n) => trimmed.get(..n).unwrap_or(trimmed),
            None => trimmed,
        };
        let tokens = dump_tokens(data);
        for tok in tokens {
            let tok = tok.strip_prefix(b"0x").or_else(|| tok.strip_prefix(b"0X")).unwrap_or(tok);
            if tok.len() % 2 != 0 || !tok.iter().all(|c| c.is_ascii_hexdigit()) {
                let shown = String::from_utf8_lossy(tok.get(..tok.len().min(20)).unwrap_or(tok)).into_owned();
                return Err(format!("not hex: {shown:?} on line {}", lineno + 1));
            }
            for pair in tok.chunks(2) {
                if let [h, l] = pair {
                    if let (Some(h), Some(l)) = (hex_val(*h), hex_val(*l)) {
                        if out.len() >= max {
                            over = true;
                            break;
                        }
                        out.push(h << 4 | l);
                    }
                }
            }
        }
    }
    Ok((out, over))
}

fn split_tokens(d: &[u8]) -> Vec<&[u8]> {
    d.split(|&c| c.is_ascii_whitespace() || c == b',').filter(|t| !t.is_empty()).collect()
}

/// The hex tokens of one line, with the offset and ASCII columns of hex dumps removed: `hexdump -C`
/// (`00000010  2f 6f 3d …  |/o=…|`), Wireshark's "Copy as Hex Dump" (`0010   2f 6f 3d …   /o=…`) and
/// `xxd` (`00000010: 2f6f 3d43  /o=C`).
fn dump_tokens(line: &[u8]) -> Vec<&[u8]> {
    let data = match line.iter().position(|&c| c == b'|') {
        Some(n) => line.get(..n).unwrap_or(line),
        None => line,
    };
    let first_end = data.iter().position(|c| c.is_ascii_whitespace()).unwrap_or(data.len());
    let first = data.get(..first_end).unwrap_or(&[]);
    let rest = data.get(first_end..).unwrap_or(&[]);
    if let Some(off) = first.strip_suffix(b":") {
        if !off.is_empty() && off.iter().all(u8::is_ascii_hexdigit) {
            let rest = trim_ascii(rest);
            let hex = match rest.windows(2).position(|w| w == b"  ") {
                Some(n) => rest.get(..n).unwrap_or(rest),
                None => rest,
            };
            return split_tokens(hex);
        }
    }
    let rest_t = trim_ascii(rest);
    let is_offset = (4..=8).contains(&first.len())
        && first.iter().all(u8::is_ascii_hexdigit)
        && rest_t.get(..2).is_some_and(|p| p.iter().all(u8::is_ascii_hexdigit))
        && rest_t.get(2).is_none_or(|c| c.is_ascii_whitespace());
    if !is_offset {
        return split_tokens(data);
    }
    // Byte tokens separated by at most two spaces; a wider gap or a longer token starts the ASCII column.
    let mut out = Vec::new();
    let mut i = 0usize;
    let mut gap = 0usize;
    while i < rest.len() {
        let c = rest.get(i).copied().unwrap_or(b' ');
        if c.is_ascii_whitespace() {
            gap += 1;
            i += 1;
            continue;
        }
        if !out.is_empty() && gap >= 3 {
            break;
        }
        let end = rest.get(i..).and_then(|r| r.iter().position(|c| c.is_ascii_whitespace())).map_or(rest.len(), |n| i + n);
        let tok = rest.get(i..end).unwrap_or(&[]);
        if tok.len() != 2 || !tok.iter().all(u8::is_ascii_hexdigit) {
            break;
        }
        out.push(tok);
        gap = 0;
        i = end;
    }
    out
}

/// Strips ASCII white space at both ends.
pub fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or(&[])
}

/// The path of a request target: `/mapi/emsmdb/?MailboxId=x` → `/mapi/emsmdb/`; absolute URLs
/// (`https://host/mapi/nspi/?…`, as HAR and Fiddler write them) lose their scheme and authority.
pub fn url_path(uri: &str) -> &str {
    let mut s = uri;
    if let Some(i) = s.find("://") {
        let after = s.get(i + 3..).unwrap_or("");
        s = match after.find('/') {
            Some(j) => after.get(j..).unwrap_or(""),
            None => "/",
        };
    }
    let end = s.find(['?', '#']).unwrap_or(s.len());
    s.get(..end).unwrap_or(s)
}

/// The host and port of an absolute URL (`https://mail.contoso.com/…` → ("mail.contoso.com", 443)).
pub fn url_host_port(uri: &str) -> Option<(String, u16)> {
    let i = uri.find("://")?;
    let scheme = uri.get(..i)?;
    let after = uri.get(i + 3..)?;
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let default = if scheme.eq_ignore_ascii_case("https") { 443 } else { 80 };
    if let Some(rest) = authority.strip_prefix('[') {
        // [v6]:port
        let close = rest.find(']')?;
        let host = rest.get(..close)?.to_string();
        let port = rest.get(close + 1..).and_then(|p| p.strip_prefix(':')).and_then(|p| p.parse().ok()).unwrap_or(default);
        return Some((host, port));
    }
    match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|c| c.is_ascii_digit()) && !p.is_empty() => Some((h.to_string(), p.parse().unwrap_or(default))),
        _ => Some((authority.to_string(), default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(parse_iso8601("2024-03-01T10:00:00.5+01:00"), Some(1_709_283_600.5));
        assert_eq!(parse_iso8601("2024-03-01T09:00:00.5Z"), Some(1_709_283_600.5));
        // Fiddler's .NET round-trip format with seven fractional digits and a negative offset.
        let t = parse_iso8601("2024-03-01T04:00:00.1234567-05:00").unwrap();
        assert!((t - 1_709_283_600.123_456_7).abs() < 1e-6, "{t}");
        assert_eq!(parse_iso8601("0001-01-01T00:00:00"), None);
        assert_eq!(parse_iso8601("not a date"), None);
        assert_eq!(parse_iso8601("2024-13-01T00:00:00Z"), None);
        assert_eq!(format_time(1_709_283_600.5), "2024-03-01 09:00:00.500000");
        assert_eq!(format_time(0.0), "1970-01-01 00:00:00.000000");
    }

    #[test]
    fn base64_bounded() {
        assert_eq!(decode_base64_bounded(b"aGVs\nbG8=", 100).unwrap(), (b"hello".to_vec(), false));
        assert_eq!(decode_base64_bounded(b"aGVsbG8", 100).unwrap(), (b"hello".to_vec(), false));
        assert_eq!(decode_base64_bounded(b"aGVsbG8=", 3).unwrap(), (b"hel".to_vec(), true));
        assert_eq!(decode_base64_bounded(b"_-8", 10).unwrap(), (vec![0xff, 0xef], false));
        assert!(decode_base64_bounded(b"aGV*", 10).is_err());
        // A long text is cut at the limit without decoding (or copying) all of it.
        let long = "QUFB".repeat(100_000);
        let (b, over) = decode_base64_bounded(long.as_bytes(), 10).unwrap();
        assert_eq!((b.len(), over), (10, true));
        assert!(b.iter().all(|&c| c == b'A'));
    }

    #[test]
    fn hex_text() {
        let (b, _) = decode_hex_text(b"0x2f,0x6f 3d\n00000010  41 42 43 44  |ABCD|\n# c\n\"DONE\\r\\n\"\n0a0B", 100).unwrap();
        assert_eq!(b, b"/o=ABCDDONE\r\n\n\x0b");
        let (b, _) = decode_hex_text(b"00000000: 4142 4344  ABCD\n00000004: 45  E", 100).unwrap();
        assert_eq!(b, b"ABCDE");
        let (b, _) = decode_hex_text(b"0000   41 42 43 44 45 46 47 48  49 4a 4b 4c 4d 4e 4f 50   ABCDEFGHIJKLMNOP\n0010   51 52                                             QR", 100).unwrap();
        assert_eq!(b, b"ABCDEFGHIJKLMNOPQR");
        assert!(decode_hex_text(b"zz", 10).unwrap_err().contains("line 1"));
        assert_eq!(decode_hex_text(b"01 02 03", 2).unwrap(), (vec![1, 2], true));
    }

    #[test]
    fn urls() {
        assert_eq!(url_path("https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@b"), "/mapi/emsmdb/");
        assert_eq!(url_path("/mapi/nspi/?MailboxId=x"), "/mapi/nspi/");
        assert_eq!(url_path("https://host"), "/");
        assert_eq!(url_host_port("https://mail.contoso.com/x"), Some(("mail.contoso.com".into(), 443)));
        assert_eq!(url_host_port("http://[::1]:8080/x"), Some(("::1".into(), 8080)));
        assert_eq!(url_host_port("/x"), None);
    }
}
