//! pcap/pcapng → TCP → HTTP tests; every capture is built here with the writer in
//! [`crate::net::testpcap`].

use super::*;
use crate::model::HttpExchange;
use crate::net::testpcap::*;

const C4: [u8; 4] = [10, 0, 0, 1];
const S4: [u8; 4] = [10, 0, 0, 2];

fn c6() -> [u8; 16] {
    let mut a = [0u8; 16];
    a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
    a[15] = 1;
    a
}
fn s6() -> [u8; 16] {
    let mut a = c6();
    a[15] = 2;
    a
}

fn read(bytes: &[u8]) -> HttpCapture {
    read_lim(bytes, Limits::default())
}

/// Reads with [`read_pcap`], and checks that streaming ([`read_pcap_each`]) gives the same
/// exchanges in the same order and the same diagnostics.
fn read_lim(bytes: &[u8], limits: Limits) -> HttpCapture {
    let batch = read_pcap(bytes, &limits).unwrap();
    let mut streamed = Vec::new();
    let rest = read_pcap_each(bytes, &limits, &mut |_| {}, &mut |x| streamed.push(x)).unwrap();
    assert!(rest.exchanges.is_empty());
    assert_eq!(format!("{:?}", rest.diagnostics), format!("{:?}", batch.diagnostics));
    assert_eq!((rest.packets, rest.tls_connections), (batch.packets, batch.tls_connections));
    assert_eq!(streamed.len(), batch.exchanges.len());
    for (k, (a, b)) in streamed.iter().zip(&batch.exchanges).enumerate() {
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "exchange {k} streamed differs");
    }
    batch
}

fn messages(c: &HttpCapture) -> Vec<String> {
    c.diagnostics.iter().map(|d| d.message.clone()).collect()
}

fn req_body(e: &HttpExchange) -> &[u8] {
    &e.request.as_ref().unwrap().body
}
fn resp_body(e: &HttpExchange) -> &[u8] {
    &e.response.as_ref().unwrap().body
}

/// A connection with one MAPI exchange: handshake at t, request at t+0.1, response at t+0.2.
fn one_exchange(flow: &mut Flow, t: f64, req: &[u8], resp: &[u8]) {
    flow.handshake(t);
    flow.send(t + 0.1, true, req);
    flow.send(t + 0.2, false, resp);
    flow.close(t + 0.3);
}

#[test]
fn every_link_type_ipv4_and_ipv6() {
    let req = post("/mapi/emsmdb/?MailboxId=u@contoso.com", "Connect", b"\x01\x02\x03");
    let resp = ok(b"PROCESSING\r\nDONE\r\n\r\n\x00\x00");
    let links = [
        Link::Ethernet,
        Link::Vlan,
        Link::QinQ,
        Link::Sll,
        Link::Sll2,
        Link::Raw,
        Link::Ipv4Only,
        Link::NullLe,
        Link::NullBe,
        Link::Loop,
    ];
    for link in links {
        for v6 in [false, true] {
            if v6 && link == Link::Ipv4Only {
                continue;
            }
            let mut f = if v6 { Flow::v6((c6(), 50000), (s6(), 8080)) } else { Flow::v4((C4, 50000), (S4, 8080)) };
            one_exchange(&mut f, 1000.0, &req, &resp);
            let c = read(&pcap(&f.frames(link), link.linktype(), false, false));
            assert_eq!(c.format, Format::Pcap);
            assert_eq!(c.exchanges.len(), 1, "{link:?} v6={v6}: {:?}", messages(&c));
            let e = &c.exchanges[0];
            assert_eq!(req_body(e), b"\x01\x02\x03", "{link:?}");
            assert_eq!(resp_body(e), b"PROCESSING\r\nDONE\r\n\r\n\x00\x00");
            let r = e.request.as_ref().unwrap();
            assert_eq!(r.uri, "/mapi/emsmdb/?MailboxId=u@contoso.com");
            assert_eq!(r.header("X-RequestType"), Some("Connect"));
            assert_eq!(r.time, Some(1000.1));
            let s = e.response.as_ref().unwrap();
            assert_eq!((s.first_byte_time, s.end_time, s.complete), (Some(1000.2), Some(1000.2), true));
            let (client, server) = (e.client.as_ref().unwrap(), e.server.as_ref().unwrap());
            if v6 {
                assert_eq!(client.addr, "2001:db8::1");
                assert_eq!(server.addr, "2001:db8::2");
            } else {
                assert_eq!(client.addr, "10.0.0.1");
                assert_eq!(server.addr, "10.0.0.2");
            }
            assert_eq!((client.port, server.port), (50000, 8080));
            assert_eq!(e.connection, Some(0));
            assert!(e.diagnostics.is_empty(), "{:?}", e.diagnostics);
            assert!(c.diagnostics.is_empty(), "{link:?}: {:?}", messages(&c));
            assert_eq!(c.packets, f.packets.len() as u64);
        }
    }
}

#[test]
fn pcap_byte_orders_and_nanosecond_magic() {
    let mut f = Flow::v4((C4, 40000), (S4, 80));
    let t = 1_700_000_000.0;
    f.handshake(t);
    f.send(t + 0.123_456_789, true, &post("/mapi/nspi/", "Bind", b"x"));
    f.send(t + 0.5, false, &ok(b"y"));
    for be in [false, true] {
        for nano in [false, true] {
            let bytes = pcap(&f.frames(Link::Ethernet), 1, be, nano);
            let c = read(&bytes);
            assert_eq!(c.exchanges.len(), 1);
            let got = c.exchanges[0].request.as_ref().unwrap().time.unwrap() - t;
            let want = if nano { 0.123_456_789 } else { 0.123_457 };
            assert!((got - want).abs() < 1e-6 / 4.0, "be={be} nano={nano}: {got}");
            if nano {
                assert!((got - want).abs() < 1e-7);
            }
        }
    }
}

