//! Fiddler session archives (SAZ): a zip holding, per session NN, `raw/NN_c.txt` (the request as
//! sent), `raw/NN_s.txt` (the response as received) and `raw/NN_m.xml` (session metadata), read in
//! session-number order.
//!
//! Metadata: `<Session><SessionTimers ClientBeginRequest=… ServerBeginResponse=… ClientDoneResponse=…/>`
//! give the request time, the first response byte and the end (Fiddler writes `0001-01-01T00:00:00`
//! for timers that never fired: ignored); `<SessionFlags><SessionFlag N="x-clientip" V=…/>` with
//! `x-clientport` and `x-hostip` give the client and server; the client address and port number the
//! connections.
//!
//! Zip entries are untrusted ([`crate::zipfile`]): declared sizes are never used to allocate; every
//! entry is read or inflated to at most [`Limits::max_zip_entry`] bytes and one that holds more is
//! reported (a zip bomb) and not used; CRC-32 mismatches are reported. A central directory whose
//! entry count cannot fit the file, or a zip without one (a truncated file), is read by walking the
//! local file headers instead: entries before the cut are kept and a diagnostic says where the file
//! ends.

use mapiscope_codec::Severity;

use crate::zipfile::{self, le16, le32};
use crate::{http, inflate};
use crate::model::{CaptureDiag, Endpoint, Format, HttpCapture, HttpExchange, Limits, ReadError};
use crate::util::{parse_iso8601, url_host_port};

/// True when the bytes start like a zip file.
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The files of one session.
#[derive(Default)]
struct SessionFiles {
    request: Option<Vec<u8>>,
    response: Option<Vec<u8>>,
    meta: Option<Vec<u8>>,
}

/// `raw/12_c.txt` → (12, 'c'); `raw/12_m.xml` → (12, 'm').
fn session_file(name: &str) -> Option<(u64, char)> {
    let rest = name.strip_prefix("raw/").or_else(|| name.strip_prefix("raw\\"))?;
    let (num, tail) = rest.split_once('_')?;
    if num.is_empty() || !num.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let kind = match tail.to_ascii_lowercase().as_str() {
        "c.txt" => 'c',
        "s.txt" => 's',
        "m.xml" => 'm',
        "w.txt" => 'w',
        _ => return None,
    };
    Some((num.parse().ok()?, kind))
}

/// One zip entry as read: name and (bounded) data.
struct Entry {
    name: String,
    data: Vec<u8>,
}

/// Reads a SAZ file.
pub fn read_saz(bytes: &[u8], limits: &Limits) -> Result<HttpCapture, ReadError> {
    let mut diagnostics = Vec::new();
    let entries = match zipfile::central_directory(bytes) {
        Ok(list) => read_archive(bytes, &list, limits, &mut diagnostics),
        Err(why) => {
            diagnostics.push(CaptureDiag::new(Severity::Warning, format!("{why}: reading the local file headers")));
            walk_local_headers(bytes, limits, &mut diagnostics)
        }
    };
    // Session files in session-number order: the distinct numbers sorted, each entry placed by binary
    // search (a later entry for the same file replaces an earlier one).
    let files: Vec<(u64, char, Entry)> = entries.into_iter().filter_map(|e| session_file(&e.name).map(|(n, k)| (n, k, e))).collect();
    if files.is_empty() {
        return Err(ReadError { message: String::from("not a Fiddler SAZ file: a zip without raw/NN_c.txt, NN_s.txt entries") });
    }
    let mut numbers: Vec<u64> = files.iter().map(|f| f.0).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut sessions: Vec<(u64, SessionFiles)> = numbers.iter().map(|&n| (n, SessionFiles::default())).collect();
    for (n, kind, e) in files {
        let Some((_, s)) = numbers.binary_search(&n).ok().and_then(|i| sessions.get_mut(i)) else { continue };
        match kind {
            'c' => s.request = Some(e.data),
            's' => s.response = Some(e.data),
            'm' => s.meta = Some(e.data),
            _ => diagnostics.push(CaptureDiag::new(Severity::Note, format!("{}: WebSocket messages are not decoded", e.name))),
        }
    }
    let mut cap = HttpCapture { format: Format::Saz, exchanges: Vec::with_capacity(sessions.len()), diagnostics, tls_connections: 0, packets: 0 };
    // Connections by client address and port, keyed `ip NUL port`.
    let mut clients: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for (n, files) in sessions {
        cap.packets += 1;
        cap.exchanges.push(session(n, files, limits, &mut clients));
    }
    Ok(cap)
}

