//! Tests of the sample generator: every MAPI body decodes cleanly, every writer's output is
//! structurally valid, output is deterministic, size scaling lands on the target, and the committed
//! demo captures are what the generator writes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use mapiscope_codec::{decode_exchange, decode_exchange_in, RequestType, Session, Severity};

use super::*;

fn exchanges(g: impl Iterator<Item = Event>) -> Vec<Exchange> {
    g.filter_map(|e| match e {
        Event::Exchange(x) => Some(*x),
        Event::Close { .. } => None,
    })
    .collect()
}

/// A bulk run: the base sessions, `n` more events of bulk traffic, then every session closed.
fn bulk_events(seed: u64, n: usize) -> Vec<Event> {
    let mut g = Generator::new(seed);
    g.set_mode(Mode::Bulk);
    let mut v: Vec<Event> = g.by_ref().take(n).collect();
    g.set_mode(Mode::Closing);
    v.extend(g);
    v
}

struct Decoded {
    /// Diagnostics at Warning or above.
    bad: Vec<String>,
    /// Notes.
    notes: Vec<String>,
    /// Names of the ROP nodes, request then response.
    rops: Vec<&'static str>,
    /// PropertyRow nodes decoded.
    rows: usize,
}

/// Decodes every MAPI exchange with the Session of its Session Context, in capture order.
fn decode_all(xs: &[Exchange]) -> Vec<(usize, Decoded)> {
    let mut sessions: BTreeMap<u32, Session> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, x) in xs.iter().enumerate() {
        let Some(t) = x.request_type() else { continue };
        let session = sessions.entry(x.context).or_default();
        let body = x.response_body();
        let (d, env) = decode_exchange_in(session, t, Some(&x.req_body), Some(&body));
        let env = env.expect("a response envelope");
        assert_eq!(env.response_code, Some(if x.transport_error { 10 } else { 0 }), "exchange {i}");
        let rops = d
            .nodes
            .iter()
            .filter(|n| n.field.key.starts_with("mapihttp.rop.") && n.field.key.matches('.').count() == 2 && n.field.name.starts_with("Rop"))
            .filter(|n| !matches!(n.field.name, "RopSize" | "RopsList" | "RopId"))
            .map(|n| n.field.name)
            .collect();
        let rows = d.find_all("mapihttp.oxcdata.propertyrow").count() + d.find_all("mapihttp.nspi.addressbookpropertyrow").count();
        out.push((
            i,
            Decoded {
                bad: d.diagnostics.iter().filter(|g| g.severity >= Severity::Warning).map(|g| g.message.clone()).collect(),
                notes: d.diagnostics.iter().filter(|g| g.severity < Severity::Warning).map(|g| g.message.clone()).collect(),
                rops,
                rows,
            },
        ));
    }
    out
}

const CONTEXT_NOT_FOUND: &str = "X-ResponseCode 10 (Context Not Found): the body is not the request type's body";

fn assert_clean(xs: &[Exchange]) -> Vec<(usize, Decoded)> {
    let all = decode_all(xs);
    for (i, d) in &all {
        let x = &xs[*i];
        if x.transport_error {
            assert_eq!(d.bad, [CONTEXT_NOT_FOUND], "exchange {i}");
        } else {
            assert!(d.bad.is_empty(), "exchange {i} ({:?}): {:?}", x.request_type(), d.bad);
            assert!(d.notes.is_empty(), "exchange {i} ({:?}): {:?}", x.request_type(), d.notes);
        }
        // Without the session context nothing is worse than a note (columns unknown and the like).
        let body = x.response_body();
        let (d0, _) = decode_exchange(x.request_type().unwrap(), Some(&x.req_body), Some(&body));
        let bad0 = d0.diagnostics.iter().filter(|g| g.severity >= Severity::Warning).count();
        assert_eq!(bad0, usize::from(x.transport_error), "exchange {i} without context: {:?}", d0.diagnostics);
    }
    all
}