#[test]
fn pcapng_sections_interfaces_and_resolutions() {
    let mut a = Flow::v4((C4, 50001), (S4, 80));
    one_exchange(&mut a, 100.0, &post("/mapi/emsmdb/", "Execute", b"A"), &ok(b"ra"));
    let mut b = Flow::v6((c6(), 50002), (s6(), 443));
    one_exchange(&mut b, 200.0, &post("/mapi/emsmdb/", "Execute", b"B"), &ok(b"rb"));
    let mut c = Flow::v4((C4, 50003), (S4, 80));
    one_exchange(&mut c, 300.0, &post("/mapi/nspi/", "Bind", b"C"), &ok(b"rc"));
    let mut d = Flow::v4((C4, 50004), (S4, 80));
    one_exchange(&mut d, 400.0, &post("/mapi/nspi/", "Unbind", b"D"), &ok(b"rd"));

    let mut w = PcapNg::new();
    w.shb(false);
    w.idb(1, None, None); // Ethernet, microseconds
    w.idb(101, Some(0x80 | 20), Some(7)); // raw IP, 2^-20 s, offset 7 s
    w.nrb();
    for (i, (t, p)) in a.frames(Link::Ethernet).iter().enumerate() {
        // Alternate EPB and OPB for connection A.
        let ts = (t * 1e6).round() as u64;
        if i % 2 == 0 { w.epb(0, ts, p) } else { w.opb(0, ts, p) }
    }
    for (t, p) in b.frames(Link::Raw) {
        w.epb(1, ((t - 7.0) * (1u64 << 20) as f64).round() as u64, &p);
    }
    w.shb(true); // second section, big-endian, its own interfaces
    w.idb(1, Some(9), None); // nanoseconds
    w.idb(228, Some(3), None); // milliseconds, raw IPv4
    for (t, p) in c.frames(Link::Ethernet) {
        w.epb(0, (t * 1e9).round() as u64, &p);
    }
    for (t, p) in d.frames(Link::Ipv4Only) {
        w.epb(1, (t * 1e3).round() as u64, &p);
    }
    let bytes = w.buf;
    let cap = read(&bytes);
    assert_eq!(cap.format, Format::PcapNg);
    assert_eq!(cap.exchanges.len(), 4, "{:?}", messages(&cap));
    let bodies: Vec<&[u8]> = cap.exchanges.iter().map(req_body).collect();
    assert_eq!(bodies, [b"A", b"B", b"C", b"D"]);
    let times: Vec<f64> = cap.exchanges.iter().map(|e| e.request.as_ref().unwrap().time.unwrap()).collect();
    for (t, want) in times.iter().zip([100.1, 200.1, 300.1, 400.1]) {
        assert!((t - want).abs() < 1e-5, "{times:?}");
    }
    assert_eq!(cap.exchanges[1].server.as_ref().unwrap().port, 443);
    assert_eq!(messages(&cap), ["2 pcapng sections read"]);
}

#[test]
fn pcapng_simple_packet_blocks_take_the_previous_time() {
    let mut f = Flow::v4((C4, 50001), (S4, 80));
    one_exchange(&mut f, 10.0, &post("/a", "PING", b""), &ok(b""));
    let mut w = PcapNg::new();
    w.shb(false);
    w.idb(1, None, None);
    let frames = f.frames(Link::Ethernet);
    w.epb(0, 9_000_000, &frames[0].1);
    for (_, p) in &frames[1..] {
        w.spb(p);
    }
    let cap = read(&w.buf);
    assert_eq!(cap.exchanges.len(), 1);
    assert_eq!(cap.exchanges[0].request.as_ref().unwrap().time, Some(9.0));
    assert!(messages(&cap)[0].contains("no timestamp"));
}

#[test]
fn ipv4_fragments_reassembled() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 4000;
    let body = vec![b'z'; 3000];
    one_exchange(&mut f, 1.0, &post("/mapi/emsmdb/", "Execute", &body), &ok(b"ok"));
    // Fragment the request segment (packet 3) into 3 fragments sent out of order.
    let pkt = f.packets[3].1.clone();
    let tcp_part = &pkt[20..];
    let id = 777;
    let frags = [
        ipv4(C4, S4, id, 1000, true, 6, &tcp_part[1000..2000]),
        ipv4(C4, S4, id, 0, true, 6, &tcp_part[..1000]),
        ipv4(C4, S4, id, 2000, false, 6, &tcp_part[2000..]),
    ];
    let t = f.packets[3].0;
    let mut packets = f.packets.clone();
    packets.splice(3..4, frags.iter().map(|p| (t, p.clone())));
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
    assert_eq!(messages(&c), ["1 fragmented IP datagrams reassembled"]);
}

#[test]
fn ipv6_extension_headers_and_fragments() {
    let mut f = Flow::v6((c6(), 50000), (s6(), 80));
    f.mss = 4000;
    let body = vec![b'q'; 2000];
    one_exchange(&mut f, 1.0, &post("/mapi/emsmdb/", "Execute", &body), &ok(b"ok"));
    let pkt = f.packets[3].1.clone();
    let tcp_part = &pkt[40..];
    let t = f.packets[3].0;
    let frags = [
        ipv6(c6(), s6(), true, Some((99, 0, true)), &tcp_part[..1200]),
        ipv6(c6(), s6(), false, Some((99, 1200, false)), &tcp_part[1200..]),
    ];
    let mut packets = f.packets.clone();
    packets.splice(3..4, frags.iter().map(|p| (t, p.clone())));
    // The response goes through a Hop-by-Hop header (not fragmented).
    let resp_pkt = packets[5].1.clone();
    packets[5].1 = ipv6(s6(), c6(), true, None, &resp_pkt[40..]);
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
    assert_eq!(resp_body(&c.exchanges[0]), b"ok");
}

