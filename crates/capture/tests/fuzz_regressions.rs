//! Inputs that once crashed, stalled or exhausted memory, kept under `tests/fuzz-regressions/<target>/`
//! (one directory per cargo-fuzz target of `fuzz/`), run through the same entry point as their fuzz
//! target with the same checks: no panic, every node and diagnostic span inside its source, rendering
//! works, and each input is done within a time bound. A new crash from `cargo xtask fuzz` goes into
//! the directory of its target once fixed; `README.md` there lists what each file was.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mapiscope_capture::{autodiscover, body, har, http, mapi, pcap, rawhttp, saz, sniff, HttpRequest, HttpResponse, Limits};
use mapiscope_codec::build::{Builder, Cur};
use mapiscope_codec::rops::context::Context;
use mapiscope_codec::rpc::{self, aux, lz77, rop, Direction};
use mapiscope_codec::{decode_exchange_in, decode_request, decode_response, Dissection, RequestType, Session};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fuzz-regressions")
}

/// The fuzz targets' limits (fuzz/fuzz_targets/common/mod.rs).
fn limits() -> Limits {
    Limits { max_body: 1 << 20, max_zip_entry: 4 << 20, max_connections: 4096, max_out_of_order: 1 << 20 }
}

fn check(d: &Dissection<'_>) {
    for n in &d.nodes {
        let src = &d.sources[n.source as usize];
        assert!(n.offset as usize + n.length as usize <= src.data.len(), "node span outside its source");
    }
    for g in &d.diagnostics {
        let src = &d.sources[g.source as usize];
        assert!(g.offset as usize + g.length as usize <= src.data.len(), "diagnostic span outside its source");
    }
    let _ = mapiscope_codec::text::render(d, false);
}

fn check_capture(c: &mapi::MapiCapture) {
    for x in &c.exchanges {
        if let Some(d) = &x.dissection {
            check(d);
        }
    }
    let _ = mapiscope_capture::json::document(c);
}

fn split(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let (head, rest) = data.split_at_checked(2)?;
    let n = usize::from(u16::from_le_bytes([head[0], head[1]])).min(rest.len());
    Some(rest.split_at(n))
}

fn rop_pair(session: Session, req: &[u8], resp: &[u8]) -> Session {
    let mut ctx = Context { session, exec: Default::default() };
    let mut b = Builder::new();
    let s0 = b.add_source("request payload", req);
    let s1 = b.add_source("response payload", resp);
    let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(req, s0), Direction::Request, &mut ctx);
    let _ = rop::rop_buffer_payload(&mut b, &mut Cur::new(resp, s1), Direction::Response, &mut ctx);
    check(&b.finish());
    ctx.session
}

