//! HTTP edge cases carried over real TCP in a pcap, each with its own capture built here: an
//! `Expect: 100-continue` request, a chunked response with trailers, gzip and deflate bodies split
//! across segments. (The TCP edge cases — out-of-order, retransmission, overlap, mid-connection
//! start, gap, pipelining, keep-alive — have their captures in `src/pcap/tests.rs`.)

use std::io::Write;

use mapiscope_capture::{sniff, HttpCapture, Limits};

/// A pcap (Ethernet, microseconds) of one TCP connection 10.0.0.1:50000 → 10.0.0.2:80: handshake,
/// the given segments (client or server, payload) one per packet 10 ms apart, then FINs.
fn capture(segments: &[(bool, &[u8])]) -> Vec<u8> {
    let mut frames: Vec<(f64, Vec<u8>)> = Vec::new();
    let (mut cseq, mut sseq) = (1000u32, 5000u32);
    let mut t = 1_700_000_000.0;
    let mut push = |t: &mut f64, client: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]| {
        frames.push((*t, frame(client, seq, ack, flags, payload)));
        *t += 0.01;
    };
    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const PSH: u8 = 0x08;
    const FIN: u8 = 0x01;
    push(&mut t, true, cseq, 0, SYN, &[]);
    push(&mut t, false, sseq, cseq + 1, SYN | ACK, &[]);
    cseq += 1;
    sseq += 1;
    push(&mut t, true, cseq, sseq, ACK, &[]);
    for (client, payload) in segments {
        if *client {
            push(&mut t, true, cseq, sseq, ACK | PSH, payload);
            cseq += payload.len() as u32;
        } else {
            push(&mut t, false, sseq, cseq, ACK | PSH, payload);
            sseq += payload.len() as u32;
        }
    }
    push(&mut t, true, cseq, sseq, ACK | FIN, &[]);
    push(&mut t, false, sseq, cseq + 1, ACK | FIN, &[]);
    push(&mut t, true, cseq + 1, sseq + 1, ACK, &[]);
    let mut file = Vec::new();
    // pcap header: magic, version 2.4, thiszone, sigfigs, snaplen, linktype 1 (Ethernet).
    file.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    file.extend_from_slice(&2u16.to_le_bytes());
    file.extend_from_slice(&4u16.to_le_bytes());
    for v in [0u32, 0, 65535, 1] {
        file.extend_from_slice(&v.to_le_bytes());
    }
    for (t, f) in frames {
        let sec = t as u32;
        let usec = ((t - f64::from(sec)) * 1e6).round() as u32;
        for v in [sec, usec, f.len() as u32, f.len() as u32] {
            file.extend_from_slice(&v.to_le_bytes());
        }
        file.extend_from_slice(&f);
    }
    file
}