#[test]
fn request_split_into_many_segments() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 7;
    let body: Vec<u8> = (0..5000u32).map(|i| i as u8).collect();
    one_exchange(&mut f, 1.0, &post("/mapi/emsmdb/", "Execute", &body), &ok(&body));
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 1);
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
    assert_eq!(resp_body(&c.exchanges[0]), &body[..]);
}

#[test]
fn out_of_order_and_retransmitted_segments() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 100;
    let body: Vec<u8> = (0..2000u32).map(|i| (i * 7) as u8).collect();
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", &body));
    let n = f.packets.len();
    f.send(1.2, false, &ok(&body));
    let m = f.packets.len();
    f.close(1.3);
    let mut packets = f.packets.clone();
    // Request segments: reverse the order of 3..n; response: swap neighbours and retransmit some.
    packets[3..n].reverse();
    for i in (n..m - 1).step_by(2) {
        packets.swap(i, i + 1);
    }
    let dup: Vec<_> = packets[n..n + 5].to_vec();
    packets.splice(n + 8..n + 8, dup);
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
    assert_eq!(resp_body(&c.exchanges[0]), &body[..]);
    assert!(c.exchanges[0].diagnostics.is_empty());
    assert!(c.diagnostics.is_empty(), "{:?}", messages(&c));
}

#[test]
fn overlapping_segment_with_different_bytes_is_reported() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    let req = post("/mapi/emsmdb/", "Execute", b"0123456789");
    let start = f.c.seq;
    f.send(1.1, true, &req);
    // Overlap: the last 10 bytes again (different content) plus nothing new; then a consistent
    // overlap that also brings nothing new.
    let end = start.wrapping_add(req.len() as u32);
    f.push(1.15, true, end - 10, ACK, b"XXXXXXXXXX");
    f.push(1.16, true, end - 4, ACK, b"6789");
    f.send(1.2, false, &ok(b"ok"));
    f.close(1.3);
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 1);
    assert_eq!(req_body(&c.exchanges[0]), b"0123456789");
    let m = messages(&c);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].contains("1 retransmitted or overlapping segments carry bytes that differ from the first copy"), "{m:?}");
    assert!(m[0].contains(&format!("stream offset {}", req.len() - 10)));
}

#[test]
fn gap_reported_with_stream_position_and_exchange() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 1000;
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", b"first"));
    let before = f.packets.len();
    let resp = ok(&vec![b'r'; 4000]);
    f.send(1.2, false, &resp);
    f.send(1.3, true, &post("/mapi/emsmdb/", "Execute", b"second"));
    f.send(1.4, false, &ok(b"two"));
    f.close(1.5);
    let mut packets = f.packets.clone();
    packets.remove(before + 1); // server stream offsets 1000..2000
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 2, "{:?}", messages(&c));
    let e = &c.exchanges[0];
    let r = e.response.as_ref().unwrap();
    assert!(!r.complete);
    let head_len = resp.len() - 4000;
    assert_eq!(r.body.len(), 1000 - head_len);
    assert_eq!(e.diagnostics.len(), 1, "{:?}", e.diagnostics);
    let d = &e.diagnostics[0];
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.starts_with("TCP gap: 1000 bytes of the server→client stream missing at stream offset 1000"),
        "{}",
        d.message
    );
    assert!(d.file_offset.is_some());
    // The second exchange is intact (the first response's length resynchronises exactly).
    assert_eq!(req_body(&c.exchanges[1]), b"second");
    assert_eq!(resp_body(&c.exchanges[1]), b"two");
    assert!(c.exchanges[1].response.as_ref().unwrap().complete);
    // The gap was declared when the client acknowledged past it, so times stay those of arrival.
    assert_eq!(c.exchanges[1].response.as_ref().unwrap().end_time, Some(1.4));
}

#[test]
fn capture_starting_mid_connection() {
    let mut f = Flow::v4((C4, 50000), (S4, 8080));
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", b"lost request"));
    let cut = f.packets.len();
    f.send(1.2, false, &ok(b"orphan response"));
    f.send(1.3, true, &post("/mapi/emsmdb/", "Execute", b"second"));
    f.send(1.4, false, &ok(b"two"));
    let packets = f.packets[cut..].to_vec();
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 2, "{:?}", messages(&c));
    let orphan = &c.exchanges[0];
    assert!(orphan.request.is_none());
    assert_eq!(resp_body(orphan), b"orphan response");
    assert!(orphan.diagnostics[0].message.contains("capture starts after the request was sent"));
    // The client is known from the content (the server sent the first packet).
    assert_eq!(orphan.client.as_ref().unwrap().port, 50000);
    assert_eq!(req_body(&c.exchanges[1]), b"second");
    assert_eq!(resp_body(&c.exchanges[1]), b"two");
    let m = messages(&c);
    assert!(m.iter().any(|x| x.contains("capture starts mid-connection")), "{m:?}");
}

