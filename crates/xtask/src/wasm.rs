//! `cargo xtask wasm [--out DIR]`: builds the embedding package of `crates/wasm` (default
//! `target/wasm-pkg/`): `mapiscope_wasm.js` (ES module, wasm-bindgen `--target web`, usable from
//! browsers, Web Workers and Node with `initSync`), `mapiscope_wasm_bg.wasm`, the generated
//! `mapiscope_wasm.d.ts`, the JSON shapes `types.d.ts` and a `package.json`.
//!
//! Steps, each skipped when its tool is already there (the command is idempotent and fast the second
//! time):
//! 1. `rustup target add wasm32-unknown-unknown` if missing;
//! 2. `cargo build -p mapiscope-wasm --target wasm32-unknown-unknown --release`, with the release
//!    profile tuned for size through `CARGO_PROFILE_RELEASE_*` variables (opt-level "z", fat LTO,
//!    one codegen unit, no debug info, panic=abort) — the workspace profiles stay as they are;
//!    `MAPISCOPE_WASM_OPT_LEVEL=3` builds for speed instead (see the README's figures);
//! 3. `wasm-bindgen --target web` (wasm-bindgen-cli 0.2.130, the exact version of the crate's
//!    pinned `wasm-bindgen`; `cargo install wasm-bindgen-cli --version 0.2.130` when missing);
//! 4. `wasm-opt -Os --converge` (see [`wasm_opt_flags`]; `-O2`/`-O3` for those levels) from npm's
//!    `binaryen` (`node_modules/.bin/wasm-opt`,
//!    `npm install` when missing; skipped with a message without npm — Debian's binaryen is too
//!    old to read current wasm-bindgen output);
//! 5. prints the wasm size raw, after wasm-opt and brotli-compressed (Node's zlib).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::root;

/// The wasm-bindgen CLI version; must equal the `wasm-bindgen` crate pinned in crates/wasm/Cargo.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// npm's binaryen version used for wasm-opt.
pub const BINARYEN_VERSION: &str = "132";
const TARGET: &str = "wasm32-unknown-unknown";

/// `cargo xtask wasm [--out DIR]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = root().join("target/wasm-pkg");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a directory")?),
            other => return Err(format!("unknown option {other:?} (usage: cargo xtask wasm [--out DIR])")),
        }
    }
    let sizes = build_pkg_sizes(&out)?;
    println!("{}", sizes.report());
    println!("package: {}", out.display());
    Ok(())
}

/// Builds the package into `out` (used by `cargo xtask dist` too).
pub fn build_pkg(out: &Path) -> Result<(), String> {
    build_pkg_sizes(out).map(|s| eprintln!("{}", s.report()))
}

/// Sizes of the built wasm in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sizes {
    /// As cargo built it (before wasm-bindgen).
    pub cargo: u64,
    /// After wasm-bindgen.
    pub bindgen: u64,
    /// After wasm-opt (None when wasm-opt was not available).
    pub opt: Option<u64>,
    /// Brotli (quality 11) of the final wasm (None when Node is not available).
    pub brotli: Option<u64>,
    /// gzip -9 of the final wasm (None when gzip is not available).
    pub gzip: Option<u64>,
}

impl Sizes {
    /// One line for people.
    pub fn report(&self) -> String {
        let kb = |n: u64| format!("{:.1} KB", n as f64 / 1000.0);
        let opt = self.opt.map_or_else(|| "wasm-opt not run".to_string(), |n| format!("after wasm-opt {}", kb(n)));
        let br = self.brotli.map_or_else(|| "brotli n/a".to_string(), |n| format!("brotli {}", kb(n)));
        let gz = self.gzip.map_or_else(|| "gzip n/a".to_string(), |n| format!("gzip -9 {}", kb(n)));
        format!("mapiscope_wasm_bg.wasm: cargo {}, wasm-bindgen {}, {opt}, {br}, {gz}", kb(self.cargo), kb(self.bindgen))
    }
}

/// Runs a command; an error names it and its exit status.
pub(crate) fn run_cmd(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// A command's trimmed stdout when it succeeds.
pub(crate) fn output(cmd: &mut Command) -> Option<String> {
    let o = cmd.output().ok()?;
    o.status.success().then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The cargo target directory (CARGO_TARGET_DIR, else `target/` at the root).
pub(crate) fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            if d.is_absolute() {
                d
            } else {
                root().join(d)
            }
        }
        None => root().join("target"),
    }
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(name)
}

