//! Capture throughput and memory on generated captures of at least 200 MB:
//!
//! - **read**: the file to HTTP exchanges (`sniff::read`: pcap/pcapng + TCP + HTTP, HAR, SAZ, raw);
//! - **index**: the exchange list without trees (`mapi::read_each` in `Mode::Index`: read + classify
//!   + sessions + ROP names, streamed: a pcap/pcapng is analysed while it is read), what `mapiscope
//!   read` without `-V` does;
//! - **full**: every body decoded into its tree, exchange by exchange (`mapi::read_each` in
//!   `Mode::Full`, each tree dropped after use), what `read -V` / `--json` do.
//!
//! MB/s are file bytes per CPU second of the stage (user + system; the machine may be shared, so wall
//! time is shown too), the file already in memory (the file read itself is not counted). Each stage runs in a child process of this binary so its peak memory
//! (`VmHWM` of `/proc/self/status`, file bytes included) is its own.
//!
//! Run: `cargo bench -p mapiscope-capture --bench capture`. Environment:
//! - `BENCH_CAPTURE_MB` (default 210): size of each generated capture (MB of 10^6 bytes);
//! - `BENCH_CAPTURE_FORMATS` (default `pcapng,pcap,har,saz,raw`): which formats;
//! - `BENCH_CAPTURE_STAGES` (default `read,index,full`).
//!
//! Captures are generated once (`mapiscope_capture::synth`, seed 1) into
//! `target/bench-capture/<size>MB.<ext>` and reused. Results are printed as a table and written to
//! `target/bench-capture.json`:
//! `{"size_mb": 210, "results": [{"format": "pcapng", "stage": "index", "file_bytes": N,
//! "seconds": wall, "cpu_seconds": cpu, "mb_per_s": per CPU second, "mb_per_s_wall": per wall second,
//! "peak_bytes": N, "peak_ratio": peak / file, "exchanges": N}]}`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::synth::{self, Options, SampleFormat};
use mapiscope_capture::Limits;

const STAGE_ENV: &str = "MAPISCOPE_BENCH_CAPTURE_CHILD";

fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    // benches run with the package directory as the working directory: the workspace target is ../../target.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../../target")
}

/// Peak resident memory of this process in bytes (`VmHWM`), 0 when unknown.
fn peak_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// CPU time (user + system) of this process in seconds, from `/proc/self/stat` (clock ticks of
/// 1/100 s, the Linux `USER_HZ`).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    (tick(11) + tick(12)) as f64 / 100.0
}

/// The child: runs one stage on one file and prints `wall_seconds cpu_seconds peak_bytes exchanges`.
fn child(stage: &str, path: &Path) {
    let bytes = std::fs::read(path).expect("read capture");
    let limits = Limits::default();
    let cpu0 = cpu_seconds();
    let t = Instant::now();
    let exchanges = match stage {
        "read" => mapiscope_capture::sniff::read(&bytes, &limits).expect("readable").exchanges.len(),
        "index" | "full" => {
            let mode = if stage == "index" { Mode::Index } else { Mode::Full };
            let mut n = 0usize;
            let mut nodes = 0usize;
            mapi::read_each(&bytes, &limits, mode, &mut |_| {}, |x| {
                n += 1;
                nodes += x.dissection.as_ref().map_or(0, |d| d.nodes.len()) + x.rops.len();
            })
            .expect("readable");
            std::hint::black_box(nodes);
            n
        }
        other => panic!("unknown stage {other}"),
    };
    let secs = t.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!("{secs} {cpu} {} {exchanges}", peak_bytes());
}

fn ext(f: SampleFormat) -> &'static str {
    match f {
        SampleFormat::Pcap => "pcap",
        SampleFormat::PcapNg => "pcapng",
        SampleFormat::Har => "har",
        SampleFormat::Saz => "saz",
        SampleFormat::Raw => "txt",
    }
}

fn ensure_capture(dir: &Path, f: SampleFormat, mb: u64) -> PathBuf {
    let path = dir.join(format!("{mb}MB.{}", ext(f)));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(dir).expect("create bench dir");
    eprintln!("generating {} ({mb} MB)…", path.display());
    let tmp = path.with_extension("partial");
    let file = std::fs::File::create(&tmp).expect("create capture");
    let opts = Options { seed: 1, size: Some(mb * 1_000_000) };
    let (w, _) = synth::write_sample(f, &opts, BufWriter::with_capacity(1 << 20, file)).expect("generate");
    w.into_inner().expect("flush").flush().expect("flush");
    std::fs::rename(&tmp, &path).expect("rename");
    path
}

