//! The lazy capture against the eager one: every exchange's tree, in any order, equals
//! `mapi::read(Mode::Full)`'s; the index equals `mapi::read(Mode::Index)`'s.

use super::*;
use crate::json;
use crate::mapi::read;
use crate::synth::{write_sample, Options, SampleFormat};

fn committed(name: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples").join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn generated(f: SampleFormat, size: Option<u64>) -> Vec<u8> {
    let (c, _) = write_sample(f, &Options { size, ..Options::default() }, std::io::Cursor::new(Vec::new())).unwrap();
    c.into_inner()
}

fn ex_json(x: &MapiExchange) -> String {
    let mut s = String::new();
    json::exchange(&mut s, x);
    s
}

fn open(bytes: &[u8]) -> LazyCapture {
    LazyCapture::open(bytes, &Limits::default(), &mut |_, _| {}).unwrap()
}

/// Asks for every exchange in `order` and compares with the full read.
fn check_order(bytes: &[u8], order: &[usize]) -> usize {
    let full = read(bytes, &Limits::default(), Mode::Full).unwrap();
    let mut lazy = open(bytes);
    assert_eq!(lazy.len(), full.exchanges.len());
    let mut trees = 0;
    for &i in order {
        let want = &full.exchanges[i];
        let got = lazy.exchange(i).unwrap();
        assert_eq!(ex_json(got), ex_json(want), "exchange {i}");
        trees += usize::from(got.dissection.is_some());
    }
    trees
}

fn orders(n: usize) -> Vec<Vec<usize>> {
    let forward: Vec<usize> = (0..n).collect();
    let backward: Vec<usize> = (0..n).rev().collect();
    // A stride that jumps back and forth through every session.
    let stride: Vec<usize> = (0..n).map(|k| (k * 37 + 11) % n).collect();
    vec![forward, backward, stride]
}

#[test]
fn committed_samples_give_the_full_trees_in_any_order() {
    for name in ["outlook.pcapng", "outlook.har"] {
        let bytes = committed(name);
        let n = read(&bytes, &Limits::default(), Mode::Index).unwrap().exchanges.len();
        assert!(n > 20, "{name}: {n} exchanges");
        for order in orders(n) {
            let trees = check_order(&bytes, &order);
            assert!(trees > n / 2, "{name}: {trees} trees of {n}");
        }
    }
}

#[test]
fn long_sessions_use_checkpoints_and_stay_exact() {
    // A generated capture with sessions longer than several checkpoints.
    let bytes = generated(SampleFormat::Har, Some(3 << 20));
    let mut lazy = open(&bytes);
    let longest = lazy.capture().sessions.iter().map(|s| s.exchanges.len()).max().unwrap();
    assert!(longest > 2 * CHECKPOINT + 1, "longest session: {longest}");
    let n = lazy.len();
    let full = read(&bytes, &Limits::default(), Mode::Full).unwrap();
    // Last exchange first (walks the whole session, leaving checkpoints), then jumps back.
    let s = lazy.capture().sessions.iter().max_by_key(|s| s.exchanges.len()).unwrap().clone();
    let picks = [s.exchanges[s.exchanges.len() - 1], s.exchanges[CHECKPOINT + 5], s.exchanges[2 * CHECKPOINT], s.exchanges[1], s.exchanges[2 * CHECKPOINT + 1]];
    for i in picks {
        assert_eq!(ex_json(lazy.exchange(i).unwrap()), ex_json(&full.exchanges[i]), "exchange {i}");
    }
    let stored = &lazy.checkpoints[s.index];
    assert!(stored.len() >= 3, "{} checkpoints", stored.len());
    assert!(stored.iter().all(|c| c.next % CHECKPOINT == 0));
    assert!(stored.windows(2).all(|w| w[0].next < w[1].next));
    // A sample of the rest.
    for i in (0..n).step_by(7) {
        assert_eq!(ex_json(lazy.exchange(i).unwrap()), ex_json(&full.exchanges[i]), "exchange {i}");
    }
}

#[test]
fn the_index_is_the_index_mode_read() {
    for bytes in [committed("outlook.pcapng"), committed("outlook.har"), generated(SampleFormat::Saz, None), generated(SampleFormat::Raw, None)] {
        let want = read(&bytes, &Limits::default(), Mode::Index).unwrap();
        let lazy = open(&bytes);
        assert_eq!(json::document(lazy.capture()), json::document(&want));
        assert_eq!(lazy.capture().format, want.format);
        assert_eq!(lazy.capture().packets, want.packets);
    }
}