fn ensure_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == TARGET) {
        return Ok(());
    }
    run_cmd(Command::new("rustup").args(["target", "add", TARGET]))
}

/// The wasm-bindgen CLI of the right version, installed when missing.
fn wasm_bindgen() -> Result<PathBuf, String> {
    let want = format!("wasm-bindgen {WASM_BINDGEN_VERSION}");
    for cand in [cargo_bin("wasm-bindgen"), PathBuf::from("wasm-bindgen")] {
        if output(Command::new(&cand).arg("--version")).is_some_and(|v| v == want) {
            return Ok(cand);
        }
    }
    eprintln!("xtask wasm: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} (a few minutes, once)");
    // Not --locked: its lockfile pins a crate version the registry here lacks.
    run_cmd(Command::new(cargo()).args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]))?;
    let bin = cargo_bin("wasm-bindgen");
    match output(Command::new(&bin).arg("--version")) {
        Some(v) if v == want => Ok(bin),
        v => Err(format!("{} reports {v:?}, expected {want}", bin.display())),
    }
}

/// npm's wasm-opt, installed into the workspace's node_modules when missing; None without npm.
fn wasm_opt() -> Option<PathBuf> {
    let bin = root().join("node_modules/.bin/wasm-opt");
    if bin.exists() {
        return Some(bin);
    }
    output(Command::new("npm").arg("--version"))?;
    eprintln!("xtask wasm: installing npm binaryen@{BINARYEN_VERSION} (wasm-opt)");
    let has_manifest = std::fs::read_to_string(root().join("package.json")).is_ok_and(|s| s.contains("\"binaryen\""));
    let mut cmd = Command::new("npm");
    cmd.current_dir(root()).arg("install").arg("--no-audit").arg("--no-fund");
    if !has_manifest {
        cmd.arg("--no-save").arg(format!("binaryen@{BINARYEN_VERSION}"));
    }
    if let Err(e) = run_cmd(&mut cmd) {
        eprintln!("xtask wasm: {e}; wasm-opt skipped");
        return None;
    }
    bin.exists().then_some(bin)
}

fn size(p: &Path) -> Result<u64, String> {
    std::fs::metadata(p).map(|m| m.len()).map_err(|e| format!("{}: {e}", p.display()))
}

/// Brotli (quality 11) size of a file, computed with Node's zlib; None without Node.
pub(crate) fn brotli_size(p: &Path) -> Option<u64> {
    let script = "const z=require('zlib'),fs=require('fs');\
        const b=z.brotliCompressSync(fs.readFileSync(process.argv[1]),{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}});\
        console.log(b.length)";
    output(Command::new("node").arg("-e").arg(script).arg(p))?.parse().ok()
}

fn gzip_size(p: &Path) -> Option<u64> {
    let o = Command::new("gzip").args(["-9", "-c"]).arg(p).output().ok()?;
    o.status.success().then_some(o.stdout.len() as u64)
}

/// The optimisation level of the wasm build: `$MAPISCOPE_WASM_OPT_LEVEL` (`z`, `s`, `2`, `3`), default
/// `z` (size). wasm-opt follows ([`wasm_opt_flags`]).
fn opt_level() -> Result<String, String> {
    let v = std::env::var("MAPISCOPE_WASM_OPT_LEVEL").unwrap_or_else(|_| "z".into());
    match v.as_str() {
        "z" | "s" | "2" | "3" => Ok(v),
        _ => Err(format!("MAPISCOPE_WASM_OPT_LEVEL={v:?}: expected z, s, 2 or 3")),
    }
}

/// wasm-opt's optimisation flags for a build level. For the size levels (`z`, `s`) this is `-Os
/// --converge`, not `-Oz`: on the decoder (rustc at opt-level "z") it gives a slightly larger file
/// (+0.7 %) that brotli compresses 0.8 % smaller (361.1 against 364.0 KB), and brotli is what the
/// browser downloads. (`--gufa`, `--flatten --rereloop`, `-O3 -Oz` and rustc at opt-level "s" were
/// measured too and are larger.) The producers and target-features sections are metadata nobody
/// reads after this step.
fn wasm_opt_flags(level: &str) -> Vec<String> {
    let mut f = match level {
        "z" | "s" => vec!["-Os".to_string(), "--converge".to_string()],
        other => vec![format!("-O{other}")],
    };
    f.extend(["--strip-producers", "--strip-target-features"].map(String::from));
    f
}

