//! Tests of the MAPI view: classification, sessions (cookies, X-RequestId, X-ClientInfo), reconnects,
//! request-id gaps, PENDING counts, ROP context across Executes, transport diagnostics, index mode,
//! the JSON contract, and scale.

use super::*;
use crate::model::{HttpRequest, HttpResponse};
use crate::util::decode_hex_text;

fn hex(text: &str) -> Vec<u8> {
    decode_hex_text(text.as_bytes(), usize::MAX).unwrap().0
}

fn golden(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/golden/{name}", env!("CARGO_MANIFEST_DIR"));
    hex(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

const META_OK: &[u8] = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 2\r\n\r\n";

fn req(rt: &str, path: &str, headers: &[(&str, &str)], body: Vec<u8>, t: f64) -> HttpRequest {
    let mut h = vec![("Content-Type".to_string(), "application/mapi-http".to_string()), ("X-RequestType".to_string(), rt.to_string())];
    h.extend(headers.iter().map(|(a, b)| (a.to_string(), b.to_string())));
    HttpRequest { method: "POST".into(), uri: path.into(), headers: h, body, time: Some(t) }
}

fn resp(status: u16, headers: &[(&str, &str)], body: Vec<u8>, t: f64) -> HttpResponse {
    HttpResponse {
        status,
        reason: if status == 200 { "OK".into() } else { String::new() },
        headers: headers.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        body,
        first_byte_time: Some(t - 0.01),
        end_time: Some(t),
        chunk_times: Vec::new(),
        complete: true,
    }
}

fn ex(rq: HttpRequest, rs: Option<HttpResponse>) -> HttpExchange {
    HttpExchange { request: Some(rq), response: rs, ..Default::default() }
}

fn cap(exchanges: Vec<HttpExchange>) -> HttpCapture {
    HttpCapture { format: Format::RawHttp, exchanges, diagnostics: Vec::new(), tls_connections: 0, packets: 0 }
}

fn with_meta(binary: &[u8]) -> Vec<u8> {
    [META_OK, binary].concat()
}

/// An Execute request body with one RPC_HEADER_EXT (Last) around RopSize, the ROPs and the handles.
fn execute_request(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let payload = rop_buffer(rops, handles);
    let mut body = 0u32.to_le_bytes().to_vec();
    body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
    ext(&mut body, &payload);
    body.extend_from_slice(&0x40000u32.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    body
}

/// An Execute success response body (binary part): StatusCode, ErrorCode, Flags, RopBuffer, aux.
fn execute_response(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let payload = rop_buffer(rops, handles);
    let mut body = vec![0u8; 12];
    body.extend_from_slice(&((payload.len() + 8) as u32).to_le_bytes());
    ext(&mut body, &payload);
    body.extend_from_slice(&0u32.to_le_bytes());
    with_meta(&body)
}

fn rop_buffer(rops: &[u8], handles: &[u32]) -> Vec<u8> {
    let mut p = ((rops.len() + 2) as u16).to_le_bytes().to_vec();
    p.extend_from_slice(rops);
    for h in handles {
        p.extend_from_slice(&h.to_le_bytes());
    }
    p
}

fn ext(body: &mut Vec<u8>, payload: &[u8]) {
    for v in [0u16, 4, payload.len() as u16, payload.len() as u16] {
        body.extend_from_slice(&v.to_le_bytes());
    }
    body.extend_from_slice(payload);
}

/// RopSetColumns on the table at handle index 0: one PtypString column, PidTagSubject (0x0037001F).
const SET_COLUMNS: [u8; 10] = [0x12, 0x00, 0x00, 0x00, 0x01, 0x00, 0x1F, 0x00, 0x37, 0x00];
const SET_COLUMNS_RESP: [u8; 7] = [0x12, 0x00, 0, 0, 0, 0, 0x00];
/// RopQueryRows on index 0: flags 0, ForwardRead, RowCount 0x32.
const QUERY_ROWS: [u8; 7] = [0x15, 0x00, 0x00, 0x00, 0x01, 0x32, 0x00];
/// RopQueryRows response: Origin 2 (BOOKMARK_END), one row: Flag 0, "Hi" as UTF-16.
const QUERY_ROWS_RESP: [u8; 16] = [0x15, 0x00, 0, 0, 0, 0, 0x02, 0x01, 0x00, 0x00, b'H', 0, b'i', 0, 0, 0];

fn messages(x: &MapiExchange) -> Vec<&str> {
    x.diagnostics.iter().map(|d| d.message.as_str()).collect()
}

#[test]
fn classification_and_endpoints() {
    let connect_req = golden("connect.Connect.req.hex");
    let connect_resp = golden("connect.Connect.resp.hex");
    let mut ad = HttpRequest {
        method: "POST".into(),
        uri: "https://autodiscover.contoso.com/autodiscover/autodiscover.xml".into(),
        headers: vec![("X-MapiHttpCapability".into(), "1".into())],
        body: crate::autodiscover::tests::REQUEST_XML.as_bytes().to_vec(),
        time: Some(0.5),
    };
    ad.headers.push(("Content-Type".into(), "text/xml".into()));
    let ad_resp = resp(200, &[("Content-Type", "text/xml")], crate::autodiscover::tests::RESPONSE_XML.as_bytes().to_vec(), 0.7);
    let other = HttpRequest { method: "GET".into(), uri: "/owa/".into(), time: Some(0.8), ..Default::default() };
    // A PING on the address-book endpoint; a MAPI/HTTP body recognised by Content-Type alone.
    let ping = req("PING", "/mapi/nspi/?MailboxId=a@b", &[], Vec::new(), 2.0);
    let mut no_type = req("x", "/mapi/emsmdb/", &[], vec![1, 2], 3.0);
    no_type.headers.retain(|(n, _)| n != "X-RequestType");
    let c = analyze(
        cap(vec![
            HttpExchange { request: Some(ad), response: Some(ad_resp), ..Default::default() },
            ex(other, Some(resp(302, &[], Vec::new(), 0.9))),
            ex(req("Connect", "https://mail.contoso.com/mapi/emsmdb/?MailboxId=a@b", &[], connect_req.clone(), 1.0), Some(resp(200, &[], connect_resp, 1.2))),
            ex(ping, Some(resp(200, &[], b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec(), 2.1))),
            ex(no_type, None),
        ]),
        Mode::Full,
    );
    let x = &c.exchanges;
    assert_eq!(x.iter().map(|e| e.kind).collect::<Vec<_>>(), [Kind::Autodiscover, Kind::Http, Kind::Mapi, Kind::Mapi, Kind::Mapi]);
    let ad = x[0].autodiscover.as_ref().unwrap();
    assert_eq!(ad.mailstore_internal.as_deref(), Some("https://mail.contoso.com/mapi/emsmdb/?MailboxId=1f9e@contoso.com"));
    assert_eq!(ad.addressbook_external.as_deref(), Some("https://mail.contoso.com/mapi/nspi/?MailboxId=1f9e@contoso.com"));
    assert!(x[0].dissection.is_some() && x[0].request_root.is_some() && x[0].response_root.is_some());
    assert_eq!(x[1].summary, "GET /owa/ → 302");
    assert_eq!((x[2].endpoint, x[2].request_type), (Some(MapiEndpoint::Emsmdb), Some(RequestType::Connect)));
    assert!(x[2].summary.starts_with("Connect: /o=Contoso/ou=Exchange Administrative Group"), "{}", x[2].summary);
    assert_eq!(x[2].response_code, Some(0));
    assert!((x[2].duration.unwrap() - 0.2).abs() < 1e-9);
    // The bodies moved into the dissection, unchanged.
    let d = x[2].dissection.as_ref().unwrap();
    assert_eq!(&d.sources[0].data[..], &connect_req[..]);
    assert_eq!(d.find("mapihttp.connect.userdn").map(|(_, n)| d.bytes_of(n).len()), Some(connect_req.len() - 20)); // UserDn with its NUL
    assert_eq!((x[3].endpoint, x[3].request_type), (Some(MapiEndpoint::Nspi), Some(RequestType::Ping)));
    assert_eq!(x[4].request_type, None);
    assert_eq!(messages(&x[4]), ["no response captured", "MAPI/HTTP content type without an X-RequestType header: bodies not decoded"]);
    assert_eq!(c.sessions.len(), 2); // emsmdb, nspi; the emsmdb exchange without identifiers joins the latest emsmdb session
    assert_eq!(x[4].session, x[2].session);
    assert_eq!(c.sessions[0].user.as_deref().map(|u| u.ends_with("/cn=alice")), Some(true));
}

/// Two interleaved mailbox sessions told apart by their MapiContext cookies alone.
#[test]
fn sessions_by_cookie() {
    let connect = golden("connect.Connect.req.hex");
    let connect_resp = golden("connect.Connect.resp.hex");
    let exec = execute_request(&SET_COLUMNS, &[0x301]);
    let exec_resp = execute_response(&SET_COLUMNS_RESP, &[0x301]);
    let p = "/mapi/emsmdb/";
    let list = vec![
        ex(req("Connect", p, &[], connect.clone(), 1.0), Some(resp(200, &[("Set-Cookie", "MapiContext=AAA; path=/mapi/"), ("Set-Cookie", "MapiSequence=1-x; path=/mapi/"), ("X-ExpirationInfo", "900000")], connect_resp.clone(), 1.1))),
        ex(req("Connect", p, &[], connect.clone(), 2.0), Some(resp(200, &[("Set-Cookie", "MapiContext=BBB; path=/mapi/"), ("X-ExpirationInfo", "600000")], connect_resp.clone(), 2.1))),
        ex(req("Execute", p, &[("Cookie", "MapiContext=BBB")], exec.clone(), 3.0), Some(resp(200, &[], exec_resp.clone(), 3.1))),
        ex(req("Execute", p, &[("Cookie", "MapiSequence=1-x; MapiContext=AAA")], exec.clone(), 4.0), Some(resp(200, &[], exec_resp.clone(), 4.1))),
        ex(req("Disconnect", p, &[("Cookie", "MapiContext=AAA")], golden("disconnect.Disconnect.req.hex"), 5.0), Some(resp(200, &[], golden("disconnect.Disconnect.resp.hex"), 5.1))),
    ];
    let c = analyze(cap(list), Mode::Full);
    let sess: Vec<Option<usize>> = c.exchanges.iter().map(|x| x.session).collect();
    assert_eq!(sess, [Some(0), Some(1), Some(1), Some(0), Some(0)]);
    assert_eq!(c.sessions.len(), 2);
    let a = &c.sessions[0];
    assert_eq!(a.exchanges, [0, 3, 4]);
    assert_eq!(a.requests, 3);
    assert_eq!(a.cookies, ["MapiContext", "MapiSequence"]);
    assert_eq!(a.expiration_info, Some(900_000));
    assert_eq!(a.reconnects, 0);
    assert_eq!((a.first_time, a.last_time), (Some(1.0), Some(5.1)));
    assert_eq!(a.key, "no session identifiers (emsmdb)");
    assert_eq!(c.sessions[1].expiration_info, Some(600_000));
    assert_eq!(c.sessions[1].exchanges, [1, 2]);
    assert_eq!(c.exchanges[2].summary, "Execute: RopSetColumns");
    assert_eq!(c.exchanges[2].rops, ["RopSetColumns"]);
}

/// Sessions by X-RequestId GUID (no cookies), with counter gaps, and X-ClientInfo for the user of
/// the address-book session.
#[test]
fn sessions_by_request_id_with_gaps() {
    let p = "/mapi/emsmdb/";
    let ping = |rid: &str, ci: &str, t: f64| {
        ex(req("PING", p, &[("X-RequestId", rid), ("X-ClientInfo", ci)], Vec::new(), t), Some(resp(200, &[("X-PendingPeriod", "15000")], b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 5\r\n\r\n".to_vec(), t + 0.5)))
    };
    let a = "{E2EA6C1C-E61B-49E9-9CFB-38184F907552}";
    let b = "{11111111-2222-3333-4444-555555555555}";
    let ci = "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:7";
    let connect = golden("connect.Connect.req.hex");
    let list = vec![
        ex(req("Connect", p, &[("X-RequestId", &format!("{a}:1")), ("X-ClientInfo", ci)], connect, 0.0), Some(resp(200, &[], golden("connect.Connect.resp.hex"), 0.1))),
        ping(&format!("{a}:2"), ci, 1.0),
        ping(&format!("{b}:10"), "{AAAAAAAA-0000-0000-0000-000000000000}:1", 1.5),
        ping(&format!("{a}:5"), ci, 2.0),
        ping(&format!("{b}:11"), "{AAAAAAAA-0000-0000-0000-000000000000}:1", 2.5),
        ping(&format!("{a}:5"), ci, 3.0), // a retry: same counter, not a gap
        ping(&format!("{a}:4"), ci, 4.0), // went back
        // The address book of the same client instance (X-ClientInfo GUID), another Session Context.
        ex(req("PING", "/mapi/nspi/", &[("X-RequestId", "{CCCCCCCC-0000-0000-0000-000000000000}:1"), ("X-ClientInfo", "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:8")], Vec::new(), 5.0), None),
    ];
    let c = analyze(cap(list), Mode::Index);
    let sess: Vec<Option<usize>> = c.exchanges.iter().map(|x| x.session).collect();
    assert_eq!(sess, [Some(0), Some(0), Some(1), Some(0), Some(1), Some(0), Some(0), Some(2)]);
    let s = &c.sessions[0];
    assert_eq!(s.key, format!("X-RequestId {a}"));
    assert_eq!(s.request_id_gaps, [(2, 5), (5, 4)]);
    assert_eq!(s.pending_period, Some(15_000));
    assert_eq!(s.server_time_ms, 5 * 4 + 3); // four PINGs, the Connect's X-ElapsedTime 3
    assert!((s.response_time - (0.1 + 4.0 * 0.5)).abs() < 1e-9);
    assert_eq!(c.sessions[1].request_id_gaps, []);
    // 3 and 4 were skipped; 4 shows up later (the step back), so one request is missing.
    assert_eq!(messages(&c.exchanges[3]), ["X-RequestId counter skipped: 2 → 5 (1 request of this client not in the capture)"]);
    assert_eq!(messages(&c.exchanges[6]), ["X-RequestId counter went back: 5 → 4"]);
    // The nspi session has no Connect; its user comes from the mailbox session of the same client.
    assert_eq!(c.sessions[2].endpoint, Some(MapiEndpoint::Nspi));
    assert_eq!(c.sessions[2].user, c.sessions[0].user);
    assert!(c.sessions[2].user.is_some());
    assert!(c.exchanges.iter().all(|x| x.dissection.is_none()));
}

/// One client numbering the requests of its two sessions with one counter: no gaps.
#[test]
fn shared_counter_is_no_gap() {
    let ping = |path: &str, rid: &str, ci: &str, t: f64| ex(req("PING", path, &[("X-RequestId", rid), ("X-ClientInfo", ci)], Vec::new(), t), None);
    let (a, b) = ("{A0000000-0000-0000-0000-000000000000}", "{B0000000-0000-0000-0000-000000000000}");
    let ci = "{C0000000-0000-0000-0000-000000000000}";
    let list = vec![
        ping("/mapi/emsmdb/", &format!("{a}:1"), &format!("{ci}:1"), 1.0),
        ping("/mapi/nspi/", &format!("{b}:2"), &format!("{ci}:2"), 2.0),
        ping("/mapi/nspi/", &format!("{b}:3"), &format!("{ci}:2"), 3.0),
        ping("/mapi/emsmdb/", &format!("{a}:4"), &format!("{ci}:1"), 4.0),
        ping("/mapi/emsmdb/", &format!("{a}:6"), &format!("{ci}:1"), 5.0),
    ];
    let c = analyze(cap(list), Mode::Index);
    assert_eq!(c.sessions.len(), 2);
    assert_eq!(c.sessions[0].request_id_gaps, [(4, 6)]);
    assert_eq!(c.sessions[1].request_id_gaps, []);
    assert!(c.exchanges[3].diagnostics.iter().all(|d| !d.message.contains("X-RequestId")));
}

/// X-ResponseCode 10 on an Execute, then a new Connect (same X-ClientInfo, new X-RequestId GUID):
/// one session with one reconnect, the ROP context reset.
#[test]
fn reconnect_after_context_not_found() {
    let p = "/mapi/emsmdb/";
    let ci = "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:3";
    let connect = golden("connect.Connect.req.hex");
    let connect_resp = golden("connect.Connect.resp.hex");
    let list = vec![
        ex(req("Connect", p, &[("X-RequestId", "{A0000000-0000-0000-0000-000000000000}:1"), ("X-ClientInfo", ci)], connect.clone(), 1.0), Some(resp(200, &[("Set-Cookie", "MapiContext=c1")], connect_resp.clone(), 1.1))),
        ex(req("Execute", p, &[("Cookie", "MapiContext=c1"), ("X-RequestId", "{A0000000-0000-0000-0000-000000000000}:2"), ("X-ClientInfo", ci)], execute_request(&SET_COLUMNS, &[0x301]), 2.0), Some(resp(200, &[("X-ResponseCode", "10")], golden("context_not_found.Execute.resp.hex"), 2.1))),
        // Authentication round trip first: a 401 Connect is no reconnect.
        ex(req("Connect", p, &[("X-RequestId", "{B0000000-0000-0000-0000-000000000000}:1"), ("X-ClientInfo", ci)], connect.clone(), 3.0), Some(resp(401, &[], Vec::new(), 3.1))),
        ex(req("Connect", p, &[("X-RequestId", "{B0000000-0000-0000-0000-000000000000}:1"), ("X-ClientInfo", ci)], connect.clone(), 3.2), Some(resp(200, &[("Set-Cookie", "MapiContext=c2")], connect_resp.clone(), 3.3))),
        ex(req("Execute", p, &[("Cookie", "MapiContext=c2"), ("X-RequestId", "{B0000000-0000-0000-0000-000000000000}:2"), ("X-ClientInfo", ci)], execute_request(&SET_COLUMNS, &[0x301]), 4.0), Some(resp(200, &[], execute_response(&SET_COLUMNS_RESP, &[0x301]), 4.1))),
    ];
    let c = analyze(cap(list), Mode::Full);
    assert_eq!(c.sessions.len(), 1);
    let s = &c.sessions[0];
    assert_eq!((s.reconnects, s.context_not_found, s.requests), (1, 1, 5));
    assert_eq!(s.errors, 2);
    assert_eq!(c.exchanges[1].response_code, Some(10));
    assert_eq!(messages(&c.exchanges[1]), ["X-ResponseCode 10 (Context Not Found): the Session Context is gone; the client must Connect again"]);
    assert_eq!(messages(&c.exchanges[2]), ["HTTP 401"]);
    assert_eq!(messages(&c.exchanges[3]), ["reconnect: a new Session Context after X-ResponseCode 10 (Context Not Found)"]);
    assert!(s.request_id_gaps.is_empty());
}

/// RopSetColumns in one Execute, RopQueryRows in the next one of the same session: the rows are
/// decoded with the columns. The same QueryRows in another session has no columns.
#[test]
fn rop_context_carried_across_executes() {
    let p = "/mapi/emsmdb/";
    let s1 = [("Cookie", "MapiContext=one")];
    let s2 = [("Cookie", "MapiContext=two")];
    let connect = golden("connect.Connect.req.hex");
    let list = vec![
        ex(req("Connect", p, &[], connect.clone(), 0.0), Some(resp(200, &[("Set-Cookie", "MapiContext=one")], golden("connect.Connect.resp.hex"), 0.1))),
        ex(req("Connect", p, &[], connect, 0.2), Some(resp(200, &[("Set-Cookie", "MapiContext=two")], golden("connect.Connect.resp.hex"), 0.3))),
        ex(req("Execute", p, &s1, execute_request(&SET_COLUMNS, &[0x301]), 1.0), Some(resp(200, &[], execute_response(&SET_COLUMNS_RESP, &[0x301]), 1.1))),
        ex(req("Execute", p, &s1, execute_request(&QUERY_ROWS, &[0x301]), 2.0), Some(resp(200, &[], execute_response(&QUERY_ROWS_RESP, &[0x301]), 2.1))),
        ex(req("Execute", p, &s2, execute_request(&QUERY_ROWS, &[0x301]), 3.0), Some(resp(200, &[], execute_response(&QUERY_ROWS_RESP, &[0x301]), 3.1))),
    ];
    let c = analyze(cap(list), Mode::Full);
    assert_eq!(c.exchanges[3].session, Some(0));
    assert_eq!(c.exchanges[4].session, Some(1));
    let d = c.exchanges[3].dissection.as_ref().unwrap();
    let vals: Vec<String> = d.find_all("mapihttp.oxcdata.propertyvalue").map(|(_, n)| mapiscope_codec::display::display_line(d, n)).collect();
    assert_eq!(vals, ["PropertyValue: \"Hi\""]);
    assert!(d.diagnostics.iter().all(|x| x.severity < Severity::Warning), "{:?}", d.diagnostics);
    assert_eq!(c.exchanges[3].summary, "Execute: RopQueryRows");
    let other = c.exchanges[4].dissection.as_ref().unwrap();
    assert!(other.find("mapihttp.oxcdata.propertyvalue").is_none());
    assert!(other.diagnostics.iter().any(|x| x.message.starts_with("columns unknown")));
}

#[test]
fn pending_keepalives_both_modes() {
    let p = "/mapi/emsmdb/";
    let body = golden("notificationwait.NotificationWait.req.hex");
    let rs = golden("notificationwait.NotificationWait.resp.hex");
    let mk = || cap(vec![ex(req("NotificationWait", p, &[("Cookie", "MapiContext=n")], body.clone(), 1.0), Some(resp(200, &[], rs.clone(), 31.0)))]);
    for mode in [Mode::Full, Mode::Index] {
        let c = analyze(mk(), mode);
        let x = &c.exchanges[0];
        assert_eq!(x.pending, 2, "{mode:?}");
        assert_eq!(x.summary, "NotificationWait (2 PENDING)");
        assert_eq!(x.elapsed_ms, Some(3));
        assert_eq!(c.sessions[0].pending, 2);
        assert_eq!(c.sessions[0].key, "cookie MapiContext=n");
    }
}

#[test]
fn transport_errors() {
    let p = "/mapi/emsmdb/";
    let mut cut = resp(200, &[], b"PROCESSING\r\nPENDING\r\n".to_vec(), 2.0);
    cut.complete = false;
    let list = vec![
        ex(req("PING", p, &[], Vec::new(), 1.0), Some(resp(500, &[], b"<html>Internal Server Error</html>".to_vec(), 1.1))),
        ex(req("PING", p, &[], Vec::new(), 1.5), Some(resp(403, &[], Vec::new(), 1.6))),
        ex(req("Execute", p, &[], execute_request(&QUERY_ROWS, &[1]), 2.0), Some(cut)),
        ex(req("PING", p, &[], Vec::new(), 3.0), None),
        HttpExchange { response: Some(resp(200, &[("X-RequestType", "PING"), ("X-ResponseCode", "6")], b"PROCESSING\r\nDONE\r\nX-ResponseCode: 6\r\n\r\n".to_vec(), 4.0)), ..Default::default() },
    ];
    let c = analyze(cap(list), Mode::Full);
    let m: Vec<Vec<&str>> = c.exchanges.iter().map(messages).collect();
    assert_eq!(m[0], ["HTTP 500"]);
    assert_eq!(c.exchanges[0].diagnostics[0].severity, Severity::Error);
    assert_eq!(m[1], ["HTTP 403"]);
    assert_eq!(m[2], ["response incomplete: 21 body bytes captured before the capture ends or a gap cuts it"]);
    assert_eq!(m[3], ["no response captured"]);
    assert_eq!(m[4], ["no request captured (response only)", "X-ResponseCode 6 (Invalid Context Cookie)"]);
    assert_eq!(c.exchanges[4].request_type, Some(RequestType::Ping));
    assert_eq!(c.exchanges[4].response_code, Some(6));
    // The HTML error page is shown as text by the codec.
    let d = c.exchanges[0].dissection.as_ref().unwrap();
    assert!(d.find("mapihttp.text_body").is_some());
    // The response-only exchange has neither URL nor endpoint: a session of its own.
    assert_eq!(c.sessions.len(), 2);
    assert_eq!((c.sessions[0].errors, c.sessions[1].errors), (4, 1));
}

#[test]
fn index_mode_lists_without_trees() {
    let p = "/mapi/emsmdb/";
    let rq = golden("execute_compressed.Execute.req.hex");
    let rs = golden("execute_compressed.Execute.resp.hex");
    let full = analyze(cap(vec![ex(req("Execute", p, &[], rq.clone(), 1.0), Some(resp(200, &[], rs.clone(), 1.5)))]), Mode::Full);
    let index = analyze(cap(vec![ex(req("Execute", p, &[], rq, 1.0), Some(resp(200, &[], rs, 1.5)))]), Mode::Index);
    let (f, i) = (&full.exchanges[0], &index.exchanges[0]);
    assert!(!f.rops.is_empty());
    assert_eq!(f.rops, i.rops);
    assert_eq!(f.summary, i.summary);
    assert_eq!((f.status, f.response_code, f.pending, f.elapsed_ms), (i.status, i.response_code, i.pending, i.elapsed_ms));
    assert!(i.dissection.is_none() && i.request_root.is_none());
    assert!(f.summary.starts_with("Execute: Rop"), "{}", f.summary);
}

#[test]
fn scan_envelope_reads_the_text_prefix() {
    let e = scan_envelope(b"PROCESSING\r\nPENDING\r\nPENDING\nDONE\r\nX-ResponseCode: 0\r\nX-ElapsedTime: 12\r\nX-StartTime: x\r\n\r\n\x00\x01");
    assert_eq!((e.processing, e.pending, e.done, e.response_code, e.elapsed_ms, e.body_offset), (true, 2, true, Some(0), Some(12), Some(91)));
    let e = scan_envelope(b"\x00\x00\x00\x00");
    assert_eq!(e, Envelope::default());
}

#[test]
fn json_contract() {
    let p = "/mapi/emsmdb/";
    let ad = HttpRequest { method: "POST".into(), uri: "/autodiscover/autodiscover.xml".into(), body: Vec::new(), time: Some(0.0), ..Default::default() };
    let list = vec![
        HttpExchange { request: Some(ad), response: Some(resp(200, &[], crate::autodiscover::tests::RESPONSE_XML.as_bytes().to_vec(), 0.1)), ..Default::default() },
        ex(req("Connect", p, &[("X-RequestId", "{A0000000-0000-0000-0000-000000000000}:1")], golden("connect.Connect.req.hex"), 1.0), Some(resp(200, &[], golden("connect.Connect.resp.hex"), 1.25))),
        ex(HttpRequest { method: "GET".into(), uri: "/\"quoted\"".into(), ..Default::default() }, None),
    ];
    let mut c = analyze(cap(list), Mode::Full);
    c.diagnostics.push(CaptureDiag::at(Severity::Error, "the file ends at offset 99", 99));
    let text = crate::json::document(&c);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys = |o: &serde_json::Value| o.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), ["diagnostics", "exchanges", "sessions"]);
    let x = &v["exchanges"];
    let mut want = vec!["diagnostics", "endpoint", "index", "request", "request_type", "response", "response_code", "session", "status", "time"];
    want.sort();
    assert_eq!(keys(&x[1]), want);
    assert_eq!(x[0]["request_type"], "Autodiscover");
    assert_eq!(x[0]["endpoint"], serde_json::Value::Null);
    assert_eq!(x[0]["response"]["abbrev"], "mapihttp.autodiscover.response");
    assert_eq!(x[1]["request_type"], "Connect");
    assert_eq!(x[1]["endpoint"], "emsmdb");
    assert_eq!(x[1]["session"], 0);
    assert_eq!(x[1]["status"], 200);
    assert_eq!(x[1]["response_code"], 0);
    assert_eq!(x[1]["time"], 1.0);
    assert_eq!(x[1]["request"]["abbrev"], "mapihttp.connect.request");
    assert_eq!(x[1]["response"]["abbrev"], "mapihttp.response");
    assert_eq!(x[2]["request_type"], serde_json::Value::Null);
    assert_eq!(x[2]["request"], serde_json::Value::Null);
    assert_eq!(x[2]["diagnostics"][0]["message"], "no response captured");
    assert_eq!(x[2]["diagnostics"][0]["source"], serde_json::Value::Null);
    assert_eq!(v["diagnostics"][0]["offset"], 99);
    let s = &v["sessions"][0];
    assert_eq!(s["key"], "X-RequestId {A0000000-0000-0000-0000-000000000000}");
    assert_eq!(s["requests"], 1);
    assert_eq!(s["exchanges"], serde_json::json!([1]));
    assert_eq!(s["response_time"], 0.25);
    assert!(s["user"].as_str().unwrap().ends_with("/cn=alice"));
    for k in ["index", "endpoint", "key", "user", "client_info", "cookies", "first_time", "last_time", "requests", "exchanges", "request_id_gaps", "reconnects", "context_not_found", "expiration_info", "pending_period", "pending", "server_time_ms", "response_time", "errors"] {
        assert!(s.get(k).is_some(), "session lacks {k}");
    }
}

/// 10,000 sessions (20,000 exchanges) are grouped and decoded in bounded time.
#[test]
fn ten_thousand_sessions() {
    let connect = golden("connect.Connect.req.hex");
    let connect_resp = golden("connect.Connect.resp.hex");
    let mut list = Vec::with_capacity(20_000);
    for i in 0..10_000u32 {
        let rid = format!("{{{i:08X}-0000-0000-0000-000000000000}}");
        list.push(ex(req("Connect", "/mapi/emsmdb/", &[("X-RequestId", &format!("{rid}:1"))], connect.clone(), f64::from(i)), Some(resp(200, &[("Set-Cookie", &format!("MapiContext={i}"))], connect_resp.clone(), f64::from(i) + 0.1))));
    }
    for i in 0..10_000u32 {
        list.push(ex(req("PING", "/mapi/emsmdb/", &[("Cookie", &format!("MapiContext={i}"))], Vec::new(), 20_000.0 + f64::from(i)), Some(resp(200, &[], b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec(), 20_000.5 + f64::from(i)))));
    }
    let start = std::time::Instant::now();
    let c = analyze(cap(list), Mode::Full);
    let took = start.elapsed();
    assert_eq!(c.sessions.len(), 10_000);
    assert!(c.sessions.iter().all(|s| s.requests == 2 && s.exchanges[1] == s.exchanges[0] + 10_000));
    assert!(took.as_secs_f64() < 20.0, "took {took:?}");
}

/// A bare body (hex, as pasted) goes through the same MAPI layer: one exchange, decoded.
#[test]
fn bare_bodies_through_the_mapi_layer() {
    let path = format!("{}/../../tests/golden/execute_compressed.Execute.req.hex", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read(&path).unwrap();
    let c = analyze(crate::body::read_bare_body(&text, RequestType::Execute, false).unwrap(), Mode::Full);
    let x = &c.exchanges[0];
    assert_eq!((x.kind, x.endpoint, x.request_type), (Kind::Mapi, Some(MapiEndpoint::Emsmdb), Some(RequestType::Execute)));
    assert!(x.summary.starts_with("Execute: Rop"), "{}", x.summary);
    assert!(x.diagnostics.is_empty(), "{:?}", x.diagnostics);
    assert!(x.request_root.is_some() && x.response_root.is_none());
    let path = format!("{}/../../tests/golden/context_not_found.Execute.resp.hex", env!("CARGO_MANIFEST_DIR"));
    let c = analyze(crate::body::read_bare_body(&std::fs::read(&path).unwrap(), RequestType::Execute, true).unwrap(), Mode::Full);
    let x = &c.exchanges[0];
    assert_eq!(x.response_code, Some(10));
    assert!(x.request_root.is_none() && x.response_root.is_some());
    assert_eq!(messages(x), ["X-ResponseCode 10 (Context Not Found): the Session Context is gone; the client must Connect again"]);
}

/// The README's committed Execute sample (compressed, obfuscated, packed, with auxiliary blocks)
/// carried in a HAR (base64) and in a SAZ (binary), read by content and decoded alike.
#[test]
fn committed_samples_in_har_and_saz() {
    use base64::Engine as _;
    use std::io::Write as _;
    let dir = format!("{}/../../tests/samples", env!("CARGO_MANIFEST_DIR"));
    let rq = std::fs::read(format!("{dir}/execute.request.bin")).unwrap();
    let rs = std::fs::read(format!("{dir}/execute.response.bin")).unwrap();
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let har = format!(
        r#"{{"log":{{"version":"1.2","entries":[{{"startedDateTime":"2024-03-01T09:00:00.000Z","time":80,
        "request":{{"method":"POST","url":"https://mail.contoso.com/mapi/emsmdb/?MailboxId=x@contoso.com","headers":[{{"name":"X-RequestType","value":"Execute"}},{{"name":"Content-Type","value":"application/mapi-http"}}],
          "postData":{{"mimeType":"application/mapi-http","text":"{}","encoding":"base64"}}}},
        "response":{{"status":200,"statusText":"OK","headers":[{{"name":"Content-Type","value":"application/mapi-http"}}],
          "content":{{"size":{},"mimeType":"application/mapi-http","text":"{}","encoding":"base64"}}}}}}]}}}}"#,
        b64(&rq),
        rs.len(),
        b64(&rs)
    );
    let mut c_txt = format!("POST https://mail.contoso.com/mapi/emsmdb/?MailboxId=x@contoso.com HTTP/1.1\r\nX-RequestType: Execute\r\nContent-Type: application/mapi-http\r\nContent-Length: {}\r\n\r\n", rq.len()).into_bytes();
    c_txt.extend_from_slice(&rq);
    let mut s_txt = format!("HTTP/1.1 200 OK\r\nContent-Type: application/mapi-http\r\nContent-Length: {}\r\n\r\n", rs.len()).into_bytes();
    s_txt.extend_from_slice(&rs);
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in [("raw/01_c.txt", &c_txt), ("raw/01_s.txt", &s_txt)] {
        w.start_file(name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    let saz = w.finish().unwrap().into_inner();
    let mut summaries = Vec::new();
    for (bytes, format) in [(har.into_bytes(), Format::Har), (saz, Format::Saz)] {
        let c = read(&bytes, &Limits::default(), Mode::Full).unwrap();
        assert_eq!(c.format, format);
        let x = &c.exchanges[0];
        assert_eq!((x.request_type, x.status, x.response_code), (Some(RequestType::Execute), Some(200), Some(0)));
        let d = x.dissection.as_ref().unwrap();
        assert_eq!(&d.sources[0].data[..], &rq[..]);
        assert!(d.sources.len() > 2, "derived payloads (de-obfuscated / decompressed) are sources too");
        assert!(d.diagnostics.iter().all(|x| x.severity < Severity::Warning), "{:?}", d.diagnostics);
        summaries.push(x.summary.clone());
    }
    assert!(summaries[0].starts_with("Execute: Rop"), "{}", summaries[0]);
    assert_eq!(summaries[0], summaries[1]);
}