#[test]
fn capture_starting_inside_a_body_resynchronises() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 50;
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", &[b'b'; 300]));
    f.send(1.2, false, &ok(b"one"));
    f.send(1.3, true, &post("/mapi/emsmdb/", "Execute", b"second"));
    f.send(1.4, false, &ok(b"two"));
    // Start with the 4th request segment: inside the first request's body.
    let packets = f.packets[6..].to_vec();
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Raw.wrap(p))).collect();
    let c = read(&pcap(&frames, 101, false, false));
    assert_eq!(c.exchanges.len(), 2, "{:?}", messages(&c));
    assert!(c.exchanges[0].request.is_none());
    assert_eq!(resp_body(&c.exchanges[0]), b"one");
    assert_eq!(req_body(&c.exchanges[1]), b"second");
    let m = messages(&c);
    assert!(m.iter().any(|x| x.contains("skipped") && x.contains("mid-connection")), "{m:?}");
}

#[test]
fn keep_alive_three_exchanges_and_port_reuse() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    for i in 0..3 {
        let t = 2.0 + f64::from(i);
        f.send(t, true, &post("/mapi/emsmdb/", "Execute", format!("req{i}").as_bytes()));
        f.send(t + 0.5, false, &ok(format!("resp{i}").as_bytes()));
    }
    f.close(6.0);
    // Same ports again: a new connection.
    f.c.seq = 90_000;
    f.handshake(7.0);
    f.send(7.1, true, &post("/mapi/nspi/", "Bind", b"again"));
    f.send(7.2, false, &ok(b"ok"));
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 4, "{:?}", messages(&c));
    for i in 0..3 {
        let e = &c.exchanges[i];
        assert_eq!(req_body(e), format!("req{i}").as_bytes());
        assert_eq!(resp_body(e), format!("resp{i}").as_bytes());
        assert_eq!(e.connection, Some(0));
        assert_eq!(e.request.as_ref().unwrap().time, Some(2.0 + i as f64));
        assert_eq!(e.response.as_ref().unwrap().first_byte_time, Some(2.5 + i as f64));
    }
    assert_eq!(c.exchanges[3].connection, Some(1));
    assert_eq!(req_body(&c.exchanges[3]), b"again");
}

#[test]
fn pipelined_requests_paired_in_order() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    let mut reqs = Vec::new();
    for i in 0..3 {
        reqs.extend(post("/mapi/emsmdb/", "Execute", format!("p{i}").as_bytes()));
    }
    f.send(1.1, true, &reqs);
    let mut resps = Vec::new();
    for i in 0..3 {
        resps.extend(ok(format!("r{i}").as_bytes()));
    }
    f.mss = 60;
    f.send(1.2, false, &resps);
    f.close(1.3);
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 3);
    for (i, e) in c.exchanges.iter().enumerate() {
        assert_eq!(req_body(e), format!("p{i}").as_bytes());
        assert_eq!(resp_body(e), format!("r{i}").as_bytes());
    }
}

#[test]
fn mapi_chunked_response_with_chunk_times() {
    let mut f = Flow::v4((C4, 50000), (S4, 443));
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "NotificationWait", b"w"));
    f.send(
        1.2,
        false,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/mapi-http\r\nX-PendingPeriod: 15000\r\n\r\nC\r\nPROCESSING\r\n\r\n",
    );
    f.send(16.2, false, b"9\r\nPENDING\r\n\r\n");
    f.send(31.2, false, b"9\r\nPENDING\r\n\r\n");
    f.send(40.0, false, b"14\r\nDONE\r\n\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\r\n0\r\n\r\n");
    f.close(41.0);
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 1);
    let r = c.exchanges[0].response.as_ref().unwrap();
    assert_eq!(r.chunk_times, vec![1.2, 16.2, 31.2, 40.0]);
    assert_eq!(r.first_byte_time, Some(1.2));
    assert_eq!(r.end_time, Some(40.0));
    assert!(r.body.starts_with(b"PROCESSING\r\nPENDING\r\nPENDING\r\nDONE\r\n\r\n"));
    assert_eq!(r.body.len(), 12 + 9 + 9 + 20);
    assert!(r.complete);
}

#[test]
fn gzip_response_and_100_continue() {
    use std::io::Write;
    let plain = b"<?xml version=\"1.0\"?><Autodiscover/>".repeat(30);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&plain).unwrap();
    let gz = e.finish().unwrap();
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    f.send(
        1.1,
        true,
        b"POST /autodiscover/autodiscover.xml HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n",
    );
    f.send(1.2, false, b"HTTP/1.1 100 Continue\r\n\r\n");
    f.send(1.3, true, b"body");
    let mut resp = format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", gz.len()).into_bytes();
    resp.extend_from_slice(&gz);
    f.send(1.4, false, &resp);
    f.close(1.5);
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    let e = &c.exchanges[0];
    assert_eq!(req_body(e), b"body");
    assert_eq!(resp_body(e), &plain[..]);
    let r = e.response.as_ref().unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.first_byte_time, Some(1.4));
    assert_eq!(e.diagnostics.len(), 1);
    assert!(e.diagnostics[0].message.contains("interim response 100 Continue"));
}