#[test]
fn base_scenario_tells_the_outlook_start_and_decodes_cleanly() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let all = assert_clean(&xs);
    let types: Vec<Option<RequestType>> = xs.iter().map(Exchange::request_type).collect();
    let count = |t: RequestType| types.iter().filter(|&&x| x == Some(t)).count();
    assert_eq!(xs.iter().filter(|x| x.kind == Kind::Autodiscover).count(), 2);
    assert_eq!(count(RequestType::Connect), 3, "two sessions and a reconnect");
    assert_eq!(count(RequestType::Disconnect), 2);
    assert_eq!((count(RequestType::Bind), count(RequestType::Unbind)), (2, 2));
    assert_eq!((count(RequestType::QueryRows), count(RequestType::ResolveNames)), (2, 2));
    assert!(count(RequestType::NotificationWait) >= 3);
    assert_eq!(xs.iter().filter(|x| x.transport_error).count(), 1);
    // The reconnect: X-ResponseCode 10, then a new Connect of the same user.
    let bad = xs.iter().position(|x| x.transport_error).unwrap();
    assert_eq!(xs[bad].resp_header("X-ResponseCode"), Some("10"));
    let next = xs[bad + 1..].iter().find(|x| x.user == xs[bad].user).unwrap();
    assert_eq!(next.request_type(), Some(RequestType::Connect));
    assert_ne!(next.context, xs[bad].context);
    // The ROPs the story needs, each at least once, in the decoded trees.
    let rops: BTreeSet<&str> = all.iter().flat_map(|(_, d)| d.rops.iter().copied()).collect();
    for r in [
        "RopLogon", "RopGetReceiveFolder", "RopOpenFolder", "RopGetHierarchyTable", "RopGetContentsTable", "RopSetColumns", "RopQueryRows",
        "RopOpenMessage", "RopGetPropertiesSpecific", "RopGetPropertyIdsFromNames", "RopRegisterNotification", "RopNotify", "RopPending",
        "RopRelease",
    ] {
        assert!(rops.contains(r), "{r} missing from {rops:?}");
    }
    // Rows are decoded (hierarchy, contents, property rows, address book rows).
    assert!(all.iter().map(|(_, d)| d.rows).sum::<usize>() > 250);
    let contents = all.iter().find(|(_, d)| d.rops.contains(&"RopGetContentsTable")).unwrap();
    assert!(contents.1.rows >= 40, "a contents table page: {} rows", contents.1.rows);
    let hierarchy = all.iter().find(|(_, d)| d.rops.contains(&"RopGetHierarchyTable")).unwrap();
    assert!(hierarchy.1.rows >= 15, "the folder hierarchy: {} rows", hierarchy.1.rows);
    // A NotificationWait answered after PENDING keep-alives that arrive seconds apart.
    let nw = xs.iter().find(|x| x.request_type() == Some(RequestType::NotificationWait)).unwrap();
    let body = String::from_utf8_lossy(&nw.response_body()).into_owned();
    assert!(body.starts_with("PROCESSING\r\nPENDING\r\nPENDING\r\nDONE\r\n"), "{body:?}");
    assert!(nw.parts[1].time - nw.parts[0].time >= 14 * time::SEC);
    // Compressed and obfuscated RopBuffers: the request unit's flags (after Flags and RopBufferSize).
    let ex = xs.iter().find(|x| x.request_type() == Some(RequestType::Execute)).unwrap();
    let flags = u16::from_le_bytes([ex.req_body[10], ex.req_body[11]]);
    assert_eq!(flags & 0x6, 0x6, "XorMagic|Last");
    assert!(xs.iter().any(|x| x.request_type() == Some(RequestType::Execute) && x.req_body[10] & 1 == 1), "a compressed request");
}