/// Runs `data` through the entry point of fuzz target `target`; false for an unknown target.
fn run(target: &str, data: &[u8]) -> bool {
    let l = limits();
    let full = |c: Result<mapiscope_capture::HttpCapture, _>| {
        if let Ok(c) = c {
            check_capture(&mapi::analyze(c, mapi::Mode::Full));
        }
    };
    match target {
        "decode_body" => {
            if let Some((&sel, body)) = data.split_first() {
                let t = RequestType::ALL[usize::from(sel & 0x7F) % RequestType::ALL.len()];
                check(&if sel & 0x80 != 0 { decode_response(t, body) } else { decode_request(t, body) });
            }
        }
        "execute_pair" => {
            if let Some((req, resp)) = split(data) {
                let mut s = Session::default();
                for _ in 0..2 {
                    check(&decode_exchange_in(&mut s, RequestType::Execute, Some(req), Some(resp)).0);
                }
            }
        }
        "lz77" => {
            if let Some((head, body)) = data.split_at_checked(2) {
                let expected = usize::from(u16::from_le_bytes([head[0], head[1]]));
                let mut out = Vec::new();
                let _ = lz77::decompress(body, expected, &mut out);
                assert!(out.len() <= expected);
                let mut back = Vec::new();
                assert!(lz77::decompress(&lz77::compress(body), body.len(), &mut back).is_ok());
                assert_eq!(back, body);
            }
        }
        "rpc_ext" => {
            if let Some((&sel, buf)) = data.split_first() {
                let mut b = Builder::new();
                let src = b.add_source("buffer", buf);
                let mut c = Cur::new(buf, src);
                let mut ctx = Context::default();
                let _ = match sel % 3 {
                    0 => rpc::rop_buffer(&mut b, &mut c, Direction::Request, &mut ctx),
                    1 => rpc::rop_buffer(&mut b, &mut c, Direction::Response, &mut ctx),
                    _ => aux::auxiliary_buffer(&mut b, &mut c),
                };
                let d = b.finish();
                let derived: usize = d.sources.iter().skip(1).map(|s| s.data.len()).sum();
                assert!(derived <= 2 * rpc::ext::MAX_BUFFER_OUTPUT + buf.len());
                check(&d);
            }
        }
        "rops_list" | "rops_session" => {
            if let Some((req, resp)) = split(data) {
                // rops_session primes the session with golden Executes; the ROP decoders are the same.
                let s = rop_pair(Session::default(), req, resp);
                let _ = rop_pair(s, req, resp);
            }
        }
        "capture_pcap" | "capture_pcapng" => full(pcap::read_pcap(data, &l)),
        "capture_har" => full(har::read_har(data, &l)),
        "capture_saz" => full(saz::read_saz(data, &l)),
        "capture_raw_http" => full(rawhttp::read_raw_http(data, &l)),
        "capture_bare_body" => {
            if let Some((&sel, text)) = data.split_first() {
                let t = RequestType::ALL[usize::from(sel & 0x7F) % RequestType::ALL.len()];
                full(body::read_bare_body_with(text, t, sel & 0x80 != 0, &l));
            }
        }
        "capture_sniff" => {
            let _ = sniff::detect(data);
            if let Ok(c) = sniff::read(data, &l) {
                let index = mapi::analyze(c.clone(), mapi::Mode::Index);
                let full = mapi::analyze(c, mapi::Mode::Full);
                assert_eq!(index.exchanges.len(), full.exchanges.len());
                check_capture(&index);
                check_capture(&full);
            }
        }
        "http" => {
            if let Some((client, server)) = split(data) {
                let (reqs, _) = http::parse_requests(client, &l);
                let methods: Vec<String> = reqs.iter().map(|r| r.request.method.clone()).collect();
                assert!(reqs.iter().all(|r| r.start <= r.end && r.end <= client.len()));
                let (resps, _) = http::parse_responses(server, &l, &methods);
                assert!(resps.iter().all(|r| r.start <= r.end && r.end <= server.len()));
            }
        }
        "autodiscover" => {
            if let Some((req, resp)) = split(data) {
                let request = HttpRequest { method: "POST".into(), uri: "/autodiscover/autodiscover.xml".into(), body: req.to_vec(), ..Default::default() };
                let response = HttpResponse { status: 200, body: resp.to_vec(), complete: true, ..Default::default() };
                let d = autodiscover::decode(Some(&request), Some(&response));
                check(&d.dissection);
            }
        }
        _ => return false,
    }
    true
}

#[test]
fn every_kept_fuzz_input_runs_clean() {
    let mut ran = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir()).expect("tests/fuzz-regressions exists").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for d in dirs {
        let target = d.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d).expect("readable").filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).expect("readable input");
            let t0 = Instant::now();
            assert!(run(&target, &data), "{}: no fuzz target named {target:?}", f.display());
            let took = t0.elapsed();
            assert!(took < Duration::from_secs(10), "{}: took {took:?}", f.display());
            ran.push(format!("{target}/{}", f.file_name().and_then(|n| n.to_str()).unwrap_or("")));
        }
    }
    println!("{} kept inputs: {}", ran.len(), ran.join(", "));
    assert!(!ran.is_empty(), "no inputs under tests/fuzz-regressions/");
}

#[test]
fn the_targets_here_are_the_fuzz_targets() {
    // Every target of fuzz/Cargo.toml has an entry point here (so its crashes can be kept).
    let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/Cargo.toml")).expect("fuzz/Cargo.toml");
    let names: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "mapiscope-fuzz")
        .collect();
    assert!(names.len() >= 15, "{names:?}");
    for n in names {
        // The display-filter target belongs to the filter crate and is exercised by its own tests.
        if n == "filter_parse" {
            continue;
        }
        assert!(run(n, &[]), "fuzz target {n} has no entry point in this test");
    }
}
