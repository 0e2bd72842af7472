//! Filters on the committed demo captures, checked against counts read independently: from the
//! exchange list (`mapiscope read` columns: request type, ROP summary, status/rc) and from walking
//! the dissections by hand.

use std::path::PathBuf;

use mapiscope_capture::mapi::{self, MapiCapture, MapiExchange, Mode};
use mapiscope_capture::Limits;
use mapiscope_codec::{RequestType, Value};
use mapiscope_filter::{Extractor, Filter};

fn capture(name: &str, mode: Mode) -> MapiCapture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples").join(name);
    let bytes = std::fs::read(&path).expect("sample capture");
    mapi::read(&bytes, &Limits::default(), mode).expect("readable sample")
}

fn numbers(c: &MapiCapture, filter: &str) -> Vec<usize> {
    let f = Filter::compile(filter).unwrap_or_else(|e| panic!("{}", e.render(filter)));
    c.exchanges.iter().filter(|x| f.matches(x)).map(|x| x.index + 1).collect()
}

fn count(c: &MapiCapture, filter: &str) -> usize {
    numbers(c, filter).len()
}

/// Request ROP names of an Execute, read from its request tree by hand (RopId nodes under the
/// request root).
fn request_rops(x: &MapiExchange) -> Vec<u64> {
    let (Some(d), Some(r)) = (&x.dissection, x.request_root) else { return Vec::new() };
    let end = d.node(r).map_or(r, |n| n.end);
    (r..end)
        .filter_map(|i| d.node(i))
        .filter(|n| n.field.key == "mapihttp.rop.id")
        .filter_map(|n| if let Value::UInt(v) = n.value { Some(v) } else { None })
        .collect()
}

#[test]
fn issue_examples_on_both_demo_captures() {
    for name in ["outlook.pcapng", "outlook.har"] {
        let c = capture(name, Mode::Full);
        assert_eq!(c.exchanges.len(), 37, "{name}");
        // The exchange list: 18 Execute rows (`read` column "Request type").
        let executes = c.exchanges.iter().filter(|x| x.request_type == Some(RequestType::Execute)).count();
        assert_eq!(executes, 18, "{name}");
        assert_eq!(count(&c, "mapihttp.request_type == \"Execute\""), 18, "{name}");
        assert_eq!(count(&c, "mapihttp.request_type == Execute"), 18, "{name}");
        assert_eq!(count(&c, "mapihttp.execute.request"), 18, "{name}");
        // RopQueryRows: rows 5, 6, 17, 23 and 31 of the list.
        let by_hand: Vec<usize> = c.exchanges.iter().filter(|x| request_rops(x).contains(&0x15)).map(|x| x.index + 1).collect();
        assert_eq!(by_hand, [5, 6, 17, 23, 31], "{name}");
        assert_eq!(numbers(&c, "mapihttp.rop.queryrows"), by_hand, "{name}");
        assert_eq!(numbers(&c, "mapihttp.rop.id == RopQueryRows"), by_hand, "{name}");
        assert_eq!(numbers(&c, "mapihttp.rop.id == 0x15"), by_hand, "{name}");
        assert_eq!(numbers(&c, "mapihttp.exchange.rop == \"RopQueryRows\""), by_hand, "{name}");
        // X-ResponseCode 10: row 28 (`200/rc=10`).
        assert_eq!(numbers(&c, "mapihttp.response_code == ContextNotFound"), [28], "{name}");
        assert_eq!(numbers(&c, "mapihttp.response_code == 10"), [28], "{name}");
        assert_eq!(numbers(&c, "mapihttp.response_code != 0"), [28], "{name}");
        assert_eq!(count(&c, "mapihttp.exchange.error"), 37, "{name}: a boolean is present whatever its value");
        assert_eq!(numbers(&c, "mapihttp.exchange.error == true"), [28], "{name}");
    }
}

