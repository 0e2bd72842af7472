//! The Rust side of the JS API, natively: same JSON as the CLI's contracts.

use super::*;
use mapiscope_capture::mapi;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hex_file(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(root().join("tests/golden").join(name)).unwrap();
    let digits: String = text.lines().filter(|l| !l.trim_start().starts_with('#')).flat_map(|l| l.split_whitespace()).collect();
    (0..digits.len() / 2).map(|i| u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).unwrap()).collect()
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/samples").join(name)).unwrap()
}

#[test]
fn decode_is_the_codec_document() {
    let req = hex_file("execute_compressed.Execute.req.hex");
    let resp = hex_file("execute_compressed.Execute.resp.hex");
    let got = decode_json("Execute", Some(&req), Some(&resp)).unwrap();
    let (d, _) = mapiscope_codec::decode_exchange(RequestType::Execute, Some(&req), Some(&resp));
    assert_eq!(got, mapiscope_codec::json::document(&d, true, true));
    assert!(got.contains("\"abbrev\":\"mapihttp.rop.id\""));
    assert!(got.starts_with("{\"request\":{"));
    let only_resp = decode_json("Execute", None, Some(&resp)).unwrap();
    assert!(only_resp.starts_with("{\"request\":null,\"response\":{"));
    let e = decode_json("Frobnicate", Some(&req), None).unwrap_err();
    assert!(e.contains("unknown request type \"Frobnicate\""), "{e}");
    assert!(decode_json("Execute", None, None).is_err());
}

#[test]
fn read_is_the_cli_document() {
    for name in ["outlook.pcapng", "outlook.har"] {
        let bytes = sample(name);
        let want = mapiscope_capture::json::document(&mapi::read(&bytes, &Limits::default(), Mode::Full).unwrap());
        assert_eq!(read_json(bytes).unwrap(), want, "{name}");
    }
    let e = read_json(b"\x00\x01garbage".to_vec()).unwrap_err();
    assert!(e.starts_with("not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file"), "{e}");
}

#[test]
fn capture_lists_exchanges_and_builds_trees_with_sources() {
    let bytes = sample("outlook.pcapng");
    let full = mapi::read(&bytes, &Limits::default(), Mode::Full).unwrap();
    let total = bytes.len() as u64;
    let mut calls = Vec::new();
    let mut c = Capture::open_with(bytes, &mut |d, t| calls.push((d, t))).unwrap();
    assert_eq!(c.length(), full.exchanges.len());
    assert_eq!(c.format(), "pcapng");
    assert_eq!(calls.last(), Some(&(total, total)));
    assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0 && w[1].1 == total), "{calls:?}");
    // Rows: clamped ranges, one object per exchange.
    assert_eq!(c.list_json(5, 2), "[]");
    assert_eq!(c.list_json(c.length() + 3, c.length() + 9), "[]");
    let rows = c.list_json(0, usize::MAX);
    assert_eq!(rows.matches("\"kind\":").count(), c.length());
    assert!(rows.starts_with("[{\"index\":0,"));
    // The first Execute: its tree equals the full read's, and its sources are the bodies.
    let i = full.exchanges.iter().position(|x| x.request_type == Some(RequestType::Execute) && x.dissection.is_some()).unwrap();
    let detail = c.exchange_json(i).unwrap();
    let want = &full.exchanges[i];
    let d = want.dissection.as_ref().unwrap();
    let mut req = String::new();
    mapiscope_codec::json::node(&mut req, d, want.request_root.unwrap());
    assert!(detail.contains(&format!("\"request\":{req},")), "request tree differs");
    assert_eq!(c.source_bytes(i, 0).unwrap(), d.sources[0].data.to_vec());
    assert_eq!(c.source_bytes(i, 1).unwrap(), d.sources[1].data.to_vec());
    assert!(c.source_bytes(i, d.sources.len()).is_none());
    assert!(c.exchange_json(c.length()).is_none());
    assert!(c.sessions().starts_with("[{\"index\":0,"));
    assert!(c.diagnostics().starts_with('['));
    assert!(c.summary().starts_with("{\"format\":\"pcapng\","));
    assert!(Capture::open_with(b"hello".to_vec(), &mut |_, _| {}).is_err());
}

#[test]
fn bare_bodies_open_as_one_exchange_with_derived_sources() {
    let req = hex_file("execute_compressed.Execute.req.hex");
    let text: String = req.iter().map(|b| format!("{b:02x} ")).collect();
    let mut c = Capture::open_bare_with(text.as_bytes(), "Execute", false).unwrap();
    assert_eq!(c.length(), 1);
    let detail = c.exchange_json(0).unwrap();
    assert!(detail.contains("\"abbrev\":\"mapihttp.rop.id\""));
    // Source 0 is the body; the decompressed RopBuffer payload follows.
    assert_eq!(c.source_bytes(0, 0).unwrap(), req);
    let derived = c.source_bytes(0, 1).unwrap();
    assert!(!derived.is_empty() && derived != req);
    let e = Capture::open_bare_with(b"zz not hex!", "Execute", false).err().unwrap();
    assert!(e.starts_with("not a bare body in hex or base64"), "{e}");
    assert!(Capture::open_bare_with(text.as_bytes(), "Nope", false).is_err());
}

