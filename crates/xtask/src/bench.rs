//! `cargo xtask bench [--size MB] [--formats F,…] [--skip-wasm] [--skip-tshark]`: every benchmark of
//! the project on this machine, printed as one table and written to `target/bench.json`.
//!
//! 1. **Codec**, per layer (`cargo bench -p mapiscope-codec --bench decode`, `target/bench-codec.json`):
//!    the response envelope, RPC_HEADER_EXT + XOR + LZ77, ROP buffers, and full trees.
//! 2. **Capture** (`cargo bench -p mapiscope-capture --bench capture`, `bench-capture.json` in the
//!    cargo target dir): read, index and full dissection MB/s and peak memory on a generated capture
//!    of `--size` MB (default 210) in each of `--formats` (default pcapng). Without that bench, the
//!    capture is generated with `mapiscope sample` and `mapiscope read` is timed.
//! 3. **WASM**: the embedding package (`cargo xtask wasm`) opening the same capture under Node
//!    (`crates/wasm/bench/open.mjs`), as a ratio to the native index stage (`--skip-wasm` to leave out).
//! 4. **tshark**: `tshark -r FILE -V > /dev/null` against `mapiscope read -V FILE > /dev/null` (release
//!    CLI) on the same pcapng, as a reference ratio (tshark dissects the HTTP, not the MAPI inside).
//!
//! The machine (`nproc`, CPU model) is recorded with the figures. Release builds of three packages and
//! a 200 MB capture make this a command of several minutes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::root;

/// Options of `cargo xtask bench`.
#[derive(Debug, PartialEq)]
struct Options {
    size_mb: u64,
    formats: String,
    wasm: bool,
    tshark: bool,
}