#[test]
fn headers_are_those_of_mapi_http() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let mut last: BTreeMap<String, u64> = BTreeMap::new();
    for x in &xs {
        if x.kind == Kind::Autodiscover {
            assert_eq!(x.req_header("X-MapiHttpCapability"), Some("1"));
            let xml = String::from_utf8(x.response_body()).unwrap();
            let doc = roxmltree::Document::parse(&xml).unwrap();
            let proto = doc.descendants().find(|n| n.attribute("Type") == Some("mapiHttp")).unwrap();
            let urls: Vec<&str> = proto.descendants().filter(|n| n.has_tag_name("InternalUrl") || n.has_tag_name("ExternalUrl")).filter_map(|n| n.text()).collect();
            assert_eq!(urls.len(), 4);
            assert!(urls.iter().any(|u| u.contains("/mapi/emsmdb/?MailboxId=")) && urls.iter().any(|u| u.contains("/mapi/nspi/?MailboxId=")));
            continue;
        }
        let t = x.request_type().unwrap();
        assert_eq!(x.req_header("X-RequestType"), Some(t.token()));
        assert_eq!(x.req_header("Content-Type"), Some("application/mapi-http"));
        assert_eq!(x.resp_header("Content-Type"), Some("application/mapi-http"));
        assert_eq!(x.resp_header("Transfer-Encoding"), Some("chunked"));
        assert!(x.req_header("X-ClientApplication").unwrap().starts_with("Outlook/16.0"));
        for h in ["X-ServerApplication", "X-PendingPeriod", "X-ExpirationInfo", "X-ResponseCode"] {
            assert!(x.resp_header(h).is_some(), "{h}");
        }
        assert_eq!(x.resp_header("X-RequestId"), x.req_header("X-RequestId"));
        assert_eq!(x.req_header("Content-Length"), Some(x.req_body.len().to_string().as_str()));
        // X-RequestId: {GUID}:counter, strictly increasing per GUID.
        let (guid, n) = x.req_header("X-RequestId").unwrap().split_once(':').unwrap();
        assert_eq!((guid.len(), guid.starts_with('{')), (38, true));
        let n: u64 = n.parse().unwrap();
        if let Some(prev) = last.insert(guid.to_string(), n) {
            assert!(n > prev, "X-RequestId counter {n} after {prev}");
        }
        let body = String::from_utf8_lossy(&x.response_body()).into_owned();
        if !x.transport_error {
            assert!(body.contains("X-ElapsedTime: "), "{body:?}");
        }
        match t {
            RequestType::Connect | RequestType::Bind => {
                assert!(x.req_header("Cookie").is_none());
                assert!(x.resp_headers.iter().any(|(n, v)| n == "Set-Cookie" && v.starts_with("MapiContext=")));
                assert!(x.resp_headers.iter().any(|(n, v)| n == "Set-Cookie" && v.starts_with("MapiSequence=")));
            }
            _ => {
                let c = x.req_header("Cookie").unwrap();
                assert!(c.starts_with("MapiContext=") && c.contains("; MapiSequence="), "{c}");
            }
        }
    }
}

#[test]
fn bulk_traffic_and_other_seeds_decode_cleanly() {
    let xs = exchanges(bulk_events(7, 1500).into_iter());
    assert_clean(&xs);
    let users: BTreeSet<&str> = xs.iter().map(|x| x.user.as_str()).collect();
    assert!(users.len() >= 3, "more sessions: {users:?}");
    assert!(xs.iter().filter(|x| x.request_type() == Some(RequestType::Execute)).count() > 300);
    let xs = exchanges(Generator::new(99));
    assert_clean(&xs);
}

#[test]
fn events_are_in_time_order_and_connections_are_sequential() {
    let events = bulk_events(3, 800);
    let mut busy: BTreeMap<u32, time::Ns> = BTreeMap::new();
    let mut closed = BTreeSet::new();
    for w in events.windows(2) {
        assert!(w[0].time() <= w[1].time());
    }
    for e in &events {
        match e {
            Event::Exchange(x) => {
                assert!(!closed.contains(&x.conn.id), "exchange on a closed connection");
                if let Some(&end) = busy.get(&x.conn.id) {
                    assert!(x.t_request > end, "connection {} still busy", x.conn.id);
                }
                busy.insert(x.conn.id, x.t_end());
                assert!(x.parts.windows(2).all(|p| p[0].time <= p[1].time));
            }
            Event::Close { conn, time } => {
                assert!(busy.get(&conn.id).is_none_or(|&end| *time > end));
                assert!(closed.insert(conn.id));
            }
        }
    }
    let open: Vec<&u32> = busy.keys().filter(|c| !closed.contains(*c)).collect();
    assert!(open.is_empty(), "connections never closed: {open:?}");
}

fn opts(seed: u64) -> Options {
    Options { seed, size: None }
}

#[test]
fn output_is_deterministic() {
    for f in SampleFormat::ALL {
        let a = sample_bytes(f, &opts(DEFAULT_SEED)).unwrap();
        let b = sample_bytes(f, &opts(DEFAULT_SEED)).unwrap();
        assert!(a == b, "{f:?} differs between runs");
        assert!(a != sample_bytes(f, &opts(DEFAULT_SEED + 1)).unwrap(), "{f:?} ignores the seed");
    }
}

