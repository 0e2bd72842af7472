//! `cargo xtask fuzz [--seconds N] [--target T]…`: builds the cargo-fuzz targets of `fuzz/` and runs
//! each for N seconds (default 60), one after the other, then prints one line per target (executions,
//! executions per second, corpus size, result).
//!
//! - cargo-fuzz is installed when missing (`cargo install cargo-fuzz --locked`); the targets are built
//!   once with `cargo +nightly fuzz build` (release with debug assertions, into `fuzz/target`).
//! - Each target's binary runs with libFuzzer's `-max_total_time=N`, a 10 s per-input timeout and a
//!   2 GB RSS limit, on two corpus directories: `fuzz/corpus/<target>/` (the working corpus, not
//!   committed: new inputs are written there) and `fuzz/seeds/<target>/` (the committed seeds made by
//!   `fuzz/seeds/make_seeds.py` from the test vectors).
//! - A crash, timeout or out-of-memory input is written to `fuzz/artifacts/<target>/`; the command
//!   names it and exits non-zero. Keep such an input under `tests/fuzz-regressions/` once fixed.
//!
//! `--target` may be repeated or given a comma-separated list; `--list` prints the targets.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::root;

/// Options of `cargo xtask fuzz`.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    seconds: u64,
    targets: Vec<String>,
    list: bool,
}

const USAGE: &str = "usage: cargo xtask fuzz [--seconds N] [--target T[,T…]]… [--list]";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options { seconds: 60, targets: Vec::new(), list: false };
    crate::options(args, USAGE, |key, value| {
        match key {
            "--seconds" => {
                let v = value()?;
                o.seconds = v.parse().ok().filter(|&n| n > 0).ok_or_else(|| format!("--seconds takes a positive number, got {v:?}"))?;
            }
            "--target" => o.targets.extend(value()?.split(',').filter(|s| !s.is_empty()).map(String::from)),
            "--list" => o.list = true,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(o)
}

/// One target's run.
#[derive(Debug, Default)]
struct Outcome {
    execs: u64,
    seconds: f64,
    corpus: usize,
    /// The artifact written (crash, timeout, oom), or a failure description.
    problem: Option<String>,
}

/// `cargo xtask fuzz`.
pub fn run(args: &[String]) -> Result<(), String> {
    let opts = parse(args)?;
    let fuzz_dir = root().join("fuzz");
    ensure_cargo_fuzz()?;
    let all = list_targets(&fuzz_dir)?;
    if opts.list {
        for t in &all {
            println!("{t}");
        }
        return Ok(());
    }
    let targets = if opts.targets.is_empty() { all.clone() } else { opts.targets.clone() };
    if let Some(t) = targets.iter().find(|t| !all.contains(t)) {
        return Err(format!("unknown fuzz target {t:?}; targets: {}", all.join(", ")));
    }
    eprintln!("building {} fuzz target(s) with cargo +nightly fuzz build …", targets.len());
    let t0 = Instant::now();
    let mut build = Command::new("cargo");
    build.current_dir(&fuzz_dir).args(["+nightly", "fuzz", "build"]);
    if targets.len() == 1 {
        build.args(&targets);
    }
    // The fuzz crate has its own target dir (fuzz/target); an inherited CARGO_TARGET_DIR would move it.
    build.env_remove("CARGO_TARGET_DIR");
    let status = build.status().map_err(|e| format!("cannot run cargo +nightly fuzz build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo +nightly fuzz build failed ({status})"));
    }
    eprintln!("built in {:.0} s", t0.elapsed().as_secs_f64());
    let bin_dir = fuzz_dir.join("target").join(host_triple()?).join("release");

    let mut results = Vec::new();
    for t in &targets {
        eprintln!("fuzzing {t} for {} s …", opts.seconds);
        let o = run_target(&fuzz_dir, &bin_dir, t, opts.seconds)?;
        results.push((t.clone(), o));
    }
    println!("{:<20} {:>7} {:>12} {:>9} {:>7}  result", "target", "seconds", "execs", "execs/s", "corpus");
    let mut failed = 0;
    let mut total = 0u64;
    for (t, o) in &results {
        let rate = if o.seconds > 0.0 { o.execs as f64 / o.seconds } else { 0.0 };
        let result = match &o.problem {
            None => String::from("ok"),
            Some(p) => {
                failed += 1;
                p.clone()
            }
        };
        total += o.execs;
        println!("{t:<20} {:>7.0} {:>12} {rate:>9.0} {:>7}  {result}", o.seconds, o.execs, o.corpus);
    }
    println!("{} target(s), {total} executions, {failed} with a problem", results.len());
    if failed > 0 {
        return Err(format!("{failed} fuzz target(s) found a crash, timeout or out-of-memory input (see fuzz/artifacts/)"));
    }
    Ok(())
}

/// Installs cargo-fuzz when `cargo fuzz` is not available (idempotent: a no-op the second time).
fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = Command::new("cargo")
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    let nightly = Command::new("rustup").args(["run", "nightly", "rustc", "--version"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    if !nightly.is_ok_and(|s| s.success()) {
        eprintln!("installing the nightly toolchain (cargo-fuzz needs it) …");
        let s = Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]).status();
        if !s.is_ok_and(|s| s.success()) {
            return Err("the nightly toolchain is missing and `rustup toolchain install nightly` failed".into());
        }
    }
    eprintln!("installing cargo-fuzz (cargo install cargo-fuzz --locked) …");
    let s = Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]).status();
    match s {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("cargo install cargo-fuzz failed ({s})")),
        Err(e) => Err(format!("cannot run cargo install: {e}")),
    }
}