/// Keeps an entry read with at most `max_zip_entry` bytes, or reports it: over the limit (a zip
/// bomb), or read with an error (kept with what was read).
fn accept(name: String, data: Vec<u8>, over: bool, err: Option<String>, limits: &Limits, diags: &mut Vec<CaptureDiag>) -> Option<Entry> {
    if over {
        diags.push(CaptureDiag::new(
            Severity::Error,
            format!("{name}: inflates beyond the {}-byte limit for a zip entry (a zip bomb?): not read", limits.max_zip_entry),
        ));
        return None;
    }
    if let Some(e) = err {
        diags.push(CaptureDiag::new(Severity::Error, format!("{name}: {e}; {} bytes read", data.len())));
    }
    Some(Entry { name, data })
}

/// Reads the session files the central directory lists.
fn read_archive(bytes: &[u8], list: &[zipfile::CentralEntry], limits: &Limits, diags: &mut Vec<CaptureDiag>) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        if session_file(&e.name).is_none() {
            continue;
        }
        match zipfile::read_entry(bytes, e, limits.max_zip_entry) {
            Ok(d) => out.extend(accept(e.name.clone(), d.data, d.over, d.error, limits, diags)),
            Err(why) => diags.push(CaptureDiag::new(Severity::Error, format!("zip entry {i} ({}): {why}", e.name))),
        }
    }
    out
}

/// Walks the local file headers from the start of the file (a zip without a usable central
/// directory): stored and deflated entries, sizes from the header or, with a data descriptor, from
/// the end of the deflate stream (APPNOTE 4.3.9).
fn walk_local_headers(b: &[u8], limits: &Limits, diags: &mut Vec<CaptureDiag>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    let u16_at = |o: usize| le16(b, o);
    let u32_at = |o: usize| le32(b, o);
    while b.get(pos..pos + 4) == Some(zipfile::LOCAL) {
        let (Some(flags), Some(method), Some(csize), Some(name_len), Some(extra_len)) =
            (u16_at(pos + 6), u16_at(pos + 8), u32_at(pos + 18), u16_at(pos + 26), u16_at(pos + 28))
        else {
            diags.push(CaptureDiag::at(Severity::Error, format!("zip: the file ends inside a local file header at offset {pos}"), pos as u64));
            break;
        };
        let name_at = pos + 30;
        let data_at = name_at + usize::from(name_len) + usize::from(extra_len);
        let Some(name) = b.get(name_at..name_at + usize::from(name_len)) else {
            diags.push(CaptureDiag::at(Severity::Error, format!("zip: the file ends inside a local file header at offset {pos}"), pos as u64));
            break;
        };
        let name = String::from_utf8_lossy(name).into_owned();
        let rest = b.get(data_at..).unwrap_or(&[]);
        let descriptor = flags & 0x08 != 0;
        let max = limits.max_zip_entry;
        let (data, over, err, used) = match method {
            0 if !descriptor => {
                let want = csize as usize;
                let have = rest.len().min(want);
                let err = (have < want).then(|| format!("the file ends inside the entry ({have} of {want} bytes)"));
                let take = have.min(max);
                (rest.get(..take).unwrap_or(&[]).to_vec(), have > max, err, have)
            }
            8 => {
                let input = if descriptor { rest } else { rest.get(..(csize as usize).min(rest.len())).unwrap_or(rest) };
                let r = inflate::inflate_raw(input, max);
                let err = match r.error {
                    Some(e) => Some(e.to_string()),
                    None if !descriptor && input.len() < csize as usize => {
                        Some(format!("the file ends inside the entry ({} of {csize} bytes)", input.len()))
                    }
                    None => None,
                };
                (r.data, r.over, err, if descriptor { r.consumed } else { input.len() })
            }
            0 => {
                diags.push(CaptureDiag::at(
                    Severity::Error,
                    format!("{name}: stored entry with a data descriptor has no length in its header: stopped here"),
                    pos as u64,
                ));
                break;
            }
            m => {
                diags.push(CaptureDiag::at(Severity::Error, format!("{name}: compression method {m} not supported: stopped here"), pos as u64));
                break;
            }
        };
        let truncated = err.is_some();
        if session_file(&name).is_some() {
            if let Some(e) = accept(name, data, over, err, limits, diags) {
                out.push(e);
            }
        }
        if truncated {
            diags.push(CaptureDiag::at(Severity::Error, format!("zip: the file ends at offset {} inside an entry", b.len()), b.len() as u64));
            break;
        }
        pos = data_at + used;
        if descriptor {
            // Optional signature, CRC-32, sizes (4 + 4 bytes, or 8 + 8 in zip64).
            if b.get(pos..pos + 4) == Some(b"PK\x07\x08") {
                pos += 4;
            }
            pos += 12;
            if b.get(pos..pos + 4) != Some(zipfile::LOCAL) && b.get(pos + 8..pos + 12) == Some(zipfile::LOCAL) {
                pos += 8;
            }
        }
    }
    if pos < b.len() && b.get(pos..pos + 4) != Some(zipfile::CENTRAL) && b.get(pos..pos + 4) != Some(zipfile::EOCD) && !out.is_empty() {
        diags.push(CaptureDiag::at(Severity::Warning, format!("zip: no local file header at offset {pos}; the rest is not read"), pos as u64));
    }
    out
}