#[test]
fn tls_connections_counted_and_reported() {
    let hello = [0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00];
    let mut c = Vec::new();
    for port in [50000u16, 50001] {
        let mut f = Flow::v4((C4, port), (S4, 443));
        f.handshake(1.0);
        f.send(1.1, true, &hello);
        f.send(1.2, false, &[0x16, 0x03, 0x03, 0x00, 0x02, 0x02, 0x00]);
        f.send(1.3, true, &[0x17, 0x03, 0x03, 0x00, 0x03, 1, 2, 3]);
        c.extend(f.frames(Link::Ethernet));
    }
    // And one cleartext exchange.
    let mut f = Flow::v4((C4, 50002), (S4, 80));
    one_exchange(&mut f, 2.0, &post("/mapi/emsmdb/", "PING", b""), &ok(b""));
    c.extend(f.frames(Link::Ethernet));
    let cap = read(&pcap(&c, 1, false, false));
    assert_eq!(cap.tls_connections, 2);
    assert_eq!(cap.exchanges.len(), 1);
    let m = messages(&cap);
    assert_eq!(m[0], "2 TLS connections: the MAPI traffic inside is encrypted");
    assert_eq!(m[1], "TCP connection 0 10.0.0.1:50000 → 10.0.0.2:443: TLS, 25 bytes encrypted");
    assert_eq!(cap.diagnostics[0].severity, Severity::Warning);
}

#[test]
fn truncated_files_keep_what_was_read() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    one_exchange(&mut f, 1.0, &post("/mapi/emsmdb/", "Execute", b"abc"), &ok(b"0123456789"));
    let full = pcap(&f.frames(Link::Ethernet), 1, false, false);
    // Cut inside the response packet's data (keep its header): the response is cut.
    let resp_frame_len = f.frames(Link::Ethernet)[4].1.len();
    let resp_end: usize = 24 + f.frames(Link::Ethernet)[..5].iter().map(|(_, p)| 16 + p.len()).sum::<usize>();
    let cut = resp_end - 5;
    let c = read(&full[..cut]);
    assert_eq!(c.exchanges.len(), 1);
    assert_eq!(req_body(&c.exchanges[0]), b"abc");
    assert!(c.exchanges[0].response.is_none());
    let d = c.diagnostics.iter().find(|d| d.message.starts_with("the file is truncated")).unwrap();
    let rec = resp_end - resp_frame_len - 16;
    assert_eq!(d.file_offset, Some(rec as u64));
    assert!(d.message.contains(&format!("record at file offset {rec} (record of {} bytes, {} present)", resp_frame_len + 16, cut - rec)), "{}", d.message);
    // A header cut short.
    let c = read(&full[..10]);
    assert!(c.exchanges.is_empty());
    assert!(messages(&c)[0].contains("24-byte pcap file header"));
    // pcapng cut inside a block.
    let mut w = PcapNg::new();
    w.shb(false);
    w.idb(1, None, None);
    for (t, p) in f.frames(Link::Ethernet) {
        w.epb(0, (t * 1e6) as u64, &p);
    }
    let n = w.buf.len();
    let c = read(&w.buf[..n - 30]);
    assert_eq!(c.exchanges.len(), 1);
    assert!(messages(&c).iter().any(|m| m.contains("it ends inside the block at file offset")));
}

#[test]
fn not_a_capture_is_an_error() {
    let e = read_pcap(b"GET / HTTP/1.1\r\n", &Limits::default()).unwrap_err();
    assert_eq!(e.message, "not a pcap or pcapng file: the magic number is 47455420");
    assert!(read_pcap(b"", &Limits::default()).is_err());
}

#[test]
fn billion_byte_chunk_header_is_bounded() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", b"x"));
    f.send(1.2, false, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3B9ACA00\r\nPROCESSING\r\n");
    f.close(1.3);
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    let e = &c.exchanges[0];
    let r = e.response.as_ref().unwrap();
    assert_eq!(r.body, b"PROCESSING\r\n");
    assert!(r.body.capacity() < 1 << 16);
    assert!(!r.complete);
    assert!(e.diagnostics[0].message.contains("inside a chunk of 1000000000 bytes (12 present)"), "{:?}", e.diagnostics);
}

#[test]
fn connection_limit_finishes_the_oldest() {
    let mut frames = Vec::new();
    let mut flows: Vec<Flow> = (0..3).map(|i| Flow::v4((C4, 50000 + i), (S4, 80))).collect();
    for (i, f) in flows.iter_mut().enumerate() {
        let t = 1.0 + i as f64;
        f.handshake(t);
        f.send(t + 0.1, true, &post("/a", "PING", b""));
        f.send(5.0, false, &ok(b"r"));
    }
    for f in &flows {
        frames.extend(f.frames(Link::Ethernet));
    }
    frames.sort_by(|a, b| a.0.total_cmp(&b.0));
    let c = read_lim(&pcap(&frames, 1, false, false), Limits { max_connections: 2, ..Limits::default() });
    let m = messages(&c);
    assert!(m.iter().any(|x| x.contains("more than 2 TCP connections open at once")), "{m:?}");
    // The evicted connection's request is kept, without a response.
    assert_eq!(c.exchanges.len(), 3);
    assert!(c.exchanges.iter().filter(|e| e.response.is_none()).count() == 1);
}

#[test]
fn out_of_order_limit_declares_a_gap() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 100;
    f.handshake(1.0);
    let first = f.packets.len();
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", &[b'a'; 1000]));
    f.send(1.2, true, &post("/mapi/emsmdb/", "Execute", b"next"));
    let mut packets = f.packets.clone();
    packets.remove(first + 2);
    // No ACKs from the server: only the limit can declare the gap.
    let frames: Vec<_> = packets.iter().map(|(t, p)| (*t, Link::Ethernet.wrap(p))).collect();
    let c = read_lim(&pcap(&frames, 1, false, false), Limits { max_out_of_order: 500, ..Limits::default() });
    assert_eq!(c.exchanges.len(), 2);
    assert!(c.exchanges[0].diagnostics.iter().any(|d| d.message.contains("TCP gap: 100 bytes")));
    assert_eq!(req_body(&c.exchanges[1]), b"next");
    // The gap was declared as soon as more than 500 bytes waited.
    assert_eq!(c.exchanges[1].request.as_ref().unwrap().time, Some(1.2));
}

