//! HAR 1.2 ("HTTP Archive") output, streamed entry by entry: the request and response headers,
//! postData and content as base64 (the MAPI bodies are binary; the Autodiscover XML is text), and
//! the timings of each exchange. URLs are https, as a browser or a TLS-terminating proxy records them.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::enc::base64;
use super::exchange::{transmit_ns, Exchange, Kind};
use super::scenario::Event;
use super::time::{iso_ms, Ns};

const HEAD: &str = "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"mapiscope sample generator\",\"version\":\"0.1.0\"},\"pages\":[],\"entries\":[\n";
const TAIL: &str = "\n]}}\n";

fn ms(d: Ns) -> f64 {
    (d as f64 / 1000.0).round() / 1000.0
}

fn headers(h: &[(String, String)]) -> Value {
    Value::Array(h.iter().map(|(n, v)| json!({"name": n, "value": v})).collect())
}

fn cookies(h: &[(String, String)], name: &str) -> Value {
    let mut out = Vec::new();
    for (n, v) in h.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)) {
        if n.eq_ignore_ascii_case("Cookie") {
            for c in v.split(';') {
                if let Some((a, b)) = c.trim().split_once('=') {
                    out.push(json!({"name": a, "value": b}));
                }
            }
        } else if let Some((a, b)) = v.split(';').next().and_then(|c| c.split_once('=')) {
            out.push(json!({"name": a.trim(), "value": b, "path": v.split("path=").nth(1).map(|p| p.split(';').next().unwrap_or(p)), "httpOnly": v.contains("HttpOnly"), "secure": v.contains("secure")}));
        }
    }
    Value::Array(out)
}

/// One HAR entry of an exchange.
pub fn entry(x: &Exchange) -> String {
    let url = format!("https://{}{}", x.host, x.target);
    let query: Vec<Value> = x
        .target
        .split_once('?')
        .map(|(_, q)| q.split('&').filter_map(|kv| kv.split_once('=')).map(|(k, v)| json!({"name": k, "value": v})).collect())
        .unwrap_or_default();
    let req_type = x.req_header("Content-Type").unwrap_or("application/octet-stream");
    let post = if x.kind == Kind::Autodiscover {
        json!({"mimeType": req_type, "text": String::from_utf8_lossy(&x.req_body)})
    } else {
        json!({"mimeType": req_type, "text": base64(&x.req_body), "encoding": "base64"})
    };
    let body = x.response_body();
    let resp_type = x.resp_header("Content-Type").unwrap_or("application/octet-stream");
    let content = if x.kind == Kind::Autodiscover {
        json!({"size": body.len(), "mimeType": resp_type, "text": String::from_utf8_lossy(&body)})
    } else {
        json!({"size": body.len(), "mimeType": resp_type, "text": base64(&body), "encoding": "base64"})
    };
    let send = transmit_ns(x.request_wire().len());
    let wait = x.t_response().saturating_sub(x.t_request + send);
    let receive = x.t_end().saturating_sub(x.t_response());
    let v = json!({
        "startedDateTime": iso_ms(x.t_request),
        "time": ms(send + wait + receive),
        "request": {
            "method": x.method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "cookies": cookies(&x.req_headers, "Cookie"),
            "headers": headers(&x.req_headers),
            "queryString": query,
            "postData": post,
            "headersSize": x.request_head(false).len(),
            "bodySize": x.req_body.len(),
        },
        "response": {
            "status": x.status,
            "statusText": x.reason,
            "httpVersion": "HTTP/1.1",
            "cookies": cookies(&x.resp_headers, "Set-Cookie"),
            "headers": headers(&x.resp_headers),
            "content": content,
            "redirectURL": "",
            "headersSize": x.response_head().len(),
            "bodySize": x.response_transfer_len(),
        },
        "cache": {},
        "timings": {"blocked": 0.0, "dns": -1, "connect": -1, "send": ms(send), "wait": ms(wait), "receive": ms(receive), "ssl": -1},
        "serverIPAddress": format!("{}.{}.{}.{}", x.conn.server_ip[0], x.conn.server_ip[1], x.conn.server_ip[2], x.conn.server_ip[3]),
        "connection": x.conn.client_port.to_string(),
    });
    v.to_string()
}

/// Streams entries into a HAR file.
pub struct HarSink<W: Write> {
    out: W,
    bytes: u64,
    entries: u64,
}

impl<W: Write> HarSink<W> {
    /// Writes the opening of the document.
    pub fn new(mut out: W) -> io::Result<Self> {
        out.write_all(HEAD.as_bytes())?;
        Ok(HarSink { out, bytes: HEAD.len() as u64, entries: 0 })
    }

    fn entry_cost(&self, n_before: u64, e: &Event) -> u64 {
        match e {
            Event::Exchange(x) => entry(x).len() as u64 + u64::from(n_before > 0) * 2,
            Event::Close { .. } => 0,
        }
    }

    /// Adds one event (connection closes are not part of HAR).
    pub fn push(&mut self, e: &Event) -> io::Result<()> {
        if let Event::Exchange(x) = e {
            if self.entries > 0 {
                self.out.write_all(b",\n")?;
                self.bytes += 2;
            }
            let s = entry(x);
            self.out.write_all(s.as_bytes())?;
            self.bytes += s.len() as u64;
            self.entries += 1;
        }
        Ok(())
    }

    /// Bytes so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Bytes these events and the end of the document would add.
    pub fn cost(&self, events: &[Event]) -> u64 {
        let mut n = self.entries;
        let mut total = TAIL.len() as u64;
        for e in events {
            total += self.entry_cost(n, e);
            if matches!(e, Event::Exchange(_)) {
                n += 1;
            }
        }
        total
    }

    /// Closes the document.
    pub fn finish(mut self) -> io::Result<(W, u64)> {
        self.out.write_all(TAIL.as_bytes())?;
        self.out.flush()?;
        Ok((self.out, self.bytes + TAIL.len() as u64))
    }
}