#[test]
fn endpoints_sessions_and_logic() {
    let c = capture("outlook.pcapng", Mode::Full);
    let nspi: Vec<usize> = c.exchanges.iter().filter(|x| x.endpoint.is_some_and(|e| e.name() == "nspi")).map(|x| x.index + 1).collect();
    assert_eq!(nspi, [10, 11, 13, 18, 19, 20, 21, 26]);
    assert_eq!(numbers(&c, "mapihttp.endpoint == nspi"), nspi);
    assert_eq!(count(&c, "mapihttp.endpoint == emsmdb"), 27);
    assert_eq!(count(&c, "mapihttp.exchange.kind == autodiscover"), 2);
    assert_eq!(count(&c, "!mapihttp.endpoint"), 2, "the two Autodiscover exchanges");
    assert_eq!(count(&c, "mapihttp.endpoint != emsmdb"), 8, "!= needs the field: Autodiscover has no endpoint");
    assert_eq!(count(&c, "!(mapihttp.endpoint == emsmdb)"), 10);
    assert_eq!(numbers(&c, "mapihttp.session == 3"), [18, 19, 20, 21]);
    assert_eq!(numbers(&c, "mapihttp.session in {1 3}"), [10, 11, 13, 18, 19, 20, 21, 26]);
    assert_eq!(numbers(&c, "mapihttp.session in {1..3} && mapihttp.request_type == Unbind"), [21, 26]);
    assert_eq!(numbers(&c, "mapihttp.request_type == Bind || mapihttp.request_type == Unbind"), [10, 18, 21, 26]);
    assert_eq!(numbers(&c, "mapihttp.request_type == Unbind ^^ mapihttp.session == 1"), [10, 11, 13, 21]);
    assert_eq!(numbers(&c, "mapihttp.exchange.pending >= 2"), [9]);
    assert_eq!(numbers(&c, "mapihttp.exchange.duration > 20"), [9, 25, 33, 36]);
    assert_eq!(numbers(&c, "mapihttp.exchange.summary contains \"RopRegisterNotification\""), [7, 32]);
    assert_eq!(numbers(&c, "mapihttp.exchange.summary matches \"ropregister\""), [7, 32], "matches is case-insensitive");
    assert_eq!(count(&c, "mapihttp.exchange.summary matches \"(?-i)ropregister\""), 0);
    assert_eq!(numbers(&c, "mapihttp.exchange.number <= 2"), [1, 2]);
    assert_eq!(numbers(&c, "mapihttp.connect.userdn contains \"bobnguyen\""), [12, 29]);
    assert_eq!(numbers(&c, "mapihttp.autodiscover.user.autodiscoversmtpaddress == \"bob.nguyen@contoso.com\""), [8]);
}