#[test]
fn exchanges_ordered_by_request_time_across_connections() {
    let mut a = Flow::v4((C4, 50000), (S4, 80));
    let mut b = Flow::v4((C4, 50001), (S4, 80));
    a.handshake(1.0);
    b.handshake(1.0);
    a.send(2.0, true, &post("/x", "Execute", b"a1"));
    b.send(3.0, true, &post("/x", "Execute", b"b1"));
    a.send(4.0, true, &post("/x", "Execute", b"a2"));
    b.send(5.0, false, &ok(b"rb1"));
    a.send(6.0, false, &ok(b"ra1"));
    a.send(6.0, false, &ok(b"ra2"));
    b.close(7.0);
    let mut frames = a.frames(Link::Ethernet);
    frames.extend(b.frames(Link::Ethernet));
    frames.sort_by(|x, y| x.0.total_cmp(&y.0));
    let c = read(&pcap(&frames, 1, false, false));
    let order: Vec<&[u8]> = c.exchanges.iter().map(req_body).collect();
    assert_eq!(order, [b"a1", b"b1", b"a2"]);
    assert_eq!(resp_body(&c.exchanges[2]), b"ra2");
    assert_eq!(c.exchanges[1].connection, Some(1));
}

#[test]
fn request_without_response_and_non_http_connection() {
    let mut a = Flow::v4((C4, 50000), (S4, 80));
    a.handshake(1.0);
    a.send(1.1, true, &post("/x", "Execute", b"unanswered"));
    let mut b = Flow::v4((C4, 50001), (S4, 25));
    b.handshake(2.0);
    b.send(2.1, false, b"220 mail.contoso.com ESMTP\r\n");
    let mut frames = a.frames(Link::Ethernet);
    frames.extend(b.frames(Link::Ethernet));
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 1);
    assert!(c.exchanges[0].response.is_none());
    assert_eq!(c.exchanges[0].diagnostics[0].message, "no response in the capture");
    let m = messages(&c);
    assert!(m.iter().any(|x| x.contains("TCP connection 1 10.0.0.1:50001 → 10.0.0.2:25: no HTTP/1.x message found in 28 bytes")), "{m:?}");
}

#[test]
fn sequence_numbers_wrap() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.c.seq = u32::MAX - 50;
    f.mss = 40;
    let body = vec![b'w'; 500];
    one_exchange(&mut f, 1.0, &post("/x", "Execute", &body), &ok(b"ok"));
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
}

#[test]
fn malformed_frames_are_counted_not_fatal() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    one_exchange(&mut f, 1.0, &post("/x", "Execute", b"q"), &ok(b"r"));
    let mut frames = f.frames(Link::Ethernet);
    frames.insert(0, (0.5, vec![1, 2, 3])); // too short for Ethernet
    frames.insert(0, (0.5, Link::Ethernet.wrap(&ipv4(C4, S4, 1, 0, false, 17, &[0; 8])))); // UDP
    let c = read(&pcap(&frames, 1, false, false));
    assert_eq!(c.exchanges.len(), 1);
    let m = messages(&c);
    assert!(m[0].starts_with("1 frames could not be decoded"), "{m:?}");
    assert_eq!(m[1], "1 frames are not TCP over IP: skipped");
    let c = read(&pcap(&f.frames(Link::Ethernet), 147, false, false));
    assert!(c.exchanges.is_empty());
    assert!(messages(&c)[0].contains("unsupported link type 147"));
}

