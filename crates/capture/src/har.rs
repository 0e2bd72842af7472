//! HTTP Archive 1.2 (`log.entries[]`), as browsers' developer tools, Fiddler and Charles export it.
//!
//! Per entry: `request.method`, `request.url` (kept whole as the request target), `request.headers`,
//! `request.postData.text` (base64 when `encoding` or Fiddler's `_encoding` says so); `response.status`,
//! `statusText`, `headers`, `content.text` (base64 when `content.encoding` / `_encoding` is "base64");
//! `startedDateTime` (ISO 8601 with offset) is the request time, `timings` (blocked, dns, connect,
//! send, wait, receive; -1 = not applicable) give the first response byte (start + everything up to
//! `wait`) and the end (start + `time`, or the sum of the timings); `serverIPAddress` and
//! `connection` identify the server and the connection.
//!
//! Bodies: a HAR keeps decoded (not chunked, not compressed) bodies, so nothing is decoded again.
//! `content.size` and `bodySize` are claims, never allocation sizes: a body is only ever as large as
//! the text the file holds, and it is cut at [`Limits::max_body`] with a diagnostic (base64 text is
//! decoded only as far as the limit needs). Binary bodies stored as text (no base64) are taken as
//! Latin-1 when every character is below U+0100 and the content type is binary, else as UTF-8; text
//! with U+FFFD replacement characters is reported (the exporter lost bytes).
//!
//! A truncated or damaged file: the entries before the damage are read one by one and a diagnostic
//! says where the JSON breaks.

use mapiscope_codec::Severity;
use serde_json::Value;

use crate::model::{CaptureDiag, Endpoint, Format, HttpCapture, HttpExchange, HttpRequest, HttpResponse, Limits, ReadError};
use crate::util::{decode_base64_bounded, parse_iso8601, url_host_port};

/// True when the bytes look like a HAR file (JSON object mentioning `"log"` and `"entries"` early).
pub fn looks_like_har(bytes: &[u8]) -> bool {
    let b = strip_bom(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace());
    if start.and_then(|s| b.get(s)) != Some(&b'{') {
        return false;
    }
    let head = b.get(..b.len().min(64 * 1024)).unwrap_or(b);
    contains(head, b"\"log\"") && (contains(head, b"\"entries\"") || contains(head, b"\"version\""))
}

fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle, 0).is_some()
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut i = from;
    while let Some(rest) = hay.get(i..) {
        let p = rest.iter().position(|&c| c == first)?;
        let at = i + p;
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Where and why walking the JSON stopped.
enum Stop {
    /// The file ends at this offset.
    Eof(usize),
    /// Malformed JSON at this offset.
    Bad(usize, String),
}

/// One JSON value starting at `pos` (after white space): the value and the offset after it.
fn value_at(b: &[u8], pos: usize) -> Result<(Value, usize), Stop> {
    let pos = skip_ws(b, pos);
    let rest = b.get(pos..).unwrap_or(&[]);
    if rest.is_empty() {
        return Err(Stop::Eof(pos));
    }
    let mut it = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
    match it.next() {
        Some(Ok(v)) => Ok((v, pos + it.byte_offset())),
        Some(Err(e)) if e.is_eof() => Err(Stop::Eof(b.len())),
        Some(Err(e)) => Err(Stop::Bad(pos, e.to_string())),
        None => Err(Stop::Eof(b.len())),
    }
}

/// Expects byte `c` (after white space) at `pos`; returns the offset after it.
fn expect(b: &[u8], pos: usize, c: u8) -> Result<usize, Stop> {
    let pos = skip_ws(b, pos);
    match b.get(pos) {
        Some(&x) if x == c => Ok(pos + 1),
        Some(&x) => Err(Stop::Bad(pos, format!("expected '{}', found '{}'", c as char, x.escape_ascii()))),
        None => Err(Stop::Eof(pos)),
    }
}

/// Walks the members of the object whose `{` is at `pos` (after white space), calling `member` with
/// each key and the offset of its value; `member` returns the offset after the value.
fn walk_object(
    b: &[u8],
    pos: usize,
    mut member: impl FnMut(&str, usize) -> Result<usize, Stop>,
) -> Result<usize, Stop> {
    let mut pos = expect(b, pos, b'{')?;
    let p = skip_ws(b, pos);
    if b.get(p) == Some(&b'}') {
        return Ok(p + 1);
    }
    loop {
        let (key, after) = value_at(b, pos)?;
        let Some(key) = key.as_str() else { return Err(Stop::Bad(skip_ws(b, pos), String::from("object key is not a string"))) };
        let at = expect(b, after, b':')?;
        pos = member(key, at)?;
        let p = skip_ws(b, pos);
        match b.get(p) {
            Some(b',') => pos = p + 1,
            Some(b'}') => return Ok(p + 1),
            Some(&x) => return Err(Stop::Bad(p, format!("expected ',' or '}}', found '{}'", x.escape_ascii()))),
            None => return Err(Stop::Eof(p)),
        }
    }
}

/// What walking the file found.
#[derive(Default)]
struct Found {
    log: bool,
    entries: bool,
    not_array: bool,
}

/// Walks `{"log": {"entries": [ … ]}}` in any member order, handing each entry to `on_entry` as soon
/// as it is parsed (one entry in memory at a time).
fn walk(b: &[u8], found: &mut Found, on_entry: &mut dyn FnMut(Value)) -> Result<usize, Stop> {
    walk_object(b, 0, |key, at| {
        if key != "log" || found.log {
            return value_at(b, at).map(|(_, e)| e);
        }
        found.log = true;
        walk_object(b, at, |key, at| {
            if key != "entries" || found.entries {
                return value_at(b, at).map(|(_, e)| e);
            }
            found.entries = true;
            let p = skip_ws(b, at);
            if b.get(p) != Some(&b'[') {
                found.not_array = true;
                return value_at(b, at).map(|(_, e)| e);
            }
            let mut pos = p + 1;
            if b.get(skip_ws(b, pos)) == Some(&b']') {
                return Ok(skip_ws(b, pos) + 1);
            }
            loop {
                let (v, after) = value_at(b, pos)?;
                on_entry(v);
                let p = skip_ws(b, after);
                match b.get(p) {
                    Some(b',') => pos = p + 1,
                    Some(b']') => return Ok(p + 1),
                    Some(&x) => return Err(Stop::Bad(p, format!("expected ',' or ']', found '{}'", x.escape_ascii()))),
                    None => return Err(Stop::Eof(p)),
                }
            }
        })
    })
}

/// Reads a HAR file.
pub fn read_har(bytes: &[u8], limits: &Limits) -> Result<HttpCapture, ReadError> {
    let base = bytes.len() - strip_bom(bytes).len();
    let b = strip_bom(bytes);
    let mut cap = HttpCapture { format: Format::Har, exchanges: Vec::new(), diagnostics: Vec::new(), tls_connections: 0, packets: 0 };
    let mut connections: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let mut found = Found::default();
    let mut n = 0usize;
    let result = walk(b, &mut found, &mut |v| {
        cap.exchanges.push(entry(&v, n, limits, &mut connections));
        n += 1;
    });
    cap.packets = n as u64;
    let not_har = |why: &str| Err(ReadError { message: format!("not a HAR file: {why}") });
    match result {
        Ok(end) => {
            let rest = skip_ws(b, end);
            if rest < b.len() {
                cap.diagnostics.push(CaptureDiag::at(Severity::Warning, format!("HAR: {} bytes after the JSON document ignored", b.len() - rest), (rest + base) as u64));
            }
        }
        Err(stop) => {
            let (at, what) = match stop {
                Stop::Eof(at) => (b.len().max(at), String::from("the file ends")),
                Stop::Bad(at, e) => (at, format!("the JSON is malformed ({e})")),
            };
            if !found.entries {
                return not_har(&format!("{what} at offset {}", at + base));
            }
            cap.diagnostics.push(CaptureDiag::at(
                Severity::Error,
                format!("HAR: {what} at offset {}; the {n} complete entries before it are read", at + base),
                (at + base) as u64,
            ));
        }
    }
    if !found.log {
        return not_har("a JSON object without \"log\"");
    }
    if found.not_array {
        return not_har("log.entries is not an array");
    }
    if !found.entries {
        return not_har("no log.entries");
    }
    // Entries are in request-time order; exporters usually write them so, but not always.
    if cap.exchanges.iter().all(|x| x.request.as_ref().and_then(|r| r.time).is_some()) {
        cap.exchanges.sort_by(|a, b| {
            let ta = a.request.as_ref().and_then(|r| r.time).unwrap_or(0.0);
            let tb = b.request.as_ref().and_then(|r| r.time).unwrap_or(0.0);
            ta.total_cmp(&tb)
        });
    }
    Ok(cap)
}

fn str_of<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn num_of(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn headers_of(v: &Value) -> Vec<(String, String)> {
    let Some(list) = v.get("headers").and_then(Value::as_array) else { return Vec::new() };
    list.iter()
        .filter_map(|h| Some((str_of(h, "name")?.to_string(), str_of(h, "value").unwrap_or("").to_string())))
        .collect()
}

fn is_base64(v: &Value) -> bool {
    ["encoding", "_encoding"].iter().any(|k| str_of(v, k).is_some_and(|e| e.eq_ignore_ascii_case("base64")))
}

fn is_binary_type(mime: &str) -> bool {
    let m = mime.to_ascii_lowercase();
    m.starts_with("application/mapi-http") || m.starts_with("application/octet-stream")
}

/// The body held by a `postData` or `content` object, bounded by the limit.
fn body_of(v: &Value, what: &str, entry: usize, limits: &Limits, diags: &mut Vec<CaptureDiag>) -> (Vec<u8>, bool) {
    let Some(text) = str_of(v, "text") else {
        let claimed = num_of(v, "size").unwrap_or(0.0);
        if claimed > 0.0 {
            diags.push(CaptureDiag::new(
                Severity::Warning,
                format!("entry {entry}: {what} body not in the HAR (no text; size claims {claimed} bytes)"),
            ));
            return (Vec::new(), false);
        }
        return (Vec::new(), true);
    };
    let max = limits.max_body;
    if is_base64(v) {
        return match decode_base64_bounded(text.as_bytes(), max) {
            Ok((b, over)) => {
                if over {
                    diags.push(CaptureDiag::new(
                        Severity::Warning,
                        format!("entry {entry}: {what} body (base64) longer than the {max}-byte limit: cut"),
                    ));
                }
                (b, !over)
            }
            Err(e) => {
                diags.push(CaptureDiag::new(Severity::Error, format!("entry {entry}: {what} body marked base64 is {e}")));
                (Vec::new(), false)
            }
        };
    }
    let mime = str_of(v, "mimeType").unwrap_or("");
    let latin1 = is_binary_type(mime) && text.chars().all(|c| (c as u32) < 0x100) && text.chars().any(|c| (c as u32) >= 0x80);
    let mut out: Vec<u8> = if latin1 {
        diags.push(CaptureDiag::new(
            Severity::Note,
            format!("entry {entry}: binary {what} body stored as text: characters taken as Latin-1 bytes"),
        ));
        text.chars().take(max.saturating_add(1)).map(|c| c as u32 as u8).collect()
    } else {
        if text.contains('\u{FFFD}') && is_binary_type(mime) {
            diags.push(CaptureDiag::new(
                Severity::Warning,
                format!("entry {entry}: binary {what} body stored as text with U+FFFD replacement characters: the exporter lost bytes"),
            ));
        }
        text.as_bytes().get(..text.len().min(max.saturating_add(1))).unwrap_or(&[]).to_vec()
    };
    let over = out.len() > max;
    if over {
        out.truncate(max);
        diags.push(CaptureDiag::new(Severity::Warning, format!("entry {entry}: {what} body longer than the {max}-byte limit: cut")));
    }
    (out, !over)
}

fn entry(e: &Value, i: usize, limits: &Limits, connections: &mut std::collections::HashMap<String, u32>) -> HttpExchange {
    let mut ex = HttpExchange::default();
    let n = i + 1;
    let start = str_of(e, "startedDateTime").and_then(parse_iso8601);
    if str_of(e, "startedDateTime").is_some() && start.is_none() {
        ex.diagnostics.push(CaptureDiag::new(Severity::Note, format!("entry {n}: startedDateTime is not an ISO 8601 time")));
    }
    let timing = |k: &str| e.get("timings").and_then(|t| num_of(t, k)).filter(|v| *v > 0.0).unwrap_or(0.0);
    let to_first_byte = ["blocked", "dns", "connect", "send", "wait"].iter().map(|k| timing(k)).sum::<f64>();
    let total = num_of(e, "time").filter(|t| *t >= 0.0).unwrap_or(to_first_byte + timing("receive"));
    let mut url = String::new();
    if let Some(r) = e.get("request").filter(|r| r.is_object()) {
        let (body, _) = match r.get("postData") {
            Some(p) => body_of(p, "request", n, limits, &mut ex.diagnostics),
            None => (Vec::new(), true),
        };
        url = str_of(r, "url").unwrap_or("").to_string();
        ex.request = Some(HttpRequest {
            method: str_of(r, "method").unwrap_or("").to_string(),
            uri: url.clone(),
            headers: headers_of(r),
            body,
            time: start,
        });
    } else {
        ex.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("entry {n}: no request object")));
    }
    match e.get("response").filter(|r| r.is_object()) {
        Some(r) if num_of(r, "status").is_some_and(|s| s > 0.0) => {
            let (body, complete) = match r.get("content") {
                Some(c) => body_of(c, "response", n, limits, &mut ex.diagnostics),
                None => (Vec::new(), true),
            };
            let status = num_of(r, "status").unwrap_or(0.0);
            ex.response = Some(HttpResponse {
                status: if (0.0..=999.0).contains(&status) { status as u16 } else { 0 },
                reason: str_of(r, "statusText").unwrap_or("").to_string(),
                headers: headers_of(r),
                body,
                first_byte_time: start.map(|s| s + to_first_byte / 1000.0),
                end_time: start.map(|s| s + total / 1000.0),
                chunk_times: Vec::new(),
                complete,
            });
        }
        _ => {
            let why = e.get("response").and_then(|r| str_of(r, "_error")).map(|x| format!(" ({x})")).unwrap_or_default();
            ex.diagnostics.push(CaptureDiag::new(Severity::Warning, format!("entry {n}: no response recorded{why}")));
        }
    }
    if let Some(ip) = str_of(e, "serverIPAddress").filter(|s| !s.is_empty()) {
        let port = url_host_port(&url).map_or(0, |(_, p)| p);
        let addr = ip.trim_start_matches('[').trim_end_matches(']').to_string();
        ex.server = Some(Endpoint { addr, port });
    }
    if let Some(c) = e.get("connection").and_then(|c| c.as_str().map(str::to_string).or_else(|| c.as_u64().map(|n| n.to_string()))) {
        let next = u32::try_from(connections.len()).unwrap_or(u32::MAX);
        ex.connection = Some(*connections.entry(c).or_insert(next));
    }
    ex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn har(entries: &str) -> String {
        format!(r#"{{"log":{{"version":"1.2","creator":{{"name":"test","version":"1"}},"entries":[{entries}]}}}}"#)
    }

    const ENTRY: &str = r#"{
      "startedDateTime": "2024-03-01T10:00:00.000+01:00",
      "time": 250,
      "serverIPAddress": "10.0.0.5",
      "connection": "4711",
      "request": {"method": "POST", "url": "https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com",
        "httpVersion": "HTTP/1.1",
        "headers": [{"name": "Content-Type", "value": "application/mapi-http"}, {"name": "X-RequestType", "value": "Connect"}],
        "postData": {"mimeType": "application/mapi-http", "text": "L289QQA=", "encoding": "base64"}},
      "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
        "headers": [{"name": "X-ResponseCode", "value": "0"}],
        "content": {"size": 18, "mimeType": "application/mapi-http", "text": "UFJPQ0VTU0lORw0KRE9ORQ0K", "encoding": "base64"}},
      "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 10, "wait": 200, "receive": 40}
    }"#;

    #[test]
    fn one_entry() {
        let c = read_har(har(ENTRY).as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.format, Format::Har);
        assert_eq!(c.exchanges.len(), 1);
        let x = &c.exchanges[0];
        let rq = x.request.as_ref().unwrap();
        assert_eq!(rq.method, "POST");
        assert_eq!(rq.uri, "https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@contoso.com");
        assert_eq!(rq.header("x-requesttype"), Some("Connect"));
        assert_eq!(rq.body, b"/o=A\0");
        assert_eq!(rq.time, Some(1_709_283_600.0));
        let rs = x.response.as_ref().unwrap();
        assert_eq!(rs.status, 200);
        assert_eq!(rs.body, b"PROCESSING\r\nDONE\r\n");
        assert!((rs.first_byte_time.unwrap() - 1_709_283_600.21).abs() < 1e-9);
        assert!((rs.end_time.unwrap() - 1_709_283_600.25).abs() < 1e-9);
        assert!(rs.complete);
        assert_eq!(x.server, Some(Endpoint { addr: "10.0.0.5".into(), port: 443 }));
        assert_eq!(x.connection, Some(0));
        assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
    }

    #[test]
    fn plain_text_latin1_and_missing_response() {
        let e1 = r#"{"startedDateTime":"2024-03-01T09:00:01Z","request":{"method":"POST","url":"/x","headers":[],
            "postData":{"mimeType":"application/mapi-http","text":"\u00e4\u0004\u0000"}},"response":{"status":0,"headers":[],"content":{"size":0},"_error":"net::ERR_ABORTED"}}"#;
        let e0 = r#"{"startedDateTime":"2024-03-01T09:00:00Z","request":{"method":"GET","url":"/y","headers":[]},
            "response":{"status":404,"statusText":"Not Found","headers":[],"content":{"size":9,"mimeType":"text/plain","text":"not found"}}}"#;
        // Written out of order: sorted by startedDateTime.
        let c = read_har(har(&format!("{e1},{e0}")).as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().uri, "/y");
        assert_eq!(c.exchanges[0].response.as_ref().unwrap().body, b"not found");
        let x = &c.exchanges[1];
        assert_eq!(x.request.as_ref().unwrap().body, [0xe4, 0x04, 0x00]);
        assert!(x.response.is_none());
        let msgs: Vec<&str> = x.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("Latin-1")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("no response recorded (net::ERR_ABORTED)")), "{msgs:?}");
    }

    /// A HAR claiming a 1 GB base64 body: the size claim allocates nothing, the text that is there is
    /// decoded only up to the limit, with a diagnostic.
    #[test]
    fn one_gigabyte_claim() {
        let text = "QUFB".repeat(50_000); // 200 KB of base64 → 150 KB
        let e = format!(
            r#"{{"startedDateTime":"2024-03-01T09:00:00Z","request":{{"method":"POST","url":"/mapi/emsmdb/","headers":[],"bodySize":1073741824,
            "postData":{{"mimeType":"application/mapi-http","text":"","encoding":"base64"}}}},
            "response":{{"status":200,"headers":[],"bodySize":1073741824,"content":{{"size":1073741824,"mimeType":"application/mapi-http","encoding":"base64","text":"{text}"}}}}}}"#
        );
        let limits = Limits { max_body: 64 * 1024, ..Limits::default() };
        let c = read_har(har(&e).as_bytes(), &limits).unwrap();
        let rs = c.exchanges[0].response.as_ref().unwrap();
        assert_eq!(rs.body.len(), 64 * 1024);
        assert!(rs.body.capacity() < 128 * 1024, "capacity {}", rs.body.capacity());
        assert!(!rs.complete);
        assert!(c.exchanges[0].diagnostics.iter().any(|d| d.message.contains("longer than the 65536-byte limit")));
        // The claim alone (text shorter than claimed) allocates only what is there.
        let e2 = r#"{"request":{"method":"POST","url":"/","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1073741824,"text":"QUJD","encoding":"base64"}}}"#;
        let c = read_har(har(e2).as_bytes(), &Limits::default()).unwrap();
        let rs = c.exchanges[0].response.as_ref().unwrap();
        assert_eq!(rs.body, b"ABC");
        assert!(rs.body.capacity() < 1024);
    }

    #[test]
    fn truncated_file_keeps_complete_entries() {
        let full = har(&format!("{ENTRY},{ENTRY},{ENTRY}"));
        let cut = &full.as_bytes()[..full.len() - 200];
        let c = read_har(cut, &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 2);
        let d = &c.diagnostics[0];
        assert_eq!(d.severity, Severity::Error);
        assert_eq!(d.message, format!("HAR: the file ends at offset {}; the 2 complete entries before it are read", cut.len()));
        assert_eq!(d.file_offset, Some(cut.len() as u64));
    }

    #[test]
    fn not_har() {
        assert!(read_har(b"{\"a\":1}", &Limits::default()).unwrap_err().message.contains("without \"log\""));
        assert!(read_har(b"{\"log\":{}}", &Limits::default()).unwrap_err().message.contains("no log.entries"));
        assert!(read_har(b"{nope", &Limits::default()).unwrap_err().message.starts_with("not a HAR file: the JSON is malformed"), "{}", read_har(b"{nope", &Limits::default()).unwrap_err().message);
        assert!(read_har(b"{\"log\":{\"entries\":{}}}", &Limits::default()).unwrap_err().message.contains("not an array"));
        // Members in any order; other members skipped.
        let c = read_har(br#"{"x":[1,{"entries":[]}],"log":{"pages":[{"id":"p"}],"entries":[{"request":{"method":"GET","url":"/"}}],"version":"1.2"}}"#, &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 1);
        assert!(c.diagnostics.is_empty());
        assert!(looks_like_har(b"\xEF\xBB\xBF {\"log\": {\"version\": \"1.2\"}}"));
        assert!(!looks_like_har(b"[1,2]"));
    }
}
