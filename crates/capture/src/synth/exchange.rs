//! One generated HTTP exchange with everything every format needs: the connection it travels on,
//! the request and response as sent (head, body, chunk framing) and the time each part was on the
//! wire. The writers serialise it; the tests decode its MAPI bodies.

use mapiscope_codec::RequestType;

use super::time::Ns;

/// One TCP connection's endpoints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conn {
    /// Connection number, in order of first use (0-based).
    pub id: u32,
    /// Client IPv4 address.
    pub client_ip: [u8; 4],
    /// Client TCP port.
    pub client_port: u16,
    /// Client MAC address.
    pub client_mac: [u8; 6],
    /// Server IPv4 address.
    pub server_ip: [u8; 4],
    /// Server TCP port.
    pub server_port: u16,
    /// Server-side (gateway) MAC address.
    pub server_mac: [u8; 6],
}

/// A piece of the response body sent at one time (a chunk of a chunked response, or the whole body).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// When the piece reached the capture point.
    pub time: Ns,
    /// The body bytes (before chunk framing).
    pub data: Vec<u8>,
}

/// What a generated exchange is, for the tests and for callers that check what a reader found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A MAPI/HTTP request of this type.
    Mapi(RequestType),
    /// An Autodiscover POX request.
    Autodiscover,
}

/// One HTTP request/response pair.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The connection.
    pub conn: Conn,
    /// Host header value (also the host of HAR/SAZ URLs).
    pub host: String,
    /// Method.
    pub method: String,
    /// Request target (path and query).
    pub target: String,
    /// Request headers in order (Content-Length included).
    pub req_headers: Vec<(String, String)>,
    /// Request body.
    pub req_body: Vec<u8>,
    /// When the first request byte was sent.
    pub t_request: Ns,
    /// Status code.
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Response headers in order (Transfer-Encoding or Content-Length included).
    pub resp_headers: Vec<(String, String)>,
    /// Whether the response body is sent with chunked transfer coding (one chunk per part).
    pub chunked: bool,
    /// The response body in parts with their times; the head goes with the first part.
    pub parts: Vec<Part>,
    /// What this exchange is.
    pub kind: Kind,
    /// The Session Context the exchange belongs to (1-based; a reconnect starts a new one; address
    /// book and mailbox contexts are distinct), for decoding in session order. 0 for Autodiscover.
    pub context: u32,
    /// The user name of the session (for summaries).
    pub user: String,
    /// True when the response is a transport failure on purpose (X-ResponseCode 10 before a
    /// reconnect): its body is the failure text, and the codec reports it as such.
    pub transport_error: bool,
    /// The client closes the connection after this exchange.
    pub close: bool,
}

impl Exchange {
    /// The request line and headers, ending with the empty line.
    pub fn request_head(&self, absolute: bool) -> Vec<u8> {
        let target = if absolute { format!("https://{}{}", self.host, self.target) } else { self.target.clone() };
        let mut s = format!("{} {} HTTP/1.1\r\n", self.method, target);
        for (n, v) in &self.req_headers {
            s.push_str(n);
            s.push_str(": ");
            s.push_str(v);
            s.push_str("\r\n");
        }
        s.push_str("\r\n");
        s.into_bytes()
    }

    /// The request as sent.
    pub fn request_wire(&self) -> Vec<u8> {
        let mut v = self.request_head(false);
        v.extend_from_slice(&self.req_body);
        v
    }

    /// The status line and headers, ending with the empty line.
    pub fn response_head(&self) -> Vec<u8> {
        let mut s = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        for (n, v) in &self.resp_headers {
            s.push_str(n);
            s.push_str(": ");
            s.push_str(v);
            s.push_str("\r\n");
        }
        s.push_str("\r\n");
        s.into_bytes()
    }

    /// The response as it travels, in timed pieces: the head with the first part, then one piece per
    /// later part; chunk framing (and the last-chunk) when chunked.
    pub fn response_pieces(&self) -> Vec<(Ns, Vec<u8>)> {
        let mut out: Vec<(Ns, Vec<u8>)> = Vec::with_capacity(self.parts.len());
        let n = self.parts.len();
        for (i, p) in self.parts.iter().enumerate() {
            let mut v = if i == 0 { self.response_head() } else { Vec::new() };
            if self.chunked {
                if !p.data.is_empty() {
                    v.extend_from_slice(format!("{:x}\r\n", p.data.len()).as_bytes());
                    v.extend_from_slice(&p.data);
                    v.extend_from_slice(b"\r\n");
                }
                if i + 1 == n {
                    v.extend_from_slice(b"0\r\n\r\n");
                }
            } else {
                v.extend_from_slice(&p.data);
            }
            out.push((p.time, v));
        }
        out
    }

    /// The whole response as sent.
    pub fn response_wire(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (_, v) in self.response_pieces() {
            out.extend_from_slice(&v);
        }
        out
    }

    /// The response body after transfer decoding.
    pub fn response_body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.parts.iter().map(|p| p.data.len()).sum());
        for p in &self.parts {
            out.extend_from_slice(&p.data);
        }
        out
    }

    /// Bytes of the response body as transferred (chunk framing included).
    pub fn response_transfer_len(&self) -> usize {
        self.response_pieces().iter().map(|(_, v)| v.len()).sum::<usize>() - self.response_head().len()
    }

    /// When the first response byte arrived.
    pub fn t_response(&self) -> Ns {
        self.parts.first().map_or(self.t_request, |p| p.time)
    }

    /// When the last response byte arrived (the last part plus its transmission time).
    pub fn t_end(&self) -> Ns {
        self.parts.last().map_or(self.t_request, |p| p.time + transmit_ns(p.data.len()))
    }

    /// When the request was completely sent.
    pub fn t_request_sent(&self) -> Ns {
        self.t_request + transmit_ns(self.req_body.len() + 600)
    }

    /// The X-RequestType token, if a MAPI request.
    pub fn request_type(&self) -> Option<RequestType> {
        match self.kind {
            Kind::Mapi(t) => Some(t),
            Kind::Autodiscover => None,
        }
    }

    /// The first request header of this name.
    pub fn req_header(&self, name: &str) -> Option<&str> {
        self.req_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first response header of this name.
    pub fn resp_header(&self, name: &str) -> Option<&str> {
        self.resp_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Time to put `n` bytes on a 100 Mbit/s link (80 ns a byte).
pub fn transmit_ns(n: usize) -> Ns {
    n as Ns * 80
}