const USAGE: &str = "usage: cargo xtask bench [--size MB] [--formats pcapng,pcap,har,saz,raw] [--skip-wasm] [--skip-tshark]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { size_mb: 210, formats: "pcapng".into(), wasm: true, tshark: true };
    crate::options(args, USAGE, |key, value| {
        match key {
            "--size" => {
                let v = value()?;
                o.size_mb = v.parse().ok().filter(|&n| n > 0).ok_or_else(|| format!("--size takes a number of MB, got {v:?}"))?;
            }
            "--formats" => o.formats = value()?,
            "--skip-wasm" => o.wasm = false,
            "--skip-tshark" => o.tshark = false,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(o)
}

/// The cargo target directory (CARGO_TARGET_DIR when set, else `target/`).
fn cargo(args: &[&str], envs: &[(&str, String)]) -> Result<(), String> {
    eprintln!("$ cargo {}", args.join(" "));
    let mut c = Command::new("cargo");
    c.current_dir(root()).args(args);
    for (k, v) in envs {
        c.env(k, v);
    }
    crate::wasm::run_cmd(&mut c)
}

/// One row of the printed table.
struct Row {
    what: String,
    figure: String,
    note: String,
}

fn row(what: impl Into<String>, figure: impl Into<String>, note: impl Into<String>) -> Row {
    Row { what: what.into(), figure: figure.into(), note: note.into() }
}

/// `cargo xtask bench`.
pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse(args)?;
    let machine = machine();
    let mut rows = vec![row("machine", machine.clone(), "")];
    let mut json = format!("{{\"machine\":{},", quote(&machine));

    // 1. codec
    cargo(&["bench", "-p", "mapiscope-codec", "--bench", "decode"], &[])?;
    let codec = std::fs::read_to_string(root().join("target/bench-codec.json")).map_err(|e| format!("no target/bench-codec.json: {e}"))?;
    let codec_v = Json::parse(&codec).ok_or("target/bench-codec.json is not JSON")?;
    for l in codec_v.get("layers").map(Json::items).unwrap_or_default() {
        let name = l.get("layer").and_then(Json::str).unwrap_or("?");
        rows.push(row(format!("codec: {name}"), mbps(l.get("mb_per_s").and_then(Json::num)), ""));
    }
    rows.push(row("codec: full tree, all workloads", mbps(codec_v.get("overall_mb_per_s").and_then(Json::num)), ""));
    json.push_str(&format!("\"codec\":{},", codec.trim()));

    // 2. capture
    let mut capture_file: Option<PathBuf> = None;
    let mut native_index: Option<f64> = None;
    let mut native_full: Option<f64> = None;
    if root().join("crates/capture/benches/capture.rs").exists() {
        let envs = [("BENCH_CAPTURE_MB", opts.size_mb.to_string()), ("BENCH_CAPTURE_FORMATS", opts.formats.clone())];
        cargo(&["bench", "-p", "mapiscope-capture", "--bench", "capture"], &envs)?;
        let path = crate::wasm::target_dir().join("bench-capture.json");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("no {}: {e}", path.display()))?;
        let v = Json::parse(&text).ok_or("bench-capture.json is not JSON")?;
        for r in v.get("results").map(Json::items).unwrap_or_default() {
            let (Some(format), Some(stage)) = (r.get("format").and_then(Json::str), r.get("stage").and_then(Json::str)) else { continue };
            let rate = r.get("mb_per_s").and_then(Json::num);
            let peak = r.get("peak_ratio").and_then(Json::num).map(|p| format!("peak {p:.2} × file")).unwrap_or_default();
            let mb = r.get("file_bytes").and_then(Json::num).map(|b| b / 1e6).unwrap_or(0.0);
            rows.push(row(format!("capture {format} {mb:.0} MB: {stage}"), mbps(rate), peak));
            if format == "pcapng" && stage == "index" {
                native_index = rate;
            }
            if format == "pcapng" && stage == "full" {
                native_full = rate;
            }
        }
        let f = crate::wasm::target_dir().join("bench-capture").join(format!("{}MB.pcapng", opts.size_mb));
        if f.exists() {
            capture_file = Some(f);
        }
        json.push_str(&format!("\"capture\":{},", text.trim()));
    } else {
        rows.push(row("capture", "bench pending", "crates/capture/benches/capture.rs is missing: timing mapiscope read"));
    }
    // The CLI, for the fallback and the tshark comparison.
    let need_cli = opts.tshark || capture_file.is_none();
    let cli = if need_cli {
        cargo(&["build", "--release", "-p", "mapiscope"], &[])?;
        Some(crate::wasm::target_dir().join("release/mapiscope"))
    } else {
        None
    };
    let file = match capture_file {
        Some(f) => f,
        None => {
            let f = crate::wasm::target_dir().join("bench-capture").join(format!("{}MB.pcapng", opts.size_mb));
            if !f.exists() {
                std::fs::create_dir_all(f.parent().unwrap_or(Path::new("."))).map_err(|e| e.to_string())?;
                let cli = cli.as_ref().ok_or("no CLI")?;
                let s = Command::new(cli)
                    .args(["sample", "--format", "pcapng", "--size", &opts.size_mb.to_string(), "--out"])
                    .arg(&f)
                    .status()
                    .map_err(|e| format!("mapiscope sample: {e}"))?;
                if !s.success() {
                    return Err("mapiscope sample failed".into());
                }
            }
            f
        }
    };
    let file_mb = std::fs::metadata(&file).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0);
    let mut cli_full: Option<f64> = None;
    if let Some(cli) = &cli {
        for (label, verbose) in [("index (mapiscope read)", false), ("full text (mapiscope read -V)", true)] {
            let mut c = Command::new(cli);
            c.arg("read");
            if verbose {
                c.arg("-V");
            }
            let secs = time(c.arg(&file))?;
            let rate = file_mb / secs;
            rows.push(row(format!("CLI {file_mb:.0} MB pcapng: {label}"), mbps(Some(rate)), format!("{secs:.1} s wall")));
            if verbose {
                cli_full = Some(rate);
            } else if native_index.is_none() {
                native_index = Some(rate);
            }
        }
        json.push_str(&format!("\"cli\":{{\"file_mb\":{file_mb:.1},\"read_v_mb_per_s\":{}}},", num(cli_full)));
    }

    // 3. WASM under Node
    let mut wasm_json = String::from("null");
    if opts.wasm {
        let script = root().join("crates/wasm/bench/open.mjs");
        let has_node = Command::new("node").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
        if !script.exists() || !has_node || !root().join("crates/wasm/Cargo.toml").exists() {
            rows.push(row("wasm", "pending", "crates/wasm/bench/open.mjs or node missing"));
        } else {
            let pkg = root().join("target/wasm-pkg");
            match crate::wasm::build_pkg(&pkg) {
                Err(e) => rows.push(row("wasm", "failed", format!("cargo xtask wasm: {e}"))),
                Ok(()) => {
                    let out = Command::new("node").arg(&script).arg(&file).arg(&pkg).output().map_err(|e| format!("node: {e}"))?;
                    let text = String::from_utf8_lossy(&out.stdout);
                    let line = text.lines().rev().find(|l| l.trim_start().starts_with('{')).unwrap_or("");
                    match Json::parse(line) {
                        Some(v) if out.status.success() => {
                            let wall = v.get("open_mb_s").and_then(Json::num);
                            let cpu = v.get("open_mb_s_cpu").and_then(Json::num);
                            let ratio = match (cpu, native_index) {
                                (Some(w), Some(n)) if n > 0.0 => format!("{:.2} × native index", w / n),
                                _ => String::new(),
                            };
                            let mem = v.get("wasm_memory_mb").and_then(Json::num).map(|m| format!(", wasm memory {m:.0} MB")).unwrap_or_default();
                            rows.push(row(format!("wasm (Node) {file_mb:.0} MB pcapng: Capture.open"), mbps(cpu), format!("{ratio}{mem}; {} wall", mbps(wall))));
                            wasm_json = line.trim().to_string();
                        }
                        _ => rows.push(row("wasm", "failed", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("").to_string())),
                    }
                }
            }
        }
    }
    json.push_str(&format!("\"wasm\":{wasm_json},"));

    // 4. tshark
    let mut tshark_json = String::from("null");
    if opts.tshark {
        let has = Command::new("tshark").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
        if !has {
            rows.push(row("tshark", "not installed", "apt-get install tshark"));
        } else {
            let mut c = Command::new("tshark");
            c.args(["-r"]).arg(&file).arg("-V");
            let secs = time(&mut c)?;
            let rate = file_mb / secs;
            let ratio = cli_full.map(|m| format!("mapiscope read -V runs at {:.2} × tshark's speed", m / rate)).unwrap_or_default();
            rows.push(row(format!("tshark -r FILE -V, {file_mb:.0} MB pcapng"), mbps(Some(rate)), format!("{secs:.1} s wall; {ratio}")));
            tshark_json = format!("{{\"file_mb\":{file_mb:.1},\"seconds\":{secs:.2},\"mb_per_s\":{rate:.1},\"mapiscope_read_v_mb_per_s\":{}}}", num(cli_full));
        }
    }
    json.push_str(&format!("\"tshark\":{tshark_json},\"native_index_mb_per_s\":{},\"native_full_mb_per_s\":{}}}\n", num(native_index), num(native_full)));

    let w = rows.iter().map(|r| r.what.chars().count()).max().unwrap_or(10);
    println!();
    println!("{:<w$}  {:>12}  note", "benchmark", "figure");
    for r in &rows {
        println!("{:<w$}  {:>12}  {}", r.what, r.figure, r.note);
    }
    let out = root().join("target/bench.json");
    std::fs::create_dir_all(root().join("target")).map_err(|e| e.to_string())?;
    std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("written to {}", out.display());
    Ok(())
}

