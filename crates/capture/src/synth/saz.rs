//! Fiddler session archive (SAZ) output: a zip (entries Stored) with `[Content_Types].xml` and, per
//! session, `raw/NN_c.txt` (the request as Fiddler saw it, absolute URL), `raw/NN_s.txt` (the
//! response as sent) and `raw/NN_m.xml` (SessionTimers and session flags). Each new client
//! connection starts with the HTTPS CONNECT tunnel session Fiddler records before decrypting.

use std::io::{self, Seek, Write};

use crate::zipfile::{DosTime, StoredZipWriter};

use super::exchange::{transmit_ns, Exchange};
use super::scenario::Event;
use super::time::{civil, iso_ticks, Ns};

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\r\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\r\n<Default Extension=\"htm\" ContentType=\"text/html\" />\r\n<Default Extension=\"xml\" ContentType=\"application/xml\" />\r\n<Default Extension=\"txt\" ContentType=\"text/plain\" />\r\n</Types>";

/// Per zip entry: local header (30) and central directory record (46) plus the name twice.
const ENTRY_OVERHEAD: u64 = 30 + 46;
/// End of central directory record.
const EOCD: u64 = 22;

/// The three files of one session.
fn session_files(n: u64, width: usize, x: &Exchange, connect: bool) -> [(String, Vec<u8>); 3] {
    let (c, s) = if connect { connect_session(x) } else { (x.request_head(true).into_iter().chain(x.req_body.iter().copied()).collect(), x.response_wire()) };
    let m = meta(n, x, connect);
    [
        (format!("raw/{n:0width$}_c.txt"), c),
        (format!("raw/{n:0width$}_m.xml"), m),
        (format!("raw/{n:0width$}_s.txt"), s),
    ]
}

fn connect_session(x: &Exchange) -> (Vec<u8>, Vec<u8>) {
    let c = format!(
        "CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\nConnection: keep-alive\r\nUser-Agent: {ua}\r\n\r\n",
        host = x.host,
        ua = x.req_header("User-Agent").unwrap_or("Microsoft Office/16.0")
    );
    let t = civil(x.t_request.saturating_sub(3_000_000));
    let s = format!(
        "HTTP/1.1 200 Connection Established\r\nFiddlerGateway: Direct\r\nStartTime: {:02}:{:02}:{:02}.{:03}\r\nConnection: close\r\n\r\nThis is a HTTPS CONNECT Tunnel. Secure traffic flows through this connection.\r\n\r\nSecure Protocol: Tls12\r\nCipher: Aes256 256bits\r\nHash Algorithm: Sha384 ?bits\r\nKey Exchange: ECDHE_RSA (0xae06) 255bits\r\n",
        t.hour,
        t.minute,
        t.second,
        t.nanos / 1_000_000
    );
    (c.into_bytes(), s.into_bytes())
}

fn ip(a: [u8; 4]) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// The `NN_m.xml` of a session.
fn meta(n: u64, x: &Exchange, connect: bool) -> Vec<u8> {
    let t0 = if connect { x.t_request.saturating_sub(3_000_000) } else { x.t_request };
    let (sent, first, end) = if connect {
        (t0 + 200_000, t0 + 1_800_000, t0 + 1_900_000)
    } else {
        (x.t_request + transmit_ns(x.request_wire().len()), x.t_response(), x.t_end())
    };
    let proxy: Ns = 150_000;
    let timers = format!(
        "ClientConnected=\"{cc}\" ClientBeginRequest=\"{cb}\" GotRequestHeaders=\"{gh}\" ClientDoneRequest=\"{cd}\" GatewayTime=\"0\" DNSTime=\"0\" TCPConnectTime=\"0\" HTTPSHandshakeTime=\"0\" ServerConnected=\"{sc}\" FiddlerBeginRequest=\"{fb}\" ServerGotRequest=\"{sg}\" ServerBeginResponse=\"{sb}\" GotResponseHeaders=\"{gr}\" ServerDoneResponse=\"{sd}\" ClientBeginResponse=\"{cbr}\" ClientDoneResponse=\"{cdr}\"",
        cc = iso_ticks(t0.saturating_sub(5_000_000)),
        cb = iso_ticks(t0),
        gh = iso_ticks(t0 + 40_000),
        cd = iso_ticks(sent),
        sc = iso_ticks(t0.saturating_sub(4_000_000)),
        fb = iso_ticks(sent + 20_000),
        sg = iso_ticks(sent + proxy),
        sb = iso_ticks(first.saturating_sub(proxy)),
        gr = iso_ticks(first),
        sd = iso_ticks(end),
        cbr = iso_ticks(first + 30_000),
        cdr = iso_ticks(end + 60_000),
    );
    let flags = if connect {
        format!(
            "<SessionFlag N=\"x-clientip\" V=\"{}\" />\r\n    <SessionFlag N=\"x-clientport\" V=\"{}\" />\r\n    <SessionFlag N=\"x-processinfo\" V=\"outlook:4242\" />\r\n    <SessionFlag N=\"x-hostip\" V=\"{}\" />\r\n    <SessionFlag N=\"x-responsebodytransferlength\" V=\"0\" />",
            ip(x.conn.client_ip),
            x.conn.client_port,
            ip(x.conn.server_ip)
        )
    } else {
        format!(
            "<SessionFlag N=\"x-clientip\" V=\"{}\" />\r\n    <SessionFlag N=\"x-clientport\" V=\"{}\" />\r\n    <SessionFlag N=\"x-processinfo\" V=\"outlook:4242\" />\r\n    <SessionFlag N=\"x-hostip\" V=\"{}\" />\r\n    <SessionFlag N=\"x-responsebodytransferlength\" V=\"{}\" />\r\n    <SessionFlag N=\"x-egressport\" V=\"{}\" />",
            ip(x.conn.client_ip),
            x.conn.client_port,
            ip(x.conn.server_ip),
            x.response_transfer_len(),
            x.conn.client_port.wrapping_add(7000)
        )
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Session SID=\"{n}\" BitFlags=\"{}\">\r\n  <SessionTimers {timers} />\r\n  <PipeInfo CltReuse=\"true\" Reused=\"true\" />\r\n  <SessionFlags>\r\n    {flags}\r\n  </SessionFlags>\r\n</Session>",
        if connect { "1" } else { "3" }
    )
    .into_bytes()
}