/// The targets `cargo +nightly fuzz list` names.
fn list_targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let out = Command::new("cargo")
        .current_dir(fuzz_dir)
        .args(["+nightly", "fuzz", "list"])
        .output()
        .map_err(|e| format!("cannot run cargo +nightly fuzz list: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo +nightly fuzz list failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
}

/// The host target triple (`rustc -vV`), where cargo-fuzz puts its binaries.
fn host_triple() -> Result<String, String> {
    let out = Command::new("rustc").arg("-vV").output().map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(|h| h.trim().to_string()))
        .ok_or_else(|| "rustc -vV names no host".into())
}

/// Runs one target's libFuzzer binary for `seconds` on its working corpus and its seeds.
fn run_target(fuzz_dir: &Path, bin_dir: &Path, target: &str, seconds: u64) -> Result<Outcome, String> {
    let bin = bin_dir.join(target);
    if !bin.exists() {
        return Err(format!("{} was not built", bin.display()));
    }
    let corpus = fuzz_dir.join("corpus").join(target);
    let seeds = fuzz_dir.join("seeds").join(target);
    let artifacts = fuzz_dir.join("artifacts").join(target);
    for d in [&corpus, &artifacts] {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mut cmd = Command::new(&bin);
    cmd.current_dir(fuzz_dir)
        .arg(format!("-max_total_time={seconds}"))
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .arg(&corpus);
    if seeds.is_dir() {
        cmd.arg(&seeds);
    }
    let t0 = Instant::now();
    let out = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).output().map_err(|e| format!("cannot run {}: {e}", bin.display()))?;
    let log = String::from_utf8_lossy(&out.stderr);
    let mut o = Outcome { seconds: t0.elapsed().as_secs_f64(), corpus: count_files(&corpus), ..Outcome::default() };
    o.execs = stat(&log, "stat::number_of_executed_units:").or_else(|| done_runs(&log)).unwrap_or(0);
    if !out.status.success() {
        let artifact = log.lines().find_map(|l| l.split("Test unit written to ").nth(1)).map(|p| p.trim().to_string());
        let kind = log
            .lines()
            .find(|l| l.contains("ERROR: libFuzzer:") || l.contains("ERROR: AddressSanitizer") || l.contains("panicked at"))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| format!("exit status {}", out.status));
        let tail: Vec<&str> = log.lines().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
        eprintln!("--- {target}: last lines of the libFuzzer log ---\n{}", tail.join("\n"));
        o.problem = Some(match artifact {
            Some(a) => format!("{kind} → {a}"),
            None => kind,
        });
    }
    Ok(o)
}

fn stat(log: &str, key: &str) -> Option<u64> {
    log.lines().find_map(|l| l.trim().strip_prefix(key)).and_then(|v| v.trim().parse().ok())
}

/// `Done 12345 runs in 60 second(s)`.
fn done_runs(log: &str) -> Option<u64> {
    log.lines().find_map(|l| l.trim().strip_prefix("Done ")?.split_whitespace().next()?.parse().ok())
}

fn count_files(dir: &PathBuf) -> usize {
    std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).count()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn parses_options() {
        assert_eq!(parse(&[]).unwrap(), Options { seconds: 60, targets: vec![], list: false });
        let o = parse(&s(&["--seconds", "5", "--target", "lz77,http", "--target=rpc_ext"])).unwrap();
        assert_eq!(o, Options { seconds: 5, targets: s(&["lz77", "http", "rpc_ext"]), list: false });
        assert!(parse(&s(&["--seconds", "0"])).unwrap_err().contains("positive"));
        assert!(parse(&s(&["--seconds"])).unwrap_err().contains("needs a value"));
        assert!(parse(&s(&["--bogus"])).unwrap_err().contains("unknown option"));
        assert!(parse(&s(&["--list"])).unwrap().list);
    }

    #[test]
    fn reads_libfuzzer_statistics() {
        let log = "INFO: seed\n#2048\tpulse  cov: 1\nDone 4242 runs in 3 second(s)\nstat::number_of_executed_units: 4243\nstat::peak_rss_mb: 40\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(4243));
        assert_eq!(stat(log, "stat::peak_rss_mb:"), Some(40));
        assert_eq!(done_runs(log), Some(4242));
        assert_eq!(done_runs("nothing"), None);
    }
}
