//! Raw HTTP text: one or more HTTP/1.x requests and responses as pasted from a proxy or Fiddler's raw
//! view, with CRLF or bare LF line ends, interleaved (request, response, request, …) or grouped (all
//! requests, then all responses). The n-th request is paired with the n-th response.
//!
//! Text with CR line ends is framed by [`crate::http`]: the requests are parsed over the whole text
//! (their bodies, framed by Content-Length or chunks, may hold anything, and the next message may
//! follow a binary body on the same line), then the responses in the text between requests.
//! Limitation: a request line inside a response body would be taken for a request.
//! Text without any CR (a paste that turned CRLF into LF, so Content-Lengths no longer fit) is cut
//! at the start lines (`METHOD target HTTP/1.x`, `HTTP/1.x NNN …` at the start of a line): each
//! message is parsed up to the next start line, and a body shorter than its Content-Length is
//! reported by the parser. Text that is no message is reported, not parsed.

use mapiscope_codec::Severity;

use crate::http;
use crate::model::{CaptureDiag, Format, HttpCapture, HttpExchange, HttpRequest, HttpResponse, Limits, ReadError};
use crate::util::{lines, trim_ascii};

/// HTTP methods recognised at the start of a request line.
const METHODS: [&str; 10] = ["GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "RPC_IN_DATA"];

fn is_http_version(v: &[u8]) -> bool {
    matches!(v, [b'H', b'T', b'T', b'P', b'/', a, b'.', c] if a.is_ascii_digit() && c.is_ascii_digit())
}

/// `POST /mapi/emsmdb/?MailboxId=… HTTP/1.1`
pub fn is_request_line(line: &[u8]) -> bool {
    let mut parts = line.split(|&c| c == b' ');
    let (Some(m), Some(target), Some(v), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    METHODS.iter().any(|x| x.as_bytes() == m) && !target.is_empty() && is_http_version(v)
}

/// `HTTP/1.1 200 OK`
pub fn is_status_line(line: &[u8]) -> bool {
    let v = line.get(..8).unwrap_or(&[]);
    is_http_version(v)
        && line.get(8) == Some(&b' ')
        && line.get(9..12).is_some_and(|d| d.iter().all(u8::is_ascii_digit))
        && line.get(12).is_none_or(|&c| c == b' ')
}

/// True when the first non-blank line is an HTTP request or status line.
pub fn looks_like_raw_http(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    lines(b).map(|(_, l)| l).find(|l| !trim_ascii(l).is_empty()).is_some_and(|l| is_request_line(l) || is_status_line(l))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Request,
    Response,
}

/// One message found in the text.
struct Msg {
    start: usize,
    end: usize,
    request: Option<HttpRequest>,
    response: Option<HttpResponse>,
    diags: Vec<CaptureDiag>,
}

fn req_msg(p: http::ParsedRequest, base: usize) -> Msg {
    Msg { start: base + p.start, end: base + p.end, request: Some(p.request), response: None, diags: rebase(p.diagnostics, base) }
}

fn resp_msg(p: http::ParsedResponse, base: usize) -> Msg {
    Msg { start: base + p.start, end: base + p.end, request: None, response: Some(p.response), diags: rebase(p.diagnostics, base) }
}

/// Reads raw HTTP text.
pub fn read_raw_http(bytes: &[u8], limits: &Limits) -> Result<HttpCapture, ReadError> {
    let starts: Vec<(usize, Kind)> = lines(bytes)
        .filter_map(|(at, l)| {
            if is_request_line(l) {
                Some((at, Kind::Request))
            } else if is_status_line(l) {
                Some((at, Kind::Response))
            } else {
                None
            }
        })
        .collect();
    if starts.is_empty() {
        return Err(ReadError { message: String::from("not raw HTTP: no request line or status line") });
    }
    let mut diagnostics = Vec::new();
    // Text with CR line ends keeps its Content-Lengths true: messages are framed by the HTTP parser
    // (a message may follow a binary body on the same line). Text whose CRLFs became LFs (a paste)
    // has lengths that no longer fit: messages are cut at their start lines.
    let framed = bytes.contains(&b'\r');
    let msgs = if framed { framed_messages(bytes, limits) } else { line_messages(bytes, limits, &starts) };
    // Text that is no message.
    let mut covered = 0usize;
    for m in msgs.iter().map(|m| (m.start, m.end)).chain(core::iter::once((bytes.len(), bytes.len()))) {
        let gap = bytes.get(covered..m.0).unwrap_or(&[]);
        let gap_t = gap.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(gap);
        if !trim_ascii(gap_t).is_empty() {
            let what = if covered == 0 { "before the first HTTP message" } else { "between HTTP messages" };
            diagnostics.push(CaptureDiag::at(Severity::Note, format!("{} bytes of text {what} ignored (offset {covered})", gap.len()), covered as u64));
        }
        covered = covered.max(m.1);
    }
    let mut requests = Vec::new();
    let mut responses = Vec::new();
    for m in msgs {
        match (m.request, m.response) {
            (Some(r), _) => requests.push((r, m.diags)),
            (None, Some(r)) => responses.push((r, m.diags)),
            _ => {}
        }
    }
    if requests.len() != responses.len() {
        diagnostics.push(CaptureDiag::new(
            Severity::Warning,
            format!("{} requests and {} responses: paired in order, the rest unpaired", requests.len(), responses.len()),
        ));
    }
    let n = requests.len().max(responses.len());
    let mut reqs = requests.into_iter();
    let mut resps = responses.into_iter();
    let mut exchanges = Vec::with_capacity(n);
    for _ in 0..n {
        let mut ex = HttpExchange::default();
        if let Some((r, d)) = reqs.next() {
            ex.request = Some(r);
            ex.diagnostics.extend(d);
        }
        if let Some((r, d)) = resps.next() {
            ex.response = Some(r);
            ex.diagnostics.extend(d);
        }
        exchanges.push(ex);
    }
    Ok(HttpCapture { format: Format::RawHttp, packets: exchanges.len() as u64, exchanges, diagnostics, tls_connections: 0 })
}

/// The requests of the text (parsed over the whole text: the parser skips what is not a request,
/// and a request's body, framed by its Content-Length or chunks, may hold anything), then the
/// responses in the text between them.
fn framed_messages(bytes: &[u8], limits: &Limits) -> Vec<Msg> {
    let (reqs, _) = http::parse_requests(bytes, limits);
    let methods: Vec<String> = reqs.iter().map(|r| r.request.method.clone()).collect();
    let mut gaps = Vec::with_capacity(reqs.len() + 1);
    let mut prev = 0usize;
    for r in &reqs {
        gaps.push((prev, r.start.max(prev)));
        prev = prev.max(r.end);
    }
    gaps.push((prev, bytes.len()));
    let mut out: Vec<Msg> = reqs.into_iter().map(|p| req_msg(p, 0)).collect();
    let mut answered = 0usize;
    for (a, b) in gaps {
        let region = bytes.get(a..b).unwrap_or(&[]);
        if trim_ascii(region).is_empty() {
            continue;
        }
        let (resps, _) = http::parse_responses(region, limits, methods.get(answered..).unwrap_or(&[]));
        answered += resps.len();
        out.extend(resps.into_iter().map(|p| resp_msg(p, a)));
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Messages cut at the start lines: each one parsed from its start line to the next.
fn line_messages(bytes: &[u8], limits: &Limits, starts: &[(usize, Kind)]) -> Vec<Msg> {
    let mut out = Vec::new();
    let mut methods: Vec<String> = Vec::new();
    let mut n_resp = 0usize;
    // Requests first: their methods decide whether a response has a body.
    for pass in [Kind::Request, Kind::Response] {
        for (i, &(s, k)) in starts.iter().enumerate() {
            if k != pass {
                continue;
            }
            let e = starts.get(i + 1).map_or(bytes.len(), |n| n.0);
            let seg = bytes.get(s..e).unwrap_or(&[]);
            let parsed = match k {
                Kind::Request => http::parse_requests(seg, limits).0.into_iter().next().map(|p| {
                    methods.push(p.request.method.clone());
                    req_msg(p, s)
                }),
                Kind::Response => {
                    let method = methods.get(n_resp).cloned().unwrap_or_else(|| String::from("POST"));
                    n_resp += 1;
                    http::parse_responses(seg, limits, std::slice::from_ref(&method)).0.into_iter().next().map(|p| resp_msg(p, s))
                }
            };
            // A start line the parser rejects leaves its text uncovered: reported as text ignored.
            out.extend(parsed);
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Diagnostics of a segment parse with offsets made file offsets.
fn rebase(d: Vec<CaptureDiag>, base: usize) -> Vec<CaptureDiag> {
    d.into_iter()
        .map(|mut x| {
            x.file_offset = Some(x.file_offset.map_or(base as u64, |o| o.saturating_add(base as u64)));
            x
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ1: &str = "POST /mapi/emsmdb/?MailboxId=a@contoso.com HTTP/1.1\r\nContent-Type: application/mapi-http\r\nX-RequestType: Connect\r\nContent-Length: 5\r\n\r\n/o=A\0";
    const RESP1: &str = "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\nPROCESSING\r\nDONE\r\n";
    const REQ2: &str = "POST /mapi/emsmdb/ HTTP/1.1\r\nX-RequestType: PING\r\nContent-Length: 0\r\n\r\n";
    const RESP2: &str = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";

    #[test]
    fn start_lines() {
        assert!(is_request_line(b"POST /mapi/emsmdb/ HTTP/1.1"));
        assert!(is_request_line(b"CONNECT mail.contoso.com:443 HTTP/1.0"));
        assert!(!is_request_line(b"POST /x HTTP/1.1 extra"));
        assert!(!is_request_line(b"post /x HTTP/1.1"));
        assert!(is_status_line(b"HTTP/1.1 200 OK"));
        assert!(is_status_line(b"HTTP/1.1 204"));
        assert!(!is_status_line(b"HTTP/1.1 20 OK"));
        assert!(looks_like_raw_http(b"\n\r\nHTTP/1.1 200 OK\r\n"));
        assert!(!looks_like_raw_http(b"hello\nPOST / HTTP/1.1\n"));
    }

    #[test]
    fn interleaved() {
        let text = format!("{REQ1}\r\n{RESP1}\r\n{REQ2}{RESP2}");
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.format, Format::RawHttp);
        assert_eq!(c.exchanges.len(), 2);
        let a = &c.exchanges[0];
        assert_eq!(a.request.as_ref().unwrap().header("x-requesttype"), Some("Connect"));
        assert_eq!(a.request.as_ref().unwrap().body, b"/o=A\0");
        assert_eq!(a.response.as_ref().unwrap().body, b"PROCESSING\r\nDONE\r\n");
        assert_eq!(c.exchanges[1].response.as_ref().unwrap().status, 401);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
    }

    /// A response right after a binary request body, on the same line: framed by Content-Length.
    #[test]
    fn message_after_binary_body_on_the_same_line() {
        let text = format!("{REQ1}{RESP1}{REQ2}{RESP2}");
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 2);
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().body, b"/o=A\0");
        assert_eq!(c.exchanges[0].response.as_ref().unwrap().body, b"PROCESSING\r\nDONE\r\n");
        assert_eq!(c.exchanges[1].response.as_ref().unwrap().status, 401);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        // A status line inside a body is not a message.
        let body = "HTTP/1.1 200 fake\r\n\r\n";
        let text = format!("POST /x HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}{RESP2}", body.len());
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 1);
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().body, body.as_bytes());
        assert_eq!(c.exchanges[0].response.as_ref().unwrap().status, 401);
    }

    /// A paste whose CRLFs became LFs: the Content-Length overshoots; messages end at the next start line.
    #[test]
    fn bare_lf_paste_with_stale_content_length() {
        let text = "POST /mapi/emsmdb/ HTTP/1.1\nX-RequestType: PING\nContent-Length: 12\n\nab\ncd\nHTTP/1.1 200 OK\nContent-Length: 0\n\n";
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 1);
        let rq = c.exchanges[0].request.as_ref().unwrap();
        assert_eq!(rq.body, b"ab\ncd\n");
        assert_eq!(c.exchanges[0].response.as_ref().unwrap().status, 200);
        assert!(!c.exchanges[0].diagnostics.is_empty(), "the short body is reported");
    }

    #[test]
    fn grouped_and_bare_lf() {
        let text = format!("{REQ1}\n{REQ2}\n{RESP1}\n{RESP2}").replace("\r\n", "\n");
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 2);
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().body, b"/o=A\0");
        assert_eq!(c.exchanges[0].request.as_ref().unwrap().uri, "/mapi/emsmdb/?MailboxId=a@contoso.com");
        assert_eq!(c.exchanges[1].request.as_ref().unwrap().header("X-RequestType"), Some("PING"));
        assert_eq!(c.exchanges[0].response.as_ref().unwrap().status, 200);
        assert_eq!(c.exchanges[1].response.as_ref().unwrap().status, 401);
    }

    #[test]
    fn unpaired_and_leading_text() {
        let text = format!("captured by me\n{REQ1}\n{REQ2}{RESP1}");
        let c = read_raw_http(text.as_bytes(), &Limits::default()).unwrap();
        assert_eq!(c.exchanges.len(), 2);
        assert!(c.exchanges[1].response.is_none());
        let msgs: Vec<&str> = c.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["15 bytes of text before the first HTTP message ignored (offset 0)", "2 requests and 1 responses: paired in order, the rest unpaired"]);
        assert!(read_raw_http(b"just text\n", &Limits::default()).is_err());
    }
}