/// The filters, statistics and exports of the viewer agree with the CLI's engine run over the full
/// read (`read -Y`, `stats --json`, `read --json`).
#[test]
fn viewer_filters_stats_and_exports_match_the_full_read() {
    use mapiscope_filter::stats::Stats;
    use mapiscope_filter::Filter;
    let bytes = sample("outlook.pcapng");
    let full = mapi::read(&bytes, &Limits::default(), Mode::Full).unwrap();
    let mut c = Capture::open_with(bytes, &mut |_, _| {}).unwrap();
    let n = c.length();
    for text in [
        "mapihttp.request_type == \"Execute\"",
        "mapihttp.rop.id == RopQueryRows",
        "mapihttp.rop.queryrows || mapihttp.endpoint == nspi",
        "!mapihttp.rop.release",
        "mapihttp.exchange.duration > 0.01 && mapihttp.session == 0",
        "",
    ] {
        let f = Filter::compile(text).unwrap();
        let want: Vec<u32> = full.exchanges.iter().filter(|x| f.matches(x)).map(|x| x.index as u32).collect();
        // In one go, and in chunks of 7 (the worker's way), in any order of earlier requests.
        assert_eq!(c.match_range(&f, 0, n), want, "{text}");
        let mut chunked = Vec::new();
        for s in (0..n + 7).step_by(7) {
            chunked.extend(c.match_range(&f, s, s + 7));
        }
        assert_eq!(chunked, want, "{text}");
        assert!(!want.is_empty(), "{text} matches something in the sample");
    }
    assert!(c.match_range(&Filter::compile("mapihttp.rop.id == RopQueryRows").unwrap(), 0, n).len() < n);
    // Stats over some exchanges, added out of order and in pieces = the CLI's over the same.
    let f = Filter::compile("mapihttp.request_type == \"Execute\"").unwrap();
    let chosen = c.match_range(&f, 0, n);
    let mut want = Stats::default();
    for x in full.exchanges.iter().filter(|x| f.matches(x)) {
        want.add(x);
    }
    let mut got = Stats::default();
    let (a, b) = chosen.split_at(chosen.len() / 2);
    c.stats_add(&mut got, b);
    c.stats_add(&mut got, a);
    assert_eq!(c.stats_report(&got), want.report(&full.sessions).json());
    assert!(c.stats_report(&got).contains("\"Execute\""));
    // JSON export: the exchange objects of read --json.
    let all: Vec<u32> = (0..n as u32).collect();
    let doc = mapiscope_capture::json::document(&full);
    let exported = c.exchanges_json(&all);
    assert!(doc.starts_with(&format!("{{\"exchanges\":[{exported}]")), "export differs from read --json");
    assert_eq!(c.exchanges_json(&[]), "");
    // CSV: one line per exchange after the header, list columns or chosen fields.
    let header = Capture::csv_header(None).unwrap();
    assert_eq!(header, "No.,Time,Session,Endpoint,Request type,Status,X-ResponseCode,Elapsed (ms),Duration (s),Summary\r\n");
    let rows = c.csv_rows(&chosen, None).unwrap();
    assert_eq!(rows.matches("\r\n").count(), chosen.len());
    assert!(rows.starts_with(&format!("{},", chosen[0] + 1)));
    assert!(rows.lines().all(|l| l.contains(",emsmdb,Execute,")), "{rows}");
    let keys = vec![String::from("mapihttp.exchange.number"), String::from("mapihttp.rop.id")];
    assert_eq!(Capture::csv_header(Some(&keys)).unwrap(), "mapihttp.exchange.number,mapihttp.rop.id\r\n");
    let rows = c.csv_rows(&chosen, Some(&keys)).unwrap();
    let first = rows.lines().next().unwrap();
    assert!(first.starts_with(&format!("{},\"", chosen[0] + 1)) || first.starts_with(&format!("{},0x", chosen[0] + 1)), "{first}");
    let bad = vec![String::from("mapihttp.rop.querrows")];
    assert!(Capture::csv_header(Some(&bad)).unwrap_err().contains("did you mean \"mapihttp.rop.queryrows\""));
    assert!(c.csv_rows(&chosen, Some(&bad)).is_err());
    // Apply as filter: the node's filter selects its exchange.
    let i = chosen[0] as usize;
    let x = &full.exchanges[i];
    let d = x.dissection.as_ref().unwrap();
    let node = d.nodes.iter().find(|nd| nd.field.key == "mapihttp.rop.id").unwrap();
    let text = c.filter_for_node(i, "mapihttp.rop.id", usize::from(node.source), node.offset as usize, node.length as usize).unwrap();
    assert!(text.starts_with("mapihttp.rop.id == 0x"), "{text}");
    assert!(c.match_range(&Filter::compile(&text).unwrap(), 0, n).contains(&(i as u32)));
    assert_eq!(c.filter_for_node(i, "mapihttp.autodiscover", 0, 0, 0).unwrap(), "mapihttp.exchange.kind == \"autodiscover\"");
    assert_eq!(c.filter_for_node(i, "mapihttp.connect.userdn", 0, 0, 0).unwrap(), "mapihttp.connect.userdn");
    assert!(Filter::compile("mapihttp.exchange.kind == \"autodiscover\"").is_ok());
    assert!(c.filter_for_node(i, "no.such.key", 0, 0, 0).is_err());
    assert!(c.filter_for_node(n, "mapihttp.rop.id", 0, 0, 0).is_err());
}
