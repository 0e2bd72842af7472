//! Format detection from the content (never the file name), and the one entry point that reads any
//! supported capture.
//!
//! | first bytes | format |
//! |---|---|
//! | `D4 C3 B2 A1`, `A1 B2 C3 D4` (µs), `4D 3C B2 A1`, `A1 B2 3C 4D` (ns) | pcap → [`crate::pcap::read_pcap`] |
//! | `0A 0D 0D 0A` (Section Header Block) | pcapng → [`crate::pcap::read_pcap`] |
//! | `PK 03 04` / `PK 05 06` with `raw/NN_c.txt` entries | Fiddler SAZ → [`crate::saz::read_saz`] |
//! | `{` (after a BOM or white space) with `"log"` and `"entries"` | HAR → [`crate::har::read_har`] |
//! | a request line or `HTTP/1.x NNN` status line first | raw HTTP → [`crate::rawhttp::read_raw_http`] |
//!
//! Bare hex/base64 bodies are not detected: nothing in them says their request type, so the caller
//! reads them with [`crate::body::read_bare_body`].

use crate::model::{Format, HttpCapture, Limits, ReadError};
use crate::{har, rawhttp, saz};

/// The formats [`read`] tries, for messages.
pub const TRIED: &str = "not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file";

/// Detects the format of a capture from its first bytes.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let magic = bytes.get(..4).unwrap_or(&[]);
    match magic {
        [0xD4, 0xC3, 0xB2, 0xA1] | [0xA1, 0xB2, 0xC3, 0xD4] | [0x4D, 0x3C, 0xB2, 0xA1] | [0xA1, 0xB2, 0x3C, 0x4D] => {
            return Some(Format::Pcap)
        }
        [0x0A, 0x0D, 0x0D, 0x0A] => return Some(Format::PcapNg),
        _ => {}
    }
    if saz::looks_like_zip(bytes) {
        return Some(Format::Saz);
    }
    if har::looks_like_har(bytes) {
        return Some(Format::Har);
    }
    if rawhttp::looks_like_raw_http(bytes) {
        return Some(Format::RawHttp);
    }
    None
}

/// A short printable description of the first bytes, for the error message.
fn describe_start(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return String::from("the file is empty");
    }
    let head = bytes.get(..bytes.len().min(16)).unwrap_or(bytes);
    let printable = head.iter().all(|&c| c == b'\t' || c == b'\r' || c == b'\n' || (0x20..0x7F).contains(&c));
    if printable {
        let text: String = head.iter().map(|&c| if c.is_ascii_whitespace() { ' ' } else { c as char }).collect();
        format!("starts with {:?}", text.trim_end())
    } else {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("starts with bytes {}", hex.join(" "))
    }
}

/// Hex digits, or one run of base64 (possibly wrapped in lines) of some length.
fn may_be_bare_body(head: &[u8]) -> bool {
    let t = crate::util::trim_ascii(head);
    if crate::util::decode_hex_text(t, 64).is_ok_and(|(b, _)| !b.is_empty()) {
        return true;
    }
    t.len() >= 8 && !t.contains(&b' ') && crate::util::decode_base64_bounded(t, 64).is_ok()
}

/// Reads a capture in any supported format, detected from the content.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<HttpCapture, ReadError> {
    read_progress(bytes, limits, &mut |_| {})
}

/// [`read`] calling `progress(bytes of the file read so far)` as it goes (for a progress bar):
/// about every MiB for pcap and pcapng, at the start and the end for the other formats (their
/// reading is a small part of the work; `mapi::analyze_with` then reports exchange by exchange).
pub fn read_progress(bytes: &[u8], limits: &Limits, progress: &mut dyn FnMut(usize)) -> Result<HttpCapture, ReadError> {
    progress(0);
    let c = read_any(bytes, limits, progress);
    progress(bytes.len());
    c
}

fn read_any(bytes: &[u8], limits: &Limits, progress: &mut dyn FnMut(usize)) -> Result<HttpCapture, ReadError> {
    let with_context = |e: ReadError| ReadError { message: format!("{TRIED}: {}", e.message) };
    match detect(bytes) {
        Some(Format::Pcap | Format::PcapNg) => crate::pcap::read_pcap_progress(bytes, limits, progress),
        Some(Format::Saz) => saz::read_saz(bytes, limits).map_err(with_context),
        Some(Format::Har) => har::read_har(bytes, limits).map_err(with_context),
        Some(Format::RawHttp) => rawhttp::read_raw_http(bytes, limits).map_err(with_context),
        Some(Format::BareBody) | None => {
            let mut msg = format!("{TRIED}: {}", describe_start(bytes));
            if may_be_bare_body(bytes.get(..bytes.len().min(4096)).unwrap_or(bytes)) {
                msg.push_str(" (it may be a bare hex or base64 body: give its request type)");
            }
            Err(ReadError { message: msg })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        assert_eq!(detect(&[0xD4, 0xC3, 0xB2, 0xA1, 2, 0]), Some(Format::Pcap));
        assert_eq!(detect(&[0xA1, 0xB2, 0x3C, 0x4D]), Some(Format::Pcap));
        assert_eq!(detect(&[0x0A, 0x0D, 0x0D, 0x0A, 0, 0]), Some(Format::PcapNg));
        assert_eq!(detect(b"PK\x03\x04rest"), Some(Format::Saz));
        assert_eq!(detect(b"  {\"log\": {\"version\": \"1.2\", \"entries\": []}}"), Some(Format::Har));
        assert_eq!(detect(b"POST /mapi/emsmdb/ HTTP/1.1\r\n\r\n"), Some(Format::RawHttp));
        assert_eq!(detect(b"\r\nHTTP/1.1 200 OK\r\n\r\n"), Some(Format::RawHttp));
        assert_eq!(detect(b"hello"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn reads_har_and_raw_http_and_saz() {
        let har = br#"{"log":{"version":"1.2","entries":[{"startedDateTime":"2024-03-01T09:00:00Z","request":{"method":"GET","url":"/a","headers":[]},"response":{"status":204,"headers":[],"content":{"size":0}}}]}}"#;
        let c = read(har, &Limits::default()).unwrap();
        assert_eq!((c.format, c.exchanges.len()), (Format::Har, 1));
        let c = read(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", &Limits::default()).unwrap();
        assert_eq!((c.format, c.exchanges.len()), (Format::RawHttp, 1));
        assert_eq!(c.exchanges[0].response.as_ref().map(|r| r.status), Some(204));
        // A zip without raw/ entries is a zip, but not a SAZ.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("a.txt", zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)).unwrap();
        let zip = w.finish().unwrap().into_inner();
        let e = read(&zip, &Limits::default()).unwrap_err();
        assert!(e.message.starts_with("not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file: not a Fiddler SAZ file"), "{}", e.message);
    }

    #[test]
    fn unknown_file_names_the_formats_tried() {
        let e = read(b"hello world", &Limits::default()).unwrap_err();
        assert_eq!(e.message, "not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file: starts with \"hello world\"");
        assert!(!e.message.contains('\n'));
        let e = read(&[0u8, 1, 2, 0xff, 0xfe], &Limits::default()).unwrap_err();
        assert_eq!(e.message, "not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file: starts with bytes 00 01 02 ff fe");
        let e = read(b"", &Limits::default()).unwrap_err();
        assert!(e.message.ends_with("the file is empty"));
        let e = read(b"2f 6f 3d 00", &Limits::default()).unwrap_err();
        assert!(e.message.ends_with("(it may be a bare hex or base64 body: give its request type)"), "{}", e.message);
    }
}