struct Row {
    format: &'static str,
    stage: String,
    file_bytes: u64,
    seconds: f64,
    cpu: f64,
    peak: u64,
    exchanges: u64,
}

fn main() {
    if let Ok(spec) = std::env::var(STAGE_ENV) {
        let (stage, path) = spec.split_once(':').expect("stage:path");
        child(stage, Path::new(path));
        return;
    }
    let mb: u64 = std::env::var("BENCH_CAPTURE_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(210);
    let formats = std::env::var("BENCH_CAPTURE_FORMATS").unwrap_or_else(|_| "pcapng,pcap,har,saz,raw".into());
    let stages = std::env::var("BENCH_CAPTURE_STAGES").unwrap_or_else(|_| "read,index,full".into());
    let target = target_dir();
    let dir = target.join("bench-capture");
    let exe = std::env::current_exe().expect("current exe");
    let mut rows = Vec::new();
    println!(
        "{:<8} {:<6} {:>8} {:>8} {:>8} {:>9} {:>9} {:>8} {:>6} {:>9}",
        "format", "stage", "file MB", "wall s", "cpu s", "MB/s cpu", "MB/s wall", "peak MB", "peak×", "exchanges"
    );
    for name in formats.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some(f) = SampleFormat::from_name(name) else {
            eprintln!("unknown format {name:?}: skipped");
            continue;
        };
        let path = ensure_capture(&dir, f, mb);
        let file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        for stage in stages.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let out = Command::new(&exe)
                .env(STAGE_ENV, format!("{stage}:{}", path.display()))
                .output()
                .expect("run stage");
            let text = String::from_utf8_lossy(&out.stdout);
            let mut it = text.split_whitespace();
            let (Some(s), Some(c), Some(p), Some(n)) = (it.next(), it.next(), it.next(), it.next()) else {
                eprintln!("{name}/{stage} failed: {}", String::from_utf8_lossy(&out.stderr));
                continue;
            };
            let row = Row {
                format: f.name(),
                stage: stage.to_string(),
                file_bytes,
                seconds: s.parse().unwrap_or(0.0),
                cpu: c.parse().unwrap_or(0.0),
                peak: p.parse().unwrap_or(0),
                exchanges: n.parse().unwrap_or(0),
            };
            println!(
                "{:<8} {:<6} {:>8.1} {:>8.2} {:>8.2} {:>9.1} {:>9.1} {:>8.1} {:>6.2} {:>9}",
                row.format,
                row.stage,
                row.file_bytes as f64 / 1e6,
                row.seconds,
                row.cpu,
                row.file_bytes as f64 / 1e6 / row.cpu.max(1e-2),
                row.file_bytes as f64 / 1e6 / row.seconds.max(1e-9),
                row.peak as f64 / 1e6,
                row.peak as f64 / (row.file_bytes.max(1)) as f64,
                row.exchanges
            );
            rows.push(row);
        }
    }
    let mut json = format!("{{\"size_mb\":{mb},\"results\":[");
    for (k, r) in rows.iter().enumerate() {
        if k > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            "{{\"format\":\"{}\",\"stage\":\"{}\",\"file_bytes\":{},\"seconds\":{:.4},\"cpu_seconds\":{:.2},\"mb_per_s\":{:.1},\"mb_per_s_wall\":{:.1},\"peak_bytes\":{},\"peak_ratio\":{:.3},\"exchanges\":{}}}",
            r.format,
            r.stage,
            r.file_bytes,
            r.seconds,
            r.cpu,
            r.file_bytes as f64 / 1e6 / r.cpu.max(1e-2),
            r.file_bytes as f64 / 1e6 / r.seconds.max(1e-9),
            r.peak,
            r.peak as f64 / (r.file_bytes.max(1)) as f64,
            r.exchanges
        ));
    }
    json.push_str("]}\n");
    let out = target.join("bench-capture.json");
    match std::fs::write(&out, json) {
        Ok(()) => println!("written to {}", out.display()),
        Err(e) => eprintln!("cannot write {}: {e}", out.display()),
    }
}