/// Attributes of `<SessionTimers>` and the `<SessionFlag N V>` pairs of a session's metadata.
#[derive(Default)]
struct Meta {
    timers: Vec<(String, String)>,
    flags: Vec<(String, String)>,
}

fn parse_meta(xml: &[u8], n: u64, diags: &mut Vec<CaptureDiag>) -> Meta {
    let mut m = Meta::default();
    let text = String::from_utf8_lossy(xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml));
    let doc = match crate::xml::Document::parse(&text, 100_000) {
        Ok(d) => d,
        Err(e) => {
            diags.push(CaptureDiag::new(Severity::Warning, format!("raw/{n}_m.xml: not readable XML ({e}); no session times")));
            return m;
        }
    };
    for node in doc.descendants().filter(|x| x.is_element()) {
        match node.tag_name().name() {
            "SessionTimers" => {
                m.timers = node.attributes().map(|a| (a.name().to_string(), a.value().to_string())).collect();
            }
            "SessionFlag" => {
                if let (Some(k), Some(v)) = (node.attribute("N"), node.attribute("V")) {
                    m.flags.push((k.to_ascii_lowercase(), v.to_string()));
                }
            }
            _ => {}
        }
    }
    m
}

fn first_time(list: &[(String, String)], names: &[&str]) -> Option<f64> {
    names.iter().find_map(|n| list.iter().find(|(k, _)| k == n).and_then(|(_, v)| parse_iso8601(v)))
}

fn prefixed(name: &str, diags: Vec<CaptureDiag>) -> impl Iterator<Item = CaptureDiag> + '_ {
    diags.into_iter().map(move |d| {
        let at = d.file_offset.map(|o| format!(" (byte {o} of the entry)")).unwrap_or_default();
        CaptureDiag::new(d.severity, format!("{name}: {}{at}", d.message))
    })
}