/// (time, frame) of every record of a pcap or pcapng file.
fn records(bytes: &[u8]) -> Vec<(u64, Vec<u8>)> {
    use pcap_parser::traits::PcapNGPacketBlock;
    use pcap_parser::{Block, PcapBlockOwned};
    let mut out = Vec::new();
    let mut r = pcap_parser::create_reader(1 << 20, bytes).unwrap();
    let mut tsresol = 6u8;
    loop {
        match r.next() {
            Ok((n, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(h) => {
                        assert_eq!((h.version_major, h.version_minor, h.network.0), (2, 4, 1));
                    }
                    PcapBlockOwned::Legacy(p) => out.push((u64::from(p.ts_sec) * 1_000_000_000 + u64::from(p.ts_usec) * 1000, p.data.to_vec())),
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => {}
                    PcapBlockOwned::NG(Block::InterfaceDescription(idb)) => {
                        assert_eq!(idb.linktype.0, 1);
                        let opt = idb.options.iter().find(|o| o.code.0 == 9).expect("if_tsresol");
                        tsresol = opt.value()[0];
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(epb)) => {
                        assert_eq!(tsresol, 9);
                        let t = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                        out.push((t, epb.packet_data().to_vec()));
                    }
                    _ => panic!("unexpected block"),
                }
                r.consume(n);
            }
            Err(pcap_parser::PcapError::Eof) => break,
            Err(pcap_parser::PcapError::Incomplete(_)) => r.refill().unwrap(),
            Err(e) => panic!("{e:?}"),
        }
    }
    out
}

/// Checks the frames (Ethernet/IPv4/TCP, checksums, time order, handshake and close of every
/// connection) and returns the client→server and server→client byte streams per client port.
fn check_frames(recs: &[(u64, Vec<u8>)]) -> BTreeMap<u16, (Vec<u8>, Vec<u8>)> {
    let mut streams: BTreeMap<u16, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
    let (mut syn, mut fin) = (0, 0);
    let mut next_seq: BTreeMap<(u16, bool), u32> = BTreeMap::new();
    for w in recs.windows(2) {
        assert!(w[0].0 <= w[1].0, "time order");
    }
    for (_, f) in recs {
        let p = etherparse::SlicedPacket::from_ethernet(f).unwrap();
        let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net else { panic!("not IPv4") };
        let h = ip.header().to_header();
        assert_eq!(h.header_checksum, h.calc_header_checksum());
        let Some(etherparse::TransportSlice::Tcp(tcp)) = &p.transport else { panic!("not TCP") };
        let th = tcp.to_header();
        assert_eq!(th.checksum, th.calc_checksum_ipv4(&h, tcp.payload()).unwrap(), "TCP checksum");
        assert!(tcp.payload().len() <= packets::MSS);
        let client = th.destination_port == 80;
        let port = if client { th.source_port } else { th.destination_port };
        if th.syn {
            syn += 1;
            next_seq.insert((port, client), th.sequence_number.wrapping_add(1));
            continue;
        }
        if th.fin {
            fin += 1;
        }
        if !tcp.payload().is_empty() {
            let want = next_seq.get(&(port, client)).copied().unwrap();
            assert_eq!(th.sequence_number, want, "in-order segments");
            next_seq.insert((port, client), want.wrapping_add(tcp.payload().len() as u32));
            let s = streams.entry(port).or_default();
            if client { &mut s.0 } else { &mut s.1 }.extend_from_slice(tcp.payload());
        }
    }
    assert_eq!(syn, 2 * streams.len(), "SYN and SYN/ACK per connection");
    assert_eq!(fin, 2 * streams.len(), "FIN both ways per connection");
    streams
}