fn mbps(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} MB/s")).unwrap_or_else(|| "-".into())
}

fn num(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "null".into())
}

/// Runs a command with its output to /dev/null and returns its wall time in seconds.
fn time(c: &mut Command) -> Result<f64, String> {
    let t0 = Instant::now();
    let s = c.stdout(Stdio::null()).stderr(Stdio::null()).status().map_err(|e| format!("cannot run {c:?}: {e}"))?;
    if !s.success() {
        return Err(format!("{c:?} failed ({s})"));
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// `N cores, <CPU model>` from `nproc` and `lscpu`.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let model = Command::new("lscpu")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().find_map(|l| l.strip_prefix("Model name:").map(|m| m.trim().to_string())))
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores, {model}")
}

fn quote(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A minimal JSON reader for the benchmark files (objects, arrays, strings, numbers, literals).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn parse(s: &str) -> Option<Json> {
        let b = s.as_bytes();
        let (v, end) = Self::value(b, ws(b, 0))?;
        (ws(b, end) == b.len()).then_some(v)
    }

    fn value(b: &[u8], i: usize) -> Option<(Json, usize)> {
        match *b.get(i)? {
            b'{' => {
                let mut fields = Vec::new();
                let mut i = ws(b, i + 1);
                if b.get(i) == Some(&b'}') {
                    return Some((Json::Obj(fields), i + 1));
                }
                loop {
                    let (k, j) = Self::string(b, i)?;
                    let j = ws(b, j);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    let (v, j) = Self::value(b, ws(b, j + 1))?;
                    fields.push((k, v));
                    let j = ws(b, j);
                    match b.get(j)? {
                        b',' => i = ws(b, j + 1),
                        b'}' => return Some((Json::Obj(fields), j + 1)),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let mut items = Vec::new();
                let mut i = ws(b, i + 1);
                if b.get(i) == Some(&b']') {
                    return Some((Json::Arr(items), i + 1));
                }
                loop {
                    let (v, j) = Self::value(b, i)?;
                    items.push(v);
                    let j = ws(b, j);
                    match b.get(j)? {
                        b',' => i = ws(b, j + 1),
                        b']' => return Some((Json::Arr(items), j + 1)),
                        _ => return None,
                    }
                }
            }
            b'"' => Self::string(b, i).map(|(s, j)| (Json::Str(s), j)),
            b't' if b.get(i..i + 4) == Some(b"true") => Some((Json::Bool(true), i + 4)),
            b'f' if b.get(i..i + 5) == Some(b"false") => Some((Json::Bool(false), i + 5)),
            b'n' if b.get(i..i + 4) == Some(b"null") => Some((Json::Null, i + 4)),
            _ => {
                let end = b.iter().skip(i).position(|c| !matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).map_or(b.len(), |n| i + n);
                let s = std::str::from_utf8(b.get(i..end)?).ok()?;
                s.parse().ok().map(|n| (Json::Num(n), end))
            }
        }
    }

    fn string(b: &[u8], i: usize) -> Option<(String, usize)> {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let mut out = Vec::new();
        let mut j = i + 1;
        loop {
            match *b.get(j)? {
                b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), j + 1)),
                b'\\' => {
                    let e = *b.get(j + 1)?;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'u' => {
                            let hex = std::str::from_utf8(b.get(j + 2..j + 6)?).ok()?;
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?).unwrap_or('\u{FFFD}');
                            out.extend_from_slice(c.to_string().as_bytes());
                            j += 4;
                        }
                        other => out.push(other),
                    }
                    j += 2;
                }
                c => {
                    out.push(c);
                    j += 1;
                }
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(f) => f.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn items(&self) -> Vec<&Json> {
        match self {
            Json::Arr(a) => a.iter().collect(),
            _ => Vec::new(),
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn num(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        assert_eq!(parse(&[]).unwrap(), Options { size_mb: 210, formats: "pcapng".into(), wasm: true, tshark: true });
        let a: Vec<String> = ["--size", "20", "--formats=pcap,har", "--skip-wasm", "--skip-tshark"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parse(&a).unwrap(), Options { size_mb: 20, formats: "pcap,har".into(), wasm: false, tshark: false });
        assert!(parse(&["--size".to_string(), "x".to_string()]).unwrap_err().contains("number of MB"));
        assert!(parse(&["--what".to_string()]).unwrap_err().contains("unknown option"));
    }

    #[test]
    fn reads_the_benchmark_json() {
        let v = Json::parse(r#"{"codec":[{"workload":"a\"b","bytes":12,"mb_per_s":3.5}],"layers":[],"overall_mb_per_s":1e2,"x":null,"y":true}"#).unwrap();
        let w = v.get("codec").map(Json::items).unwrap();
        assert_eq!(w[0].get("workload").and_then(Json::str), Some("a\"b"));
        assert_eq!(w[0].get("mb_per_s").and_then(Json::num), Some(3.5));
        assert_eq!(v.get("overall_mb_per_s").and_then(Json::num), Some(100.0));
        assert_eq!(v.get("x"), Some(&Json::Null));
        assert_eq!(v.get("y"), Some(&Json::Bool(true)));
        assert!(Json::parse("{\"a\":1,}").is_none());
        assert!(Json::parse("[1 2]").is_none());
        assert_eq!(quote("a\"\\\n"), "\"a\\\"\\\\\\u000a\"");
    }
}