fn session(n: u64, files: SessionFiles, limits: &Limits, clients: &mut std::collections::HashMap<String, u32>) -> HttpExchange {
    let mut ex = HttpExchange::default();
    let meta = match &files.meta {
        Some(x) => parse_meta(x, n, &mut ex.diagnostics),
        None => Meta::default(),
    };
    let mut method = String::from("GET");
    match &files.request {
        Some(c) => {
            let (reqs, d) = http::parse_requests(c, limits);
            ex.diagnostics.extend(prefixed(&format!("raw/{n}_c.txt"), d));
            match reqs.into_iter().next() {
                Some(p) => {
                    ex.diagnostics.extend(prefixed(&format!("raw/{n}_c.txt"), p.diagnostics));
                    let mut r = p.request;
                    method.clone_from(&r.method);
                    r.time = first_time(&meta.timers, &["ClientBeginRequest", "GotRequestHeaders", "ClientDoneRequest", "ServerGotRequest"]);
                    ex.request = Some(r);
                }
                None => ex.diagnostics.push(CaptureDiag::new(Severity::Error, format!("raw/{n}_c.txt: no HTTP request in the file"))),
            }
        }
        None => ex.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("session {n}: no request file raw/{n}_c.txt"))),
    }
    match &files.response {
        Some(s) if !s.is_empty() => {
            let (resps, d) = http::parse_responses(s, limits, std::slice::from_ref(&method));
            ex.diagnostics.extend(prefixed(&format!("raw/{n}_s.txt"), d));
            match resps.into_iter().next() {
                Some(p) => {
                    ex.diagnostics.extend(prefixed(&format!("raw/{n}_s.txt"), p.diagnostics));
                    let mut r = p.response;
                    r.first_byte_time = first_time(&meta.timers, &["ServerBeginResponse", "GotResponseHeaders"]);
                    r.end_time = first_time(&meta.timers, &["ClientDoneResponse", "ServerDoneResponse"]);
                    ex.response = Some(r);
                }
                None => ex.diagnostics.push(CaptureDiag::new(Severity::Error, format!("raw/{n}_s.txt: no HTTP response in the file"))),
            }
        }
        _ => ex.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("session {n}: no response (raw/{n}_s.txt missing or empty)"))),
    }
    let flag = |k: &str| meta.flags.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if let Some(ip) = flag("x-clientip") {
        let port = flag("x-clientport").and_then(|p| p.trim().parse().ok()).unwrap_or(0);
        let key = format!("{ip}\0{port}");
        let next = u32::try_from(clients.len()).unwrap_or(u32::MAX);
        ex.connection = Some(*clients.entry(key).or_insert(next));
        ex.client = Some(Endpoint { addr: ip.to_string(), port });
    }
    if let Some(ip) = flag("x-hostip") {
        let port = ex.request.as_ref().and_then(|r| url_host_port(&r.uri)).map_or(0, |(_, p)| p);
        ex.server = Some(Endpoint { addr: ip.to_string(), port });
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, data) in files {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    const META: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Session SID="1" BitFlags="0">
  <SessionTimers ClientConnected="2024-03-01T10:00:00.0000000+01:00" ClientBeginRequest="2024-03-01T10:00:00.1000000+01:00"
    GotRequestHeaders="2024-03-01T10:00:00.1000000+01:00" ServerGotRequest="2024-03-01T10:00:00.1500000+01:00"
    ServerBeginResponse="2024-03-01T10:00:00.3000000+01:00" ClientDoneResponse="2024-03-01T10:00:00.5000000+01:00"
    FiddlerBeginRequest="0001-01-01T00:00:00" />
  <PipeInfo CltReuse="true" />
  <SessionFlags>
    <SessionFlag N="x-clientip" V="192.168.1.20" />
    <SessionFlag N="x-clientport" V="51234" />
    <SessionFlag N="x-hostip" V="10.0.0.5" />
  </SessionFlags>
</Session>"#;

    const REQ: &[u8] = b"POST https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com HTTP/1.1\r\nContent-Type: application/mapi-http\r\nX-RequestType: Connect\r\nContent-Length: 5\r\n\r\n/o=A\0";
    const RESP: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 18\r\nX-ResponseCode: 0\r\n\r\nPROCESSING\r\nDONE\r\n";

    #[test]
    fn session_names() {
        assert_eq!(session_file("raw/01_c.txt"), Some((1, 'c')));
        assert_eq!(session_file("raw/123_S.TXT"), Some((123, 's')));
        assert_eq!(session_file("raw/7_m.xml"), Some((7, 'm')));
        assert_eq!(session_file("raw/x_c.txt"), None);
        assert_eq!(session_file("[Content_Types].xml"), None);
    }

    #[test]
    fn sessions_in_number_order_with_times() {
        let bytes = zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("raw/10_c.txt", b"GET /ews/exchange.asmx HTTP/1.1\r\nHost: x\r\n\r\n"),
            ("raw/10_s.txt", b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
            ("raw/9_c.txt", REQ),
            ("raw/9_s.txt", RESP),
            ("raw/9_m.xml", META.as_bytes()),
        ]);
        let c = read_saz(&bytes, &Limits::default()).unwrap();
        assert_eq!(c.format, Format::Saz);
        assert_eq!(c.exchanges.len(), 2);
        let x = &c.exchanges[0];
        let rq = x.request.as_ref().unwrap();
        assert_eq!(rq.header("X-RequestType"), Some("Connect"));
        assert_eq!(rq.body, b"/o=A\0");
        assert!((rq.time.unwrap() - 1_709_283_600.1).abs() < 1e-6);
        let rs = x.response.as_ref().unwrap();
        assert_eq!(rs.body, b"PROCESSING\r\nDONE\r\n");
        assert!((rs.first_byte_time.unwrap() - 1_709_283_600.3).abs() < 1e-6);
        assert!((rs.end_time.unwrap() - 1_709_283_600.5).abs() < 1e-6);
        assert_eq!(x.client, Some(Endpoint { addr: "192.168.1.20".into(), port: 51234 }));
        assert_eq!(x.server, Some(Endpoint { addr: "10.0.0.5".into(), port: 443 }));
        assert_eq!(x.connection, Some(0));
        assert_eq!(c.exchanges[1].response.as_ref().unwrap().status, 401);
        assert_eq!(c.exchanges[1].request.as_ref().unwrap().time, None);
    }

    /// A deflated entry that inflates to 8 MB (about 8 KB in the file), whose headers declare 100
    /// bytes: reported as a zip bomb and not used; the other sessions are read.
    #[test]
    fn zip_bomb() {
        let bomb = vec![b'A'; 8 << 20];
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&bomb).unwrap();
        let deflated = enc.finish().unwrap();
        assert!(deflated.len() < 64 * 1024);
        let mut entries: Vec<(&str, u16, Vec<u8>, u32)> = vec![
            ("raw/1_c.txt", 0, REQ.to_vec(), REQ.len() as u32),
            ("raw/1_s.txt", 8, deflated, 100), // lies about its size
            ("raw/2_c.txt", 0, REQ.to_vec(), REQ.len() as u32),
            ("raw/2_s.txt", 0, RESP.to_vec(), RESP.len() as u32),
        ];
        let bytes = handmade_zip(&mut entries, true);
        let limits = Limits { max_zip_entry: 1 << 20, ..Limits::default() };
        let c = read_saz(&bytes, &limits).unwrap();
        let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("raw/1_s.txt: inflates beyond the 1048576-byte limit")), "{msgs:?}");
        assert_eq!(c.exchanges.len(), 2);
        assert!(c.exchanges[0].response.is_none());
        assert_eq!(c.exchanges[1].response.as_ref().unwrap().body, b"PROCESSING\r\nDONE\r\n");
        // The same bomb without a central directory (the local-header walker) is caught too.
        let bytes = handmade_zip(&mut entries, false);
        let c = read_saz(&bytes, &limits).unwrap();
        let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.starts_with("raw/1_s.txt: inflates beyond")), "{msgs:?}");
        assert_eq!(c.exchanges.len(), 2);
    }

    /// A zip with entries (method 0 stored, 8 deflated) whose declared sizes are given, optionally
    /// without its central directory.
    fn handmade_zip(entries: &mut [(&str, u16, Vec<u8>, u32)], central: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for (name, method, data, usize_) in entries.iter() {
            let off = out.len() as u32;
            let crc = {
                let mut c = flate2::Crc::new();
                c.update(data);
                c.sum()
            };
            let mut h = Vec::new();
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&method.to_le_bytes());
            h.extend_from_slice(&[0, 0, 0x21, 0]);
            h.extend_from_slice(&crc.to_le_bytes());
            h.extend_from_slice(&(data.len() as u32).to_le_bytes());
            h.extend_from_slice(&usize_.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(b"PK\x03\x04");
            out.extend_from_slice(&h);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            cd.extend_from_slice(b"PK\x01\x02");
            cd.extend_from_slice(&20u16.to_le_bytes());
            cd.extend_from_slice(&h);
            cd.extend_from_slice(&[0u8; 12]); // comment len, disk, internal attrs, external attrs
            cd.extend_from_slice(&off.to_le_bytes());
            cd.extend_from_slice(name.as_bytes());
        }
        if central {
            let cd_off = out.len() as u32;
            out.extend_from_slice(&cd);
            out.extend_from_slice(b"PK\x05\x06");
            out.extend_from_slice(&[0u8; 4]);
            out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
            out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
            out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
            out.extend_from_slice(&cd_off.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        }
        out
    }

    #[test]
    fn truncated_zip_keeps_sessions_before_the_cut() {
        let bytes = zip_of(&[("raw/1_c.txt", REQ), ("raw/1_s.txt", RESP), ("raw/2_c.txt", REQ), ("raw/2_s.txt", RESP)]);
        // Cut inside raw/2_s.txt: no central directory left.
        let cut_at = bytes.windows(11).position(|w| w == b"raw/2_s.txt").unwrap() + 20;
        let c = read_saz(&bytes[..cut_at], &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 2);
        assert!(c.exchanges[0].response.is_some());
        assert!(c.diagnostics.iter().any(|d| d.message.starts_with("zip: the file ends at offset")), "{:?}", c.diagnostics);
        assert!(c.diagnostics.iter().any(|d| d.message.contains("no zip end-of-central-directory record")));
    }

    #[test]
    fn zip_without_raw_entries_is_not_saz() {
        let bytes = zip_of(&[("hello.txt", b"hi")]);
        let e = read_saz(&bytes, &Limits::default()).unwrap_err();
        assert!(e.message.starts_with("not a Fiddler SAZ file"), "{}", e.message);
    }

    #[test]
    fn lying_entry_count_is_not_trusted() {
        let mut bytes = zip_of(&[("raw/1_c.txt", REQ), ("raw/1_s.txt", RESP)]);
        let eocd = bytes.len() - 22;
        bytes[eocd + 8..eocd + 12].copy_from_slice(&[0xFF, 0xFE, 0xFF, 0xFE]);
        let c = read_saz(&bytes, &Limits::default()).unwrap();
        assert!(c.diagnostics[0].message.contains("central directory claims 65279 entries"), "{:?}", c.diagnostics);
        assert_eq!(c.exchanges.len(), 1);
        assert!(c.exchanges[0].response.is_some());
    }
}
