//! Golden `mapiscope read` output per input format: pcap, pcapng, HAR, Fiddler SAZ, raw HTTP (the
//! generated two-user Outlook start of `mapiscope sample`, built here) and a bare body (a codec golden
//! vector). Each golden file under `tests/golden/` holds the exchange list exactly as `mapiscope
//! read` prints it ([`mapiscope_capture::text`]), then, per exchange, what the full dissection
//! (`read -V`) found: node counts of the request and response trees and every diagnostic. The trees
//! themselves are checked by the codec's golden tests; here they are summarised to keep the files
//! small. Refresh with `UPDATE_GOLDEN=1 cargo test -p mapiscope-capture --test golden`.

use std::fmt::Write as _;
use std::path::PathBuf;

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::synth::{self, Options, SampleFormat};
use mapiscope_capture::{text, HttpCapture, Limits};
use mapiscope_codec::RequestType;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The `read` listing, then the `-V` findings per exchange.
fn render(read: impl Fn() -> HttpCapture) -> String {
    let capture = read();
    let t0 = capture.exchanges.iter().filter_map(mapi::exchange_time).fold(f64::INFINITY, f64::min);
    let mut out = Vec::new();
    text::list_header(&mut out).unwrap();
    let mut lines = Vec::new();
    let index = mapi::analyze_with(capture, Mode::Index, |x| {
        text::list_row(&x, t0, false, &mut out).unwrap();
        lines.push(x.summary.clone());
    });
    text::list_tail(&index, lines.len(), &mut out).unwrap();
    let mut s = String::from_utf8(out).unwrap();
    s.push_str("\nFull dissection (read -V):\n");
    let mut k = 0;
    let full = mapi::analyze_with(read(), Mode::Full, |x| {
        // Index and full mode give the same list line.
        assert_eq!(lines.get(k), Some(&x.summary), "exchange {k}");
        k += 1;
        let nodes = |root: Option<u32>| {
            match (&x.dissection, root) {
                (Some(d), Some(r)) => d.node(r).map_or(0, |n| n.end - r),
                _ => 0,
            }
        };
        // Every answered MAPI/HTTP exchange has a response tree (also when the request's RopBuffer
        // was compressed or obfuscated, which adds sources before the response body's).
        if x.kind == mapi::Kind::Mapi && x.request_type.is_some() && x.status == Some(200) {
            assert!(nodes(x.response_root) > 0, "exchange {} has no response tree", x.index + 1);
        }
        let _ = writeln!(s, "{:>5}  request {} nodes, response {} nodes", x.index + 1, nodes(x.request_root), nodes(x.response_root));
        for d in &x.diagnostics {
            let _ = writeln!(s, "         [{}] {}", d.severity.name(), d.message);
        }
        if let Some(d) = &x.dissection {
            for dg in &d.diagnostics {
                let _ = writeln!(s, "         [{}] decoder: {}", dg.severity.name(), dg.message);
            }
        }
    });
    assert_eq!(k, lines.len());
    assert_eq!(full.sessions.len(), index.sessions.len());
    s
}

fn check(name: &str, got: &str) {
    let path = golden_dir().join(format!("{name}.golden.txt"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (create it with UPDATE_GOLDEN=1)", path.display()));
    if want != got {
        let line = want.lines().zip(got.lines()).position(|(a, b)| a != b).unwrap_or(want.lines().count().min(got.lines().count()));
        panic!(
            "{name}: output differs from {} at line {}:\n  want: {:?}\n  got:  {:?}\n(refresh with UPDATE_GOLDEN=1 if the change is intended)",
            path.display(),
            line + 1,
            want.lines().nth(line),
            got.lines().nth(line)
        );
    }
}

fn sample(format: SampleFormat, name: &str) {
    let bytes = synth::sample_bytes(format, &Options::default()).unwrap();
    let got = render(|| mapiscope_capture::sniff::read(&bytes, &Limits::default()).unwrap());
    // The demo scenario: two users, each a mailbox and an address-book session.
    assert!(got.contains(", 4 sessions ("), "{name}: {}", got.lines().last().unwrap_or(""));
    assert!(got.contains("Connect: /o=Contoso"), "{name}");
    assert!(got.contains("Autodiscover: "), "{name}");
    check(name, &got);
}

#[test]
fn golden_pcap() {
    sample(SampleFormat::Pcap, "pcap");
}

#[test]
fn golden_pcapng() {
    sample(SampleFormat::PcapNg, "pcapng");
}

#[test]
fn golden_har() {
    sample(SampleFormat::Har, "har");
}

#[test]
fn golden_saz() {
    sample(SampleFormat::Saz, "saz");
}

#[test]
fn golden_raw_http() {
    sample(SampleFormat::Raw, "raw");
}

#[test]
fn golden_bare_body() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden");
    let mut got = String::new();
    for (file, ty, response) in [
        ("connect.Connect.req.hex", RequestType::Connect, false),
        ("connect.Connect.resp.hex", RequestType::Connect, true),
        ("bind.Bind.resp.hex", RequestType::Bind, true),
    ] {
        let text = std::fs::read(dir.join(file)).unwrap();
        let _ = writeln!(got, "== {file} ({}, {})", ty.token(), if response { "response" } else { "request" });
        got.push_str(&render(|| mapiscope_capture::body::read_bare_body(&text, ty, response).unwrap()));
    }
    assert!(got.contains("1 exchanges, 1 sessions (bare body file)"), "{got}");
    check("bare-body", &got);
}