#[test]
fn occurrence_semantics() {
    let c = capture("outlook.pcapng", Mode::Full);
    // Exchange 14 has RopOpenMessage, RopGetPropertiesSpecific, RopRelease three times each.
    assert!(numbers(&c, "mapihttp.rop.id == RopRelease").contains(&14));
    assert!(!numbers(&c, "mapihttp.rop.id != RopRelease").contains(&14), "all_ne: one occurrence is equal");
    assert!(numbers(&c, "mapihttp.rop.id ~= RopRelease").contains(&14), "any_ne: another occurrence differs");
    assert!(numbers(&c, "mapihttp.rop.id !== RopRelease").contains(&14));
    assert!(!numbers(&c, "mapihttp.rop.id === RopRelease").contains(&14));
    // Every RopId of every exchange, read by hand: === and `not in` against them.
    let all_ids = |x: &MapiExchange| -> Vec<u64> {
        x.dissection.as_ref().map_or(Vec::new(), |d| {
            d.nodes.iter().filter(|n| n.field.key == "mapihttp.rop.id").filter_map(|n| if let Value::UInt(v) = n.value { Some(v) } else { None }).collect()
        })
    };
    let all_gps: Vec<usize> =
        c.exchanges.iter().filter(|x| { let v = all_ids(x); !v.is_empty() && v.iter().all(|&i| i == 0x07) }).map(|x| x.index + 1).collect();
    assert_eq!(all_gps, [28], "only exchange 28 (its response failed) has nothing but RopGetPropertiesSpecific; 24 and 35 also carry RopNotify, RopPending");
    assert_eq!(numbers(&c, "mapihttp.rop.id === RopGetPropertiesSpecific"), all_gps);
    let none_of: Vec<usize> = c
        .exchanges
        .iter()
        .filter(|x| { let v = all_ids(x); !v.is_empty() && !v.iter().any(|&i| i == 0x01 || i == 0xFE) })
        .map(|x| x.index + 1)
        .collect();
    assert_eq!(numbers(&c, "mapihttp.rop.id not in {RopRelease RopLogon}"), none_of);
    assert!(!none_of.contains(&14) && none_of.contains(&24));
    // count(): request and response ROPs of exchange 14: 9 requests, 6 responses (RopRelease has none).
    let rop_ids = |n: usize| {
        let x = &c.exchanges[n - 1];
        x.dissection.as_ref().unwrap().nodes.iter().filter(|n| n.field.key == "mapihttp.rop.id").count()
    };
    assert_eq!(rop_ids(14), 15);
    assert!(numbers(&c, "count(mapihttp.rop.id) == 15").contains(&14));
    assert!(numbers(&c, "count(mapihttp.rop.id) > 14").iter().all(|&n| rop_ids(n) > 14));
    assert_eq!(count(&c, "count(mapihttp.rop.id) == 0"), 37 - 18, "every non-Execute");
}

#[test]
fn index_mode_uses_exchange_values() {
    let c = capture("outlook.pcapng", Mode::Index);
    assert!(c.exchanges.iter().all(|x| x.dissection.is_none()));
    let f = Filter::compile("mapihttp.response_code == ContextNotFound").unwrap();
    assert!(!f.needs_dissection());
    assert_eq!(numbers(&c, "mapihttp.response_code == ContextNotFound"), [28]);
    assert_eq!(count(&c, "mapihttp.exchange.rop == RopQueryRows"), 5);
    assert!(Filter::compile("mapihttp.rop.queryrows").unwrap().needs_dissection());
    assert_eq!(count(&c, "mapihttp.rop.queryrows"), 0, "no trees in index mode");
}

#[test]
fn extraction_texts() {
    let c = capture("outlook.pcapng", Mode::Full);
    let e = Extractor::new(&["mapihttp.exchange.number", "mapihttp.request_type", "mapihttp.rop.id", "mapihttp.response_code", "mapihttp.connect.userdn"]).unwrap();
    assert!(e.needs_dissection());
    let row = |n: usize| e.extract(&c.exchanges[n - 1]);
    let r5 = row(5);
    assert_eq!(r5[0], ["5"]);
    assert_eq!(r5[1], ["Execute"]);
    assert_eq!(r5[2][..4], ["0x02", "0x04", "0x12", "0x15"]);
    assert_eq!(r5[3], ["0"]);
    assert!(r5[4].is_empty());
    let r28 = row(28);
    assert_eq!(r28[3], ["10"]);
    let r2 = row(2);
    assert_eq!(r2[4], ["/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alicewood"]);
    let err = Extractor::new(&["mapihttp.request_type", "mapihttp.rop.quryrows"]).err().unwrap();
    assert_eq!((err.start, err.suggestion.as_deref()), (1, Some("mapihttp.rop.queryrows")));
}

