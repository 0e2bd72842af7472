//! `cargo bench -p mapiscope-filter`: filtering 100,000 decoded exchanges, compiling filters, and
//! the statistics pass. Plain `std::time` (no harness): each workload runs a few times and the best
//! run is printed, with exchanges per second.
//!
//! The 100,000 exchanges are the 37 of `tests/samples/outlook.pcapng`, decoded once (full trees)
//! and repeated: the filter reads the same trees it would read in `mapiscope read -Y`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use mapiscope_capture::mapi::{self, MapiExchange, Mode};
use mapiscope_capture::Limits;
use mapiscope_filter::{stats, Filter};

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.unwrap_or_else(f))
}

fn main() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples/outlook.pcapng");
    let bytes = std::fs::read(path).expect("sample capture");
    let c = mapi::read(&bytes, &Limits::default(), Mode::Full).expect("readable sample");
    const N: usize = 100_000;
    let exchanges: Vec<&MapiExchange> = c.exchanges.iter().cycle().take(N).collect();
    let nodes: usize = exchanges.iter().map(|x| x.dissection.as_ref().map_or(0, |d| d.nodes.len())).sum();
    println!("{N} exchanges, {nodes} tree nodes in all");
    for text in [
        "mapihttp.request_type == \"Execute\"",
        "mapihttp.rop.queryrows",
        "mapihttp.rop.id == RopQueryRows",
        "mapihttp.response_code == ContextNotFound",
        "mapihttp.rop.returnvalue != 0 || mapihttp.exchange.duration > 1.5",
        "mapihttp.connect.userdn contains \"bob\"",
        "mapihttp.exchange.summary matches \"rop(query|open)\"",
        "mapihttp.rop.id in {RopLogon RopOpenFolder RopQueryRows} && !mapihttp.rop.release && count(mapihttp.rop.id) > 2",
    ] {
        let f = Filter::compile(text).expect("bench filter");
        let (t, hits) = best(3, || exchanges.iter().filter(|x| f.matches(black_box(x))).count());
        println!(
            "filter {:>8.1} ms  {:>6.2} M exchanges/s  {:>6} hits  {text}",
            t.as_secs_f64() * 1e3,
            N as f64 / t.as_secs_f64() / 1e6,
            hits
        );
    }
    let (t, _) = best(3, || {
        for _ in 0..1000 {
            black_box(Filter::compile("mapihttp.rop.id == RopQueryRows && mapihttp.response_code == ContextNotFound").ok());
        }
    });
    println!("compile {:>8.1} µs per filter (value names)", t.as_secs_f64() * 1e6 / 1000.0);
    let (t, _) = best(3, || {
        for _ in 0..100 {
            black_box(Filter::compile("mapihttp.rop.querrows == 1").err());
        }
    });
    println!("compile {:>8.1} µs per filter (unknown key: suggestion over the registry)", t.as_secs_f64() * 1e6 / 100.0);
    let (t, s) = best(3, || {
        let mut s = stats::Stats::default();
        for x in &exchanges {
            s.add(x);
        }
        s
    });
    println!("stats   {:>8.1} ms  {:>6.2} M exchanges/s  ({} ROPs counted)", t.as_secs_f64() * 1e3, N as f64 / t.as_secs_f64() / 1e6, s.rop_count());
}