/// Streams sessions into a SAZ zip.
pub struct SazSink<W: Write + Seek> {
    zip: StoredZipWriter<W>,
    width: usize,
    sessions: u64,
    seen: std::collections::BTreeSet<u32>,
    /// Local headers and data written so far.
    body: u64,
    /// Central directory bytes the entries so far will need.
    central: u64,
}

fn dos_time(t: Ns) -> DosTime {
    let c = civil(t);
    DosTime::new(c.year, c.month, c.day, c.hour, c.minute, c.second)
}

impl<W: Write + Seek> SazSink<W> {
    /// A new archive; `expected_sessions` sets the width of the session numbers.
    pub fn new(out: W, expected_sessions: u64, start: Ns) -> io::Result<Self> {
        let mut zip = StoredZipWriter::new(out);
        zip.add("[Content_Types].xml", CONTENT_TYPES.as_bytes(), dos_time(start))?;
        let name = "[Content_Types].xml".len() as u64;
        let width = expected_sessions.max(10).to_string().len();
        Ok(SazSink {
            zip,
            width,
            sessions: 0,
            seen: Default::default(),
            body: 30 + name + CONTENT_TYPES.len() as u64,
            central: 46 + name,
        })
    }

    fn add(&mut self, t: Ns, files: [(String, Vec<u8>); 3]) -> io::Result<()> {
        for (name, data) in files {
            self.zip.add(&name, &data, dos_time(t))?;
            self.body += 30 + name.len() as u64 + data.len() as u64;
            self.central += 46 + name.len() as u64;
        }
        Ok(())
    }

    fn files_cost(files: &[(String, Vec<u8>); 3]) -> u64 {
        files.iter().map(|(n, d)| ENTRY_OVERHEAD + 2 * n.len() as u64 + d.len() as u64).sum()
    }

    /// Adds one event.
    pub fn push(&mut self, e: &Event) -> io::Result<()> {
        if let Event::Exchange(x) = e {
            if self.seen.insert(x.conn.id) {
                self.sessions += 1;
                let f = session_files(self.sessions, self.width, x, true);
                self.add(x.t_request, f)?;
            }
            self.sessions += 1;
            let f = session_files(self.sessions, self.width, x, false);
            self.add(x.t_request, f)?;
        }
        Ok(())
    }

    /// Bytes so far (the central directory of the entries so far counted).
    pub fn bytes(&self) -> u64 {
        self.body + self.central + EOCD
    }

    /// Bytes these events would add.
    pub fn cost(&self, events: &[Event]) -> u64 {
        let mut n = self.sessions;
        let mut seen = self.seen.clone();
        let mut total = 0;
        for e in events {
            if let Event::Exchange(x) = e {
                if seen.insert(x.conn.id) {
                    n += 1;
                    total += Self::files_cost(&session_files(n, self.width, x, true));
                }
                n += 1;
                total += Self::files_cost(&session_files(n, self.width, x, false));
            }
        }
        total
    }

    /// Writes the central directory.
    pub fn finish(self) -> io::Result<(W, u64)> {
        let bytes = self.bytes();
        let w = self.zip.finish()?;
        Ok((w, bytes))
    }
}