/// Sizes of one wasm build: after cargo, after wasm-bindgen, after wasm-opt (None when unavailable).
pub(crate) struct Built {
    pub cargo: u64,
    pub bindgen: u64,
    pub opt: Option<u64>,
}

/// Builds `package` for wasm32 tuned for size (or `level`), runs wasm-bindgen `--target web` on its
/// `artifact` (`<artifact>.wasm`) into `out` as `<out_name>.js` + `<out_name>_bg.wasm`, then
/// wasm-opt at the same level. Used for the embedding package and for the web UI (same settings, so
/// the two builds share artifacts).
pub(crate) fn build_wasm(package: &str, artifact: &str, out_name: &str, out: &Path, level: &str, typescript: bool) -> Result<Built, String> {
    ensure_target()?;
    let mut build = Command::new(cargo());
    build
        .current_dir(root())
        .args(["build", "-p", package, "--target", TARGET, "--release"])
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", level)
        .env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "0")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort");
    run_cmd(&mut build)?;
    let built = target_dir().join(TARGET).join("release").join(format!("{artifact}.wasm"));
    let cargo_size = size(&built)?;

    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut bindgen = Command::new(wasm_bindgen()?);
    bindgen.args(["--target", "web"]);
    if !typescript {
        bindgen.arg("--no-typescript");
    }
    run_cmd(bindgen.args(["--out-name", out_name, "--out-dir"]).arg(out).arg(&built))?;
    let wasm = out.join(format!("{out_name}_bg.wasm"));
    let bindgen_size = size(&wasm)?;

    let opt = match wasm_opt() {
        Some(opt) => {
            let tmp = out.join(format!("{out_name}_bg.opt.wasm"));
            // The features rustc enables by default for wasm32-unknown-unknown.
            run_cmd(
                Command::new(opt)
                    .args(wasm_opt_flags(level))
                    .args([
                        "--enable-bulk-memory",
                        "--enable-nontrapping-float-to-int",
                        "--enable-sign-ext",
                        "--enable-mutable-globals",
                        "--enable-reference-types",
                        "--enable-multivalue",
                    ])
                    .arg(&wasm)
                    .arg("-o")
                    .arg(&tmp),
            )?;
            std::fs::rename(&tmp, &wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
            Some(size(&wasm)?)
        }
        None => {
            eprintln!("xtask: wasm-opt not available (npm missing?): {out_name} is not size-optimised");
            None
        }
    };
    Ok(Built { cargo: cargo_size, bindgen: bindgen_size, opt })
}

/// Builds the package into `out` and returns the sizes of its wasm.
pub fn build_pkg_sizes(out: &Path) -> Result<Sizes, String> {
    let level = opt_level()?;
    let built = build_wasm("mapiscope-wasm", "mapiscope_wasm", "mapiscope_wasm", out, &level, true)?;
    let wasm = out.join("mapiscope_wasm_bg.wasm");
    let mut sizes = Sizes { cargo: built.cargo, bindgen: built.bindgen, opt: built.opt, ..Sizes::default() };
    sizes.brotli = brotli_size(&wasm);
    sizes.gzip = gzip_size(&wasm);

    let crate_dir = root().join("crates/wasm");
    std::fs::copy(crate_dir.join("types.d.ts"), out.join("types.d.ts")).map_err(|e| format!("types.d.ts: {e}"))?;
    let manifest = format!(
        "{{\n  \"name\": \"mapiscope-wasm\",\n  \"version\": \"{}\",\n  \"description\": \"MAPI over HTTP dissector (decode bodies, read captures) as WebAssembly\",\n  \"license\": \"MIT OR Apache-2.0\",\n  \"type\": \"module\",\n  \"main\": \"mapiscope_wasm.js\",\n  \"types\": \"mapiscope_wasm.d.ts\",\n  \"files\": [\"mapiscope_wasm.js\", \"mapiscope_wasm_bg.wasm\", \"mapiscope_wasm.d.ts\", \"mapiscope_wasm_bg.wasm.d.ts\", \"types.d.ts\"]\n}}\n",
        env!("CARGO_PKG_VERSION")
    );
    std::fs::write(out.join("package.json"), manifest).map_err(|e| format!("package.json: {e}"))?;
    Ok(sizes)
}