/// Many one-byte segments: linear time, memory bounded by the message (not by the segment count).
/// 1,000,000 segments in release builds, 200,000 in debug builds (where each costs ~10x more).
#[test]
fn a_million_tiny_segments() {
    let n: usize = if cfg!(debug_assertions) { 200_000 } else { 1_000_000 };
    let head = format!("POST /mapi/emsmdb/ HTTP/1.1\r\nX-RequestType: Execute\r\nContent-Length: {n}\r\n\r\n");
    let mut bytes = pcap(&[], 101, false, false);
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    let push = |p: Vec<u8>, t: f64, bytes: &mut Vec<u8>| {
        bytes.extend_from_slice(&(t as u32).to_le_bytes());
        bytes.extend_from_slice(&(((t.fract()) * 1e6) as u32).to_le_bytes());
        bytes.extend_from_slice(&(p.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&(p.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&p);
    };
    let seq0 = f.c.seq;
    push(f.packet(true, seq0, SYN, &[]), 1.0, &mut bytes);
    f.c.seq = seq0 + 1;
    let mut seq = f.c.seq;
    for chunk in head.as_bytes().chunks(1) {
        push(f.packet(true, seq, ACK, chunk), 1.0, &mut bytes);
        seq += 1;
    }
    for i in 0..n {
        push(f.packet(true, seq, ACK, &[(i % 251) as u8]), 1.0 + i as f64 * 1e-6, &mut bytes);
        seq = seq.wrapping_add(1);
    }
    push(f.packet(false, 9, SYN | ACK, &[]), 3.0, &mut bytes);
    f.s.seq = 10;
    push(f.packet(false, 10, ACK | PSH, &ok(b"done")), 3.0, &mut bytes);
    let start = std::time::Instant::now();
    let c = read(&bytes);
    let took = start.elapsed();
    eprintln!("{n} one-byte segments ({} MB) read in {took:?}", bytes.len() / 1_000_000);
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    let body = req_body(&c.exchanges[0]);
    assert_eq!(body.len(), n);
    assert!(body.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8));
    assert_eq!(resp_body(&c.exchanges[0]), b"done");
    assert_eq!(c.packets as usize, n + head.len() + 3);
    let limit = if cfg!(debug_assertions) { 20.0 } else { 4.0 };
    assert!(took.as_secs_f64() < limit, "{n} segments took {took:?}");
}

/// The same tiny segments arriving in reverse order within windows: the out-of-order store stays
/// bounded and nothing is lost.
#[test]
fn many_tiny_out_of_order_segments() {
    let n = 20_000usize;
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    let body: Vec<u8> = (0..n).map(|i| (i % 13) as u8).collect();
    let req = post("/x", "Execute", &body);
    f.mss = 1;
    let first = f.packets.len();
    f.send(1.1, true, &req);
    for w in f.packets[first..].chunks_mut(100) {
        w.reverse();
    }
    f.mss = 1460;
    f.send(1.2, false, &ok(b"k"));
    let c = read(&pcap(&f.frames(Link::Raw), 101, false, false));
    assert_eq!(req_body(&c.exchanges[0]), &body[..]);
    assert!(c.diagnostics.is_empty(), "{:?}", messages(&c));
}

#[test]
fn resolution_decoding() {
    assert_eq!(Resol::from_option(6), Resol::Pow10(6));
    assert_eq!(Resol::from_option(0x8a), Resol::Pow2(10));
    assert_eq!(Resol::Pow2(10).seconds(1024 * 5 + 512), 5.5);
    assert_eq!(Resol::Pow10(9).seconds(1_500_000_000), 1.5);
    assert_eq!(Resol::Pow10(0).seconds(42), 42.0);
    assert!((Resol::Pow10(25).seconds(1) - 1e-25).abs() < 1e-30);
    assert_eq!(Resol::Pow2(100).seconds(0), 0.0);
}

#[test]
fn detects_both_formats() {
    assert_eq!(detect(&pcap(&[], 1, false, false)), Some(Format::Pcap));
    assert_eq!(detect(&pcap(&[], 1, true, true)), Some(Format::Pcap));
    let mut w = PcapNg::new();
    w.shb(true);
    assert_eq!(detect(&w.buf), Some(Format::PcapNg));
    assert_eq!(detect(b"{\"log\""), None);
}

#[test]
fn reset_ends_the_connection() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.handshake(1.0);
    f.send(1.1, true, &post("/x", "Execute", b"q"));
    f.send(1.2, false, b"HTTP/1.1 200 OK\r\n\r\nclose-delimited");
    let s = f.s.seq;
    f.push(1.3, false, s, RST | ACK, &[]);
    // A late segment after the reset is absorbed, not a new connection.
    f.push(1.4, false, s, ACK, b"late");
    let c = read(&pcap(&f.frames(Link::Ethernet), 1, false, false));
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    let r = c.exchanges[0].response.as_ref().unwrap();
    assert_eq!(r.body, b"close-delimited");
    assert!(r.complete);
    assert!(c.diagnostics.is_empty(), "{:?}", messages(&c));
}

/// Throughput on a generated capture: 24 keep-alive connections interleaved, Execute-like exchanges
/// with 0.2–20 KB requests and chunked 1–60 KB responses in 1460-byte segments. 200 MB in release
/// builds (prints MB/s; run with `cargo test --release -p mapiscope-capture throughput -- --nocapture`),
/// 4 MB in debug builds.
#[test]
fn throughput_on_a_large_generated_capture() {
    let target: usize = if cfg!(debug_assertions) { 4 << 20 } else { 200 << 20 };
    let mut flows: Vec<Flow> = (0..24u16).map(|i| Flow::v4((C4, 40000 + i), (S4, 80))).collect();
    let mut bytes = pcap(&[], 1, false, false);
    bytes.reserve(target + (1 << 20));
    let mut seed = 0x1234_5678_u64;
    let mut rnd = |n: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut t = 1000.0;
    let write = |bytes: &mut Vec<u8>, f: &mut Flow, t: f64| {
        for (_, p) in f.packets.drain(..) {
            let frame = Link::Ethernet.wrap(&p);
            bytes.extend_from_slice(&(t as u32).to_le_bytes());
            bytes.extend_from_slice(&((t.fract() * 1e6) as u32).to_le_bytes());
            bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            bytes.extend_from_slice(&frame);
        }
    };
    for f in flows.iter_mut() {
        f.handshake(t);
        write(&mut bytes, f, t);
    }
    let mut exchanges = 0usize;
    let mut body = vec![0u8; 64 << 10];
    for (i, b) in body.iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    while bytes.len() < target {
        let i = rnd(flows.len() as u64) as usize;
        let f = &mut flows[i];
        t += 0.001;
        let req_len = 200 + rnd(20_000) as usize;
        f.send(t, true, &post("/mapi/emsmdb/?MailboxId=u@contoso.com", "Execute", &body[..req_len]));
        write(&mut bytes, f, t);
        let resp_len = 1000 + rnd(60_000) as usize;
        let mut resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/mapi-http\r\nX-ResponseCode: 0\r\n\r\nC\r\nPROCESSING\r\n\r\n".to_vec();
        resp.extend_from_slice(format!("{:x}\r\nDONE\r\n\r\n", resp_len + 8).as_bytes());
        resp.extend_from_slice(&body[..resp_len]);
        resp.extend_from_slice(b"\r\n0\r\n\r\n");
        t += 0.001;
        f.send(t, false, &resp);
        write(&mut bytes, f, t);
        exchanges += 1;
    }
    let start = std::time::Instant::now();
    let c = read(&bytes);
    let secs = start.elapsed().as_secs_f64();
    let mb = bytes.len() as f64 / 1e6;
    eprintln!("read_pcap: {mb:.0} MB, {} packets, {exchanges} exchanges in {secs:.3} s = {:.0} MB/s", c.packets, mb / secs);
    assert_eq!(c.exchanges.len(), exchanges);
    assert!(c.exchanges.iter().all(|e| e.response.as_ref().is_some_and(|r| r.complete && r.chunk_times.len() == 2)));
    assert!(c.diagnostics.is_empty(), "{:?}", messages(&c));
}