/// Ethernet + IPv4 + TCP (checksums left zero: readers of captures do not check them).
fn frame(client: bool, seq: u32, ack: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst, sport, dport) = if client { ([10, 0, 0, 1], [10, 0, 0, 2], 50000u16, 80u16) } else { ([10, 0, 0, 2], [10, 0, 0, 1], 80, 50000) };
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00];
    let total = 20 + 20 + payload.len();
    f.extend_from_slice(&[0x45, 0, (total >> 8) as u8, total as u8, 0, 0, 0x40, 0, 64, 6, 0, 0]);
    f.extend_from_slice(&src);
    f.extend_from_slice(&dst);
    f.extend_from_slice(&sport.to_be_bytes());
    f.extend_from_slice(&dport.to_be_bytes());
    f.extend_from_slice(&seq.to_be_bytes());
    f.extend_from_slice(&ack.to_be_bytes());
    f.extend_from_slice(&[0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
    f.extend_from_slice(payload);
    f
}

fn read(segments: &[(bool, &[u8])]) -> HttpCapture {
    let c = sniff::read(&capture(segments), &Limits::default()).unwrap();
    assert_eq!(c.format, mapiscope_capture::Format::Pcap);
    c
}

#[test]
fn expect_100_continue_over_tcp() {
    let body: Vec<u8> = (0..3000u32).map(|i| (i % 251) as u8).collect();
    let head = format!(
        "POST /mapi/emsmdb/?MailboxId=a@b HTTP/1.1\r\nHost: mail\r\nContent-Type: application/mapi-http\r\nX-RequestType: Execute\r\nExpect: 100-continue\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let c = read(&[
        (true, head.as_bytes()),
        (false, b"HTTP/1.1 100 Continue\r\n\r\n"),
        (true, &body[..1460]),
        (true, &body[1460..]),
        (false, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
    ]);
    assert_eq!(c.exchanges.len(), 1, "{:?}", c.exchanges);
    let x = &c.exchanges[0];
    let req = x.request.as_ref().unwrap();
    assert_eq!((req.method.as_str(), req.header("Expect")), ("POST", Some("100-continue")));
    assert_eq!(req.body, body);
    let resp = x.response.as_ref().unwrap();
    // The interim 100 is not the answer: the final 200 is.
    assert_eq!((resp.status, resp.body.as_slice(), resp.complete), (200, &b"hello"[..], true));
    assert!(x.diagnostics.iter().any(|d| d.message.contains("100")), "{:?}", x.diagnostics);
}

#[test]
fn chunked_response_with_trailers_over_tcp() {
    let c = read(&[
        (true, b"POST /mapi/emsmdb/ HTTP/1.1\r\nHost: mail\r\nContent-Length: 3\r\n\r\nabc"),
        (false, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Check\r\n\r\n"),
        (false, b"c\r\nPROCESSING\r\n\r\n"),
        (false, b"9\r\nPENDING\r\n"),
        (false, b"\r\n6\r\nDONE\r\n\r\n0\r\nX-Check: 42\r\n"),
        (false, b"\r\n"),
    ]);
    assert_eq!(c.exchanges.len(), 1);
    let resp = c.exchanges[0].response.as_ref().unwrap();
    assert_eq!(resp.body, b"PROCESSING\r\nPENDING\r\nDONE\r\n");
    // Trailers are appended to the headers.
    assert_eq!(resp.header("X-Check"), Some("42"));
    assert!(resp.complete);
    // A chunk's time is that of the segment carrying its last data byte (segments 10 ms apart, the
    // response head 10 ms after the request): the second chunk's data ends in its own segment even
    // though its closing CRLF comes with the next one.
    let t0 = c.exchanges[0].request.as_ref().unwrap().time.unwrap();
    let rel: Vec<i64> = resp.chunk_times.iter().map(|t| ((t - t0) * 1000.0).round() as i64).collect();
    assert_eq!(rel, vec![20, 30, 40]);
}

#[test]
fn gzip_and_deflate_bodies_split_across_segments() {
    let text: Vec<u8> = "<Autodiscover>mail.contoso.com</Autodiscover>".repeat(200).into_bytes();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let gz = gz.finish().unwrap();
    let mut zl = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zl.write_all(&text).unwrap();
    let zl = zl.finish().unwrap();
    let head = |enc: &str, n: usize| format!("HTTP/1.1 200 OK\r\nContent-Encoding: {enc}\r\nContent-Length: {n}\r\n\r\n");
    let (h1, h2) = (head("gzip", gz.len()), head("deflate", zl.len()));
    let (g1, g2) = gz.split_at(gz.len() / 2);
    let c = read(&[
        (true, b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n"),
        (false, h1.as_bytes()),
        (false, g1),
        (false, g2),
        (true, b"GET /b HTTP/1.1\r\nHost: x\r\n\r\n"),
        (false, h2.as_bytes()),
        (false, &zl),
    ]);
    assert_eq!(c.exchanges.len(), 2);
    for (x, uri) in c.exchanges.iter().zip(["/a", "/b"]) {
        assert_eq!(x.request.as_ref().unwrap().uri, uri);
        let resp = x.response.as_ref().unwrap();
        assert_eq!(resp.body, text, "{uri}");
        assert!(resp.complete);
    }
    assert!(gz.len() < text.len() / 4);
}