#[test]
fn statistics_match_a_hand_count() {
    use mapiscope_filter::stats::Stats;
    let c = capture("outlook.pcapng", Mode::Full);
    let mut s = Stats::default();
    for x in &c.exchanges {
        s.add(x);
    }
    assert_eq!(s.exchanges, 37);
    let execute = &s.request_types["Execute"];
    assert_eq!((execute.count, execute.errors), (18, 1), "the X-ResponseCode 10 Execute failed");
    let times = execute.times().unwrap();
    // Durations of the Execute rows of the list, read by hand: 2.187 ms (row 28) … 76.660 ms (row 31).
    assert!((times.min - 0.002187).abs() < 1e-5 && (times.max - 0.076660).abs() < 1e-5, "{times:?}");
    assert_eq!(s.request_types["NotificationWait"].count, 4);
    assert_eq!(s.request_types["Autodiscover"].count, 2);
    assert_eq!(s.rops["RopQueryRows"].count, 5);
    assert_eq!(s.rops["RopRelease"].count, 7, "rows 14, 22, 34: 3 + 2 + 2");
    assert_eq!(s.rops["RopLogon"].count, 3, "rows 3, 15, 30");
    assert_eq!(s.response_codes.get(&10), Some(&1));
    assert_eq!(s.response_codes.get(&0), Some(&34));
    // RopBuffer units by hand: walk each Execute's RopBuffer nodes and their RPC_HEADER_EXT children.
    let mut hand = [(0u64, 0u64, 0u64, 0u64); 2];
    for x in &c.exchanges {
        let Some(d) = &x.dissection else { continue };
        for (i, n) in d.nodes.iter().enumerate() {
            if n.field.key != "mapihttp.execute.ropbuffer" {
                continue;
            }
            let dir = usize::from(d.sources[n.source as usize].name != "request body");
            for j in i as u32..n.end {
                let h = &d.nodes[j as usize];
                if h.field.key != "mapihttp.rpc.header" {
                    continue;
                }
                let kids: Vec<&mapiscope_codec::Node> = d.children(j).map(|k| &d.nodes[k as usize]).collect();
                let get = |key: &str| kids.iter().find(|k| k.field.key == key).and_then(|k| if let Value::UInt(v) = k.value { Some(v) } else { None }).unwrap();
                hand[dir].0 += 1;
                if get("mapihttp.rpc.header.flags") & 1 != 0 {
                    hand[dir].1 += 1;
                    hand[dir].2 += get("mapihttp.rpc.header.size");
                    hand[dir].3 += get("mapihttp.rpc.header.sizeactual");
                }
            }
        }
    }
    for (k, c) in s.compression.iter().enumerate() {
        assert_eq!((c.units, c.compressed, c.size, c.size_actual), hand[k], "direction {k}");
    }
    assert_eq!(s.compression[0].units, 18, "one unit per Execute request");
    let r = s.report(&c.sessions);
    let j = r.json();
    assert!(j.contains("\"compression\":{\"request\":{\"units\":18,"), "{j}");
    let t = r.text();
    assert!(t.contains("RopBuffer compression"), "{t}");
}

#[test]
fn apply_as_filter_round_trips_every_node() {
    use mapiscope_filter::value::filter_for_node;
    let c = capture("outlook.pcapng", Mode::Full);
    let mut checked = 0;
    for x in &c.exchanges {
        let Some(d) = &x.dissection else { continue };
        // Every field of every exchange, once (its first node; the value kinds of a polymorphic field
        // such as PropertyValue vary between exchanges).
        let mut seen = std::collections::HashSet::new();
        for n in d.nodes.iter().filter(|n| seen.insert(n.field.key)) {
            let text = filter_for_node(d, n);
            let f = Filter::compile(&text).unwrap_or_else(|e| panic!("{}", e.render(&text)));
            assert!(f.matches(x), "exchange {}: {text} does not match its own node", x.index + 1);
            checked += 1;
        }
    }
    assert!(checked > 500, "{checked}");
    let d = c.exchanges[4].dissection.as_ref().unwrap();
    let (_, n) = d.find("mapihttp.rop.id").unwrap();
    assert_eq!(filter_for_node(d, n), "mapihttp.rop.id == 0x2");
}
