//! The capture model shared by every input format: HTTP messages grouped into exchanges, with times,
//! connection identity and diagnostics. Formats fill it ([`crate::pcap`], [`crate::har`],
//! [`crate::saz`], [`crate::rawhttp`], [`crate::body`]); [`crate::mapi`] turns it into MAPI/HTTP
//! exchanges and sessions.

use mapiscope_codec::Severity;

/// Seconds since the Unix epoch, with sub-second precision (what pcap, pcapng, HAR and SAZ give).
pub type Time = f64;

/// The formats a capture can be in (auto-detected from the content, never from the file name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// libpcap file (either byte order, micro- or nanosecond timestamps).
    Pcap,
    /// pcapng file.
    PcapNg,
    /// HTTP Archive 1.2 (JSON).
    Har,
    /// Fiddler session archive (zip with raw/NN_c.txt, NN_s.txt, NN_m.xml).
    Saz,
    /// HTTP/1.1 messages as text, as pasted from a proxy.
    RawHttp,
    /// A bare body in hex or base64 (the request type given by the user).
    BareBody,
}

impl Format {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::PcapNg => "pcapng",
            Format::Har => "HAR",
            Format::Saz => "Fiddler SAZ",
            Format::RawHttp => "raw HTTP",
            Format::BareBody => "bare body",
        }
    }
}

/// A diagnostic about the capture (not about a MAPI body): truncation, TCP gaps, TLS, bad HTTP.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureDiag {
    /// Severity.
    pub severity: Severity,
    /// What happened, in a sentence.
    pub message: String,
    /// Where, when it is a file position (byte offset in the capture file).
    pub file_offset: Option<u64>,
}

impl CaptureDiag {
    /// A diagnostic without a file position.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        CaptureDiag { severity, message: message.into(), file_offset: None }
    }
    /// A diagnostic at a byte offset of the capture file.
    pub fn at(severity: Severity, message: impl Into<String>, offset: u64) -> Self {
        CaptureDiag { severity, message: message.into(), file_offset: Some(offset) }
    }
}

/// One side of a TCP connection, for grouping and display.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// IP address as text (IPv4 dotted or IPv6).
    pub addr: String,
    /// TCP port.
    pub port: u16,
}

/// The HTTP request of an exchange.
#[derive(Clone, Debug, Default)]
pub struct HttpRequest {
    /// Method (`POST`).
    pub method: String,
    /// Request target as sent (`/mapi/emsmdb/?MailboxId=…`), or the full URL (HAR).
    pub uri: String,
    /// Header fields in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body after transfer decoding (de-chunked) and content decoding (gzip/deflate).
    pub body: Vec<u8>,
    /// When the request started (first byte), if known.
    pub time: Option<Time>,
}

/// The HTTP response of an exchange.
#[derive(Clone, Debug, Default)]
pub struct HttpResponse {
    /// Status code (200).
    pub status: u16,
    /// Reason phrase.
    pub reason: String,
    /// Header fields in order, names as sent (trailers of a chunked body appended).
    pub headers: Vec<(String, String)>,
    /// The body after transfer and content decoding. For MAPI/HTTP this starts with the meta-tags.
    pub body: Vec<u8>,
    /// When the first byte of the response arrived, if known.
    pub first_byte_time: Option<Time>,
    /// When the last byte arrived, if known.
    pub end_time: Option<Time>,
    /// Arrival time of each body chunk of a chunked response (PROCESSING / PENDING keep-alives arrive
    /// over time), if known.
    pub chunk_times: Vec<Time>,
    /// Whether the body is complete (false when the capture ends or a gap cuts it).
    pub complete: bool,
}

/// One HTTP request/response pair, in capture order.
#[derive(Clone, Debug, Default)]
pub struct HttpExchange {
    /// The request (None if only a response was captured).
    pub request: Option<HttpRequest>,
    /// The response (None if the capture has no answer).
    pub response: Option<HttpResponse>,
    /// Client side of the connection, when known (pcap/pcapng; HAR serverIPAddress only gives the server).
    pub client: Option<Endpoint>,
    /// Server side of the connection, when known.
    pub server: Option<Endpoint>,
    /// Connection number (0-based, in order of first appearance) when known.
    pub connection: Option<u32>,
    /// Diagnostics about this exchange's transport (gaps, truncation, HTTP parse problems).
    pub diagnostics: Vec<CaptureDiag>,
}

impl HttpRequest {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

impl HttpResponse {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// The first value of a header in a list (name compared case-insensitively).
pub fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// A capture read into HTTP exchanges.
#[derive(Clone, Debug)]
pub struct HttpCapture {
    /// Detected format.
    pub format: Format,
    /// Exchanges in order of request time (capture order where times are missing).
    pub exchanges: Vec<HttpExchange>,
    /// Diagnostics about the capture as a whole (truncated file, TLS connections, skipped packets).
    pub diagnostics: Vec<CaptureDiag>,
    /// Number of TCP connections that carried TLS (the MAPI traffic inside is encrypted).
    pub tls_connections: u32,
    /// Number of packets/entries read.
    pub packets: u64,
}

/// Why a file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// One line naming the formats tried and why the file is none of them.
    pub message: String,
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// Resource limits applied while reading (each with a test that proves it).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest decoded HTTP body (after de-chunking and decompression).
    pub max_body: usize,
    /// Largest SAZ zip entry after decompression.
    pub max_zip_entry: usize,
    /// Most TCP connections tracked at once.
    pub max_connections: usize,
    /// Most bytes buffered out of order per TCP direction before a gap is declared.
    pub max_out_of_order: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_body: 64 << 20, max_zip_entry: 256 << 20, max_connections: 100_000, max_out_of_order: 8 << 20 }
    }
}