#[test]
fn pcap_and_pcapng_carry_every_exchange_over_tcp() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let pcap = sample_bytes(SampleFormat::Pcap, &opts(DEFAULT_SEED)).unwrap();
    let ng = sample_bytes(SampleFormat::PcapNg, &opts(DEFAULT_SEED)).unwrap();
    assert_eq!(&pcap[..4], &[0xD4, 0xC3, 0xB2, 0xA1]);
    assert_eq!(&ng[..4], &[0x0A, 0x0D, 0x0D, 0x0A]);
    let (a, b) = (records(&pcap), records(&ng));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.1, y.1, "same frames");
        assert_eq!(x.0 / 1000, y.0 / 1000, "same times to the microsecond");
    }
    let streams = check_frames(&b);
    // Each connection's streams are its exchanges' requests and responses, in order.
    let mut want: BTreeMap<u16, (Vec<u8>, Vec<u8>)> = BTreeMap::new();
    for x in &xs {
        let w = want.entry(x.conn.client_port).or_default();
        w.0.extend_from_slice(&x.request_wire());
        w.1.extend_from_slice(&x.response_wire());
    }
    assert_eq!(streams.len(), want.len());
    for (port, (c, s)) in &want {
        assert!(streams[port].0 == *c, "client stream of port {port}");
        assert!(streams[port].1 == *s, "server stream of port {port}");
    }
    // Several exchanges per connection (keep-alive) and two client addresses.
    assert!(want.values().any(|(c, _)| c.windows(5).filter(|w| w == b"POST ").count() >= 5));
    let clients: BTreeSet<[u8; 4]> = xs.iter().map(|x| x.conn.client_ip).collect();
    assert_eq!(clients.len(), 2);
}

#[test]
fn har_is_json_with_every_exchange() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let bytes = sample_bytes(SampleFormat::Har, &opts(DEFAULT_SEED)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["log"]["version"], "1.2");
    let entries = v["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), xs.len());
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    for (e, x) in entries.iter().zip(&xs) {
        assert_eq!(e["request"]["url"], format!("https://{}{}", x.host, x.target));
        assert_eq!(e["response"]["status"], 200);
        let post = &e["request"]["postData"];
        let body = if post["encoding"] == "base64" { b64.decode(post["text"].as_str().unwrap()).unwrap() } else { post["text"].as_str().unwrap().as_bytes().to_vec() };
        assert!(body == x.req_body);
        let c = &e["response"]["content"];
        let body = if c["encoding"] == "base64" { b64.decode(c["text"].as_str().unwrap()).unwrap() } else { c["text"].as_str().unwrap().as_bytes().to_vec() };
        assert!(body == x.response_body());
        assert_eq!(c["size"], x.response_body().len());
        assert!(e["startedDateTime"].as_str().unwrap().starts_with("2026-01-27T"));
        assert!(e["time"].as_f64().unwrap() > 0.0);
        let headers = e["request"]["headers"].as_array().unwrap();
        assert_eq!(headers.len(), x.req_headers.len());
    }
}

#[test]
fn saz_is_a_zip_of_fiddler_sessions() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let bytes = sample_bytes(SampleFormat::Saz, &opts(DEFAULT_SEED)).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let conns: BTreeSet<u32> = xs.iter().map(|x| x.conn.id).collect();
    assert_eq!(z.len(), 1 + 3 * (xs.len() + conns.len()));
    let names: Vec<String> = (0..z.len()).map(|i| z.by_index(i).unwrap().name().unwrap().to_string()).collect();
    assert!(names.contains(&"[Content_Types].xml".to_string()));
    let read = |z: &mut zip::ZipArchive<std::io::Cursor<&Vec<u8>>>, name: &str| {
        let mut f = z.by_name(name).unwrap();
        assert_eq!(f.compression(), zip::CompressionMethod::Stored);
        let mut v = Vec::new();
        f.read_to_end(&mut v).unwrap();
        v
    };
    // Session 1 is the CONNECT tunnel of the first connection, session 2 the first exchange.
    let width = names.iter().find(|n| n.ends_with("_c.txt")).unwrap().len() - "raw/_c.txt".len();
    let name = |n: usize, s: &str| format!("raw/{n:0width$}_{s}");
    assert!(read(&mut z, &name(1, "c.txt")).starts_with(b"CONNECT autodiscover.contoso.com:443 HTTP/1.1\r\n"));
    let c = read(&mut z, &name(2, "c.txt"));
    assert!(c.starts_with(b"POST https://autodiscover.contoso.com/autodiscover/autodiscover.xml HTTP/1.1\r\n"));
    assert!(c.ends_with(&xs[0].req_body));
    assert!(read(&mut z, &name(2, "s.txt")) == xs[0].response_wire());
    let m = String::from_utf8(read(&mut z, &name(2, "m.xml"))).unwrap();
    let doc = roxmltree::Document::parse(&m).unwrap();
    let timers = doc.descendants().find(|n| n.has_tag_name("SessionTimers")).unwrap();
    assert!(timers.attribute("ClientBeginRequest").unwrap().starts_with("2026-01-27T"));
    assert!(timers.attribute("ClientDoneResponse").is_some());
    // Every exchange's request is in some _c.txt.
    let mut found = 0;
    for n in 1..=xs.len() + conns.len() {
        let c = read(&mut z, &name(n, "c.txt"));
        if !c.starts_with(b"CONNECT ") {
            let x = &xs[found];
            assert!(c.ends_with(&x.req_body) && c.starts_with(format!("POST https://{}{} HTTP/1.1", x.host, x.target).as_bytes()));
            found += 1;
        }
    }
    assert_eq!(found, xs.len());
}