#[test]
fn index_copy_keeps_only_the_envelope_of_decodable_responses() {
    let bytes = committed("outlook.pcapng");
    let c = crate::sniff::read(&bytes, &Limits::default()).unwrap();
    let full: usize = c.exchanges.iter().filter_map(|x| x.response.as_ref()).map(|r| r.body.len()).sum();
    let slim: usize = c.exchanges.iter().map(index_copy).filter_map(|x| x.response).map(|r| r.body.len()).sum();
    assert!(slim * 4 < full, "slim {slim} of {full}");
    // The prefix ends after the additional headers' empty line.
    let body = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n\x00\x01\x02";
    assert_eq!(envelope_prefix(body), &body[..body.len() - 3]);
    assert_eq!(envelope_prefix(b""), b"");
    assert_eq!(envelope_prefix(b"<html>"), b"<html>");
}

#[test]
fn progress_goes_up_to_the_file_size() {
    for bytes in [committed("outlook.pcapng"), committed("outlook.har")] {
        let mut calls = Vec::new();
        let lazy = LazyCapture::open(&bytes, &Limits::default(), &mut |d, t| calls.push((d, t))).unwrap();
        assert!(!lazy.is_empty());
        let total = bytes.len() as u64;
        assert!(calls.len() >= 4, "{calls:?}");
        assert!(calls.iter().all(|&(d, t)| t == total && d <= t), "{calls:?}");
        assert!(calls.windows(2).all(|w| w[0].0 <= w[1].0), "{calls:?}");
        assert_eq!(calls.last(), Some(&(total, total)));
    }
}

#[test]
fn unreadable_files_say_what_was_tried() {
    let e = LazyCapture::open(b"\x00garbage\xff", &Limits::default(), &mut |_, _| {}).err().unwrap();
    assert!(e.message.starts_with(crate::sniff::TRIED), "{}", e.message);
    let mut lazy = open(&committed("outlook.har"));
    assert!(lazy.exchange(lazy.len()).is_none());
}

#[test]
fn rows_and_details_are_json_with_spans_inside_their_sources() {
    let bytes = committed("outlook.pcapng");
    let mut lazy = open(&bytes);
    let mut saw_execute = false;
    let mut saw_autodiscover = false;
    for i in 0..lazy.len() {
        let mut r = String::new();
        row(&mut r, &lazy.capture().exchanges[i]);
        let rv: serde_json::Value = serde_json::from_str(&r).unwrap_or_else(|e| panic!("{e}: {r}"));
        assert_eq!(rv["index"], i);
        for k in ["time", "session", "endpoint", "request_type", "kind", "method", "uri", "status", "response_code", "response_code_name", "elapsed_ms", "pending", "duration", "summary", "rops", "severity", "diagnostics"] {
            assert!(rv.get(k).is_some(), "row {i} lacks {k}: {r}");
        }
        let x = lazy.exchange(i).unwrap().clone();
        let mut d = String::new();
        detail(&mut d, &x, lazy.message(i));
        let dv: serde_json::Value = serde_json::from_str(&d).unwrap_or_else(|e| panic!("{e}: {d}"));
        let lens: Vec<u64> = dv["sources"].as_array().unwrap().iter().map(|s| s["length"].as_u64().unwrap()).collect();
        fn walk(n: &serde_json::Value, lens: &[u64], count: &mut usize) {
            if n.is_null() {
                return;
            }
            let src = n["source"].as_u64().unwrap() as usize;
            let end = n["offset"].as_u64().unwrap() + n["length"].as_u64().unwrap();
            assert!(end <= lens[src], "{} ends at {end} > {}", n["abbrev"], lens[src]);
            *count += 1;
            for c in n["children"].as_array().unwrap() {
                walk(c, lens, count);
            }
        }
        let mut count = 0;
        walk(&dv["request"], &lens, &mut count);
        walk(&dv["response"], &lens, &mut count);
        walk(&dv["autodiscover"], &lens, &mut count);
        if rv["request_type"] == "Execute" && rv["kind"] == "mapi" {
            saw_execute = true;
            assert!(count > 10, "exchange {i}: {count} nodes");
            assert!(d.contains("\"abbrev\":\"mapihttp.rop.id\""), "exchange {i}");
            assert!(dv["request_headers"].as_array().unwrap().iter().any(|h| h[0].as_str().unwrap().eq_ignore_ascii_case("X-RequestType")));
        }
        if rv["kind"] == "autodiscover" {
            saw_autodiscover = true;
            let ad = &dv["autodiscover"];
            assert_eq!(ad["abbrev"], "mapihttp.autodiscover");
            assert!(d.contains("mapihttp.autodiscover.mailstore"), "{d}");
            assert!(!ad["children"].as_array().unwrap().is_empty());
        } else {
            assert!(dv["autodiscover"].is_null());
        }
        // Diagnostics: transport first, then the decoder's.
        let diags = dv["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), x.diagnostics.len() + x.dissection.as_ref().map_or(0, |d| d.diagnostics.len()));
    }
    assert!(saw_execute && saw_autodiscover);
    let mut s = String::new();
    summary(&mut s, lazy.capture());
    let sv: serde_json::Value = serde_json::from_str(&s).unwrap();
    assert_eq!(sv["format"], "pcapng");
    assert_eq!(sv["exchanges"], lazy.len());
}