#[test]
fn modified_pcap_format() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    one_exchange(&mut f, 5.0, &post("/x", "Execute", b"m"), &ok(b"n"));
    let mut v = Vec::new();
    v.extend_from_slice(&0xa1b2_cd34u32.to_le_bytes());
    v.extend_from_slice(&2u16.to_le_bytes());
    v.extend_from_slice(&4u16.to_le_bytes());
    v.extend_from_slice(&[0; 8]);
    v.extend_from_slice(&65535u32.to_le_bytes());
    v.extend_from_slice(&1u32.to_le_bytes());
    for (t, p) in f.frames(Link::Ethernet) {
        v.extend_from_slice(&(t as u32).to_le_bytes());
        v.extend_from_slice(&((t.fract() * 1e6).round() as u32).to_le_bytes());
        v.extend_from_slice(&(p.len() as u32).to_le_bytes());
        v.extend_from_slice(&(p.len() as u32).to_le_bytes());
        v.extend_from_slice(&[0; 8]); // ifindex, protocol, packet type, pad
        v.extend_from_slice(&p);
    }
    let c = read(&v);
    assert_eq!(c.exchanges.len(), 1, "{:?}", messages(&c));
    assert_eq!(c.exchanges[0].request.as_ref().unwrap().time, Some(5.1));
}

#[test]
fn malformed_pcapng_blocks_are_skipped_by_length() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    one_exchange(&mut f, 1.0, &post("/x", "Execute", b"m"), &ok(b"n"));
    let mut w = PcapNg::new();
    w.shb(false);
    w.idb(1, None, None);
    // A packet block naming interface 5, and one whose captured length exceeds its block.
    w.epb(5, 0, &f.frames(Link::Ethernet)[0].1);
    let bad_at = w.buf.len();
    w.epb(0, 0, &[0u8; 16]);
    w.buf[bad_at + 20..bad_at + 24].copy_from_slice(&1000u32.to_le_bytes());
    for (t, p) in f.frames(Link::Ethernet) {
        w.epb(0, (t * 1e6) as u64, &p);
    }
    let c = read(&w.buf);
    assert_eq!(c.exchanges.len(), 1);
    let m = messages(&c);
    assert!(m[0].contains("names interface 5, which is not described"), "{m:?}");
    assert_eq!(m[1], format!("malformed enhanced packet block at file offset {bad_at} skipped"));
    assert_eq!(c.diagnostics[1].file_offset, Some(bad_at as u64));
    // A block length that cannot be right stops reading, with a diagnostic.
    let mut w2 = PcapNg::new();
    w2.shb(false);
    w2.buf.extend_from_slice(&[6, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    let c = read(&w2.buf);
    assert!(messages(&c)[0].contains("invalid length 7"));
}

/// Random damage to captures (bit flips, cut files, spliced garbage) never panics, and what is read
/// stays bounded by the input.
#[test]
fn damaged_captures_never_panic() {
    let mut f = Flow::v4((C4, 50000), (S4, 80));
    f.mss = 300;
    f.handshake(1.0);
    f.send(1.1, true, &post("/mapi/emsmdb/", "Execute", &[7u8; 2000]));
    f.send(
        1.2,
        false,
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n5\r\nabcde\r\n0\r\n\r\n",
    );
    f.send(1.3, true, &post("/mapi/emsmdb/", "Execute", b"x"));
    f.send(1.4, false, &ok(&[1u8; 1000]));
    f.close(1.5);
    let bases = [pcap(&f.frames(Link::Ethernet), 1, false, false), {
        let mut w = PcapNg::new();
        w.shb(true);
        w.idb(101, Some(0x85), None);
        for (t, p) in f.frames(Link::Raw) {
            w.epb(0, (t * 32.0) as u64, &p);
        }
        w.buf
    }];
    let mut seed = 42u64;
    let mut rnd = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let limits = Limits { max_body: 1500, max_out_of_order: 700, max_connections: 3, ..Limits::default() };
    for round in 0..400 {
        let mut b = bases[round % 2].clone();
        for _ in 0..1 + rnd(8) {
            let at = rnd(b.len());
            match rnd(4) {
                0 => b[at] ^= 1 << rnd(8),
                1 => b[at] = rnd(256) as u8,
                2 => b.truncate(at.max(4)),
                _ => {
                    let junk: Vec<u8> = (0..rnd(40)).map(|_| rnd(256) as u8).collect();
                    b.splice(at..at, junk);
                }
            }
        }
        if let Ok(c) = read_pcap(&b, &limits) {
            let total: usize = c
                .exchanges
                .iter()
                .map(|e| e.request.as_ref().map_or(0, |r| r.body.len()) + e.response.as_ref().map_or(0, |r| r.body.len()))
                .sum();
            assert!(total <= 2 * b.len() + 4 * 1500, "round {round}");
        }
    }
}
