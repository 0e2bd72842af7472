//! `cargo xtask <command>`: project automation (the "xtask" pattern: plain Rust, no extra tools).
//!
//! | command | what it does | module |
//! |---|---|---|
//! | `dist` | builds the static web viewer into `dist/` | [`dist`] |
//! | `serve` | builds `dist/` and serves it on 127.0.0.1 | [`dist`] |
//! | `wasm` | builds the embedding package (`crates/wasm`) for browsers and Node | [`wasm`] |
//! | `fuzz [--seconds N]` | runs every cargo-fuzz target | [`fuzz`] |
//! | `bench` | codec, capture, WASM and tshark benchmarks → `target/bench.json` | [`bench`] |

mod bench;
mod dist;
mod fuzz;
mod wasm;

use std::path::PathBuf;
use std::process::ExitCode;

/// The workspace root (two levels above this crate).
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent().and_then(|p| p.parent()).map(PathBuf::from).unwrap_or(here)
}

/// Walks command-line options: `--flag`, `--key value` and `--key=value`. For each option `on(key,
/// value)` is called, where `value()` takes the option's value (after `=`, else the next argument);
/// `on` returns false for an unknown option, which becomes an error naming `usage`.
pub fn options(
    args: &[String],
    usage: &str,
    mut on: impl FnMut(&str, &mut dyn FnMut() -> Result<String, String>) -> Result<bool, String>,
) -> Result<(), String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (key, inline) = match a.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (a.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{key} needs a value ({usage})"));
        if !on(key, &mut value)? {
            return Err(format!("unknown option {key:?} ({usage})"));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "dist" => dist::dist(rest),
        "serve" => dist::serve(rest),
        "wasm" => wasm::run(rest),
        "fuzz" => fuzz::run(rest),
        "bench" => bench::run(rest),
        _ => {
            eprintln!("usage: cargo xtask <dist | serve | wasm | fuzz [--seconds N] | bench>");
            return if cmd == "help" { ExitCode::SUCCESS } else { ExitCode::from(2) };
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