#[test]
fn raw_text_is_every_exchange_as_sent() {
    let xs = exchanges(Generator::new(DEFAULT_SEED));
    let bytes = sample_bytes(SampleFormat::Raw, &opts(DEFAULT_SEED)).unwrap();
    let want: Vec<u8> = xs.iter().flat_map(|x| [x.request_wire(), x.response_wire()].concat()).collect();
    assert!(bytes == want);
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(n) = req.parse(&bytes).unwrap() else { panic!("partial head") };
    assert_eq!((req.method, req.path), (Some("POST"), Some("/autodiscover/autodiscover.xml")));
    assert_eq!(n, xs[0].request_head(false).len());
}

#[test]
fn size_scaling_lands_within_one_percent() {
    let target = 3_000_000u64;
    for f in SampleFormat::ALL {
        let o = Options { seed: 5, size: Some(target) };
        let (cur, summary) = write_sample(f, &o, std::io::Cursor::new(Vec::new())).unwrap();
        let bytes = cur.into_inner();
        assert_eq!(summary.bytes, bytes.len() as u64, "{f:?} summary size");
        let err = (bytes.len() as f64 - target as f64).abs() / target as f64;
        assert!(err <= 0.01, "{f:?}: {} bytes for a target of {target} ({:.3} %)", bytes.len(), err * 100.0);
        assert!(summary.contexts >= 4 && summary.exchanges > 100, "{f:?}: {summary:?}");
        match f {
            SampleFormat::PcapNg | SampleFormat::Pcap => {
                check_frames(&records(&bytes));
            }
            SampleFormat::Har => {
                let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                assert_eq!(v["log"]["entries"].as_array().unwrap().len() as u64, summary.exchanges);
            }
            SampleFormat::Saz => {
                let z = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
                assert_eq!((z.len() as u64 - 1) / 3, summary.exchanges + summary.connections);
            }
            SampleFormat::Raw => assert!(bytes.starts_with(b"POST /autodiscover/autodiscover.xml HTTP/1.1\r\n")),
        }
    }
    // A small target still closes every session cleanly.
    let o = Options { seed: 5, size: Some(150_000) };
    let bytes = sample_bytes(SampleFormat::PcapNg, &o).unwrap();
    check_frames(&records(&bytes));
    assert!(bytes.len() < 200_000, "{}", bytes.len());
}

/// The demo captures of the README and the web viewer are the generator's output for the default
/// seed. `UPDATE_SAMPLES=1 cargo test -p mapiscope-capture committed_demo` rewrites them.
#[test]
fn committed_demo_captures_are_regenerated_identically() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples");
    for (file, f) in [("outlook.pcapng", SampleFormat::PcapNg), ("outlook.har", SampleFormat::Har)] {
        let bytes = sample_bytes(f, &Options::default()).unwrap();
        assert!(bytes.len() < 300_000, "{file} is {} bytes", bytes.len());
        let path = dir.join(file);
        if std::env::var_os("UPDATE_SAMPLES").is_some() {
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (UPDATE_SAMPLES=1 writes it)", path.display()));
        assert!(committed == bytes, "{file} differs from the generator's output (UPDATE_SAMPLES=1 rewrites it)");
    }
}

