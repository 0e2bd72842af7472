//! `cargo xtask dist [--out DIR]` and `cargo xtask serve [--port N] [--no-build]`: the static web viewer.
//!
//! `dist` writes the whole site to `dist/` (relative URLs only, so the folder works from any sub-path
//! of any static host):
//!
//! | file | from |
//! |---|---|
//! | `index.html` | top-level `index.html` (with the Content-Security-Policy) |
//! | `boot.js`, `worker.js`, `style.css` | `web/` |
//! | `mapiscope_web.js`, `mapiscope_web_bg.wasm` | the Yew UI (`web/`, wasm-bindgen `--target web`, wasm-opt) |
//! | `pkg/mapiscope_wasm.js`, `pkg/mapiscope_wasm_bg.wasm` | the decoder (`crates/wasm`, built by [`crate::wasm::build_pkg`]), loaded by `worker.js` |
//! | `outlook.pcapng` | `tests/samples/` (the "Sample" button) |
//! | `fields.json` | `mapiscope fields`: `{"<filter key>": "<description>", …}`, sorted by key — the field descriptions the decoder wasm leaves out (fetched when the UI needs them) |
//!
//! The pipeline is plain cargo + wasm-bindgen + wasm-opt rather than trunk: two wasm packages (UI and
//! worker), no inline bootstrap script (the CSP allows only `'self'` scripts), and nothing to install
//! beyond what `cargo xtask wasm` installs already (wasm-bindgen-cli 0.2.130, npm's binaryen).
//! Every step is idempotent; a second run only rebuilds what changed.
//!
//! `serve` runs `dist`, then serves `dist/` on 127.0.0.1 (first free port from `--port`, default
//! 8000) with a small std-only static file server, and prints the URL.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use crate::root;


fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("copy {} → {}: {e}", from.display(), to.display()))
}

/// Builds the Yew UI into `out` (`mapiscope_web.js`, `mapiscope_web_bg.wasm`), size-tuned like the
/// decoder package; returns the wasm size before wasm-opt.
fn build_ui(out: &Path) -> Result<u64, String> {
    crate::wasm::build_wasm("mapiscope-web", "mapiscope-web", "mapiscope_web", out, "z", false).map(|b| b.bindgen)
}

fn parse_out(args: &[String]) -> Result<PathBuf, String> {
    let mut out = root().join("dist");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = PathBuf::from(it.next().ok_or("--out needs a directory")?),
            other => return Err(format!("unknown option {other:?} (usage: cargo xtask dist [--out DIR])")),
        }
    }
    Ok(out)
}

/// `cargo xtask dist [--out DIR]`.
pub fn dist(args: &[String]) -> Result<(), String> {
    let out = parse_out(args)?;
    build_site(&out)
}

fn build_site(out: &Path) -> Result<(), String> {
    let r = root();
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    // The decoder package first: it installs wasm-bindgen-cli and npm's wasm-opt when missing.
    let pkg = out.join("pkg");
    crate::wasm::build_pkg(&pkg)?;
    let ui_raw = build_ui(out)?;
    copy(&r.join("index.html"), &out.join("index.html"))?;
    for f in ["boot.js", "worker.js", "style.css"] {
        copy(&r.join("web").join(f), &out.join(f))?;
    }
    copy(&r.join("tests/samples/outlook.pcapng"), &out.join("outlook.pcapng"))?;
    write_fields_json(&out.join("fields.json"))?;
    // Comments are for readers of the sources, not for every page load (about 3 KB brotli).
    for f in ["boot.js", "worker.js", "style.css", "mapiscope_web.js", "pkg/mapiscope_wasm.js"] {
        let p = out.join(f);
        let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        std::fs::write(&p, strip_comments(&text, !f.ends_with(".css"))).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    // Only what the page loads; the package's .d.ts / package.json stay for embedders.
    let loaded: Vec<PathBuf> = [
        "index.html",
        "boot.js",
        "style.css",
        "worker.js",
        "mapiscope_web.js",
        "mapiscope_web_bg.wasm",
        "pkg/mapiscope_wasm.js",
        "pkg/mapiscope_wasm_bg.wasm",
    ]
    .iter()
    .map(|f| out.join(f))
    .collect();
    let kb = |n: u64| format!("{:.1} KB", n as f64 / 1000.0);
    let ui = out.join("mapiscope_web_bg.wasm");
    let codec = pkg.join("mapiscope_wasm_bg.wasm");
    let brotli: Option<Vec<u64>> = loaded.iter().map(|p| crate::wasm::brotli_size(p)).collect();
    match brotli {
        Some(br) => {
            let total: u64 = br.iter().sum();
            let raw_total: u64 = loaded.iter().map(|p| size(p)).sum();
            println!("UI wasm:      wasm-bindgen {}, wasm-opt {}, brotli {}", kb(ui_raw), kb(size(&ui)), kb(br.get(5).copied().unwrap_or(0)));
            println!("decoder wasm: wasm-opt {}, brotli {} (raw sizes: the mapiscope_wasm_bg.wasm line above)", kb(size(&codec)), kb(br.get(7).copied().unwrap_or(0)));
            println!("everything the page loads: {} raw, {} brotli", kb(raw_total), kb(total));
        }
        None => println!("UI wasm {}, decoder wasm {} (brotli sizes need Node)", kb(size(&ui)), kb(size(&codec))),
    }
    println!("site: {}", out.display());
    Ok(())
}

/// Removes whole-line comments: `/* … */` blocks that start a line and end one (and, for JavaScript,
/// `// …` lines). Conservative on purpose: a comment after code on the same line stays, so no
/// string or regular expression is ever cut (the sources keep multi-line strings free of lines
/// that begin with a comment marker; the browser tests run on the stripped files).
fn strip_comments(text: &str, js: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if in_block {
            in_block = !t.ends_with("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.ends_with("*/") || t.len() < 4;
            continue;
        }
        if js && t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Writes `fields.json`: every filter key's description, `{"<key>": "<description>", …}` sorted by
/// key (the first registration of a key wins, as in the decoder's `filterFields()`). The decoder wasm
/// is built without the codec's `descriptions` feature; the CLI keeps them, so they come from
/// `mapiscope fields` (key, name, type, description separated by tabs).
fn write_fields_json(path: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let tsv = crate::wasm::output(std::process::Command::new(cargo).current_dir(root()).args(["run", "-q", "-p", "mapiscope", "--", "fields"]))
        .ok_or("`cargo run -p mapiscope -- fields` failed: fields.json not written")?;
    let json = fields_json(&tsv)?;
    std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))
}

/// `{"<key>": "<description>", …}` from `mapiscope fields` lines.
fn fields_json(tsv: &str) -> Result<String, String> {
    let mut map = std::collections::BTreeMap::new();
    for line in tsv.lines() {
        let mut cols = line.splitn(4, '\t');
        if let (Some(key), Some(_), Some(_), Some(desc)) = (cols.next(), cols.next(), cols.next(), cols.next()) {
            map.entry(key).or_insert(desc);
        }
    }
    if map.is_empty() || map.values().all(|d| d.is_empty()) {
        return Err(String::from("`mapiscope fields` listed no descriptions: fields.json not written"));
    }
    let mut json = String::from("{");
    for (i, (k, d)) in map.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push('\n');
        json_string(&mut json, k);
        json.push(':');
        json_string(&mut json, d);
    }
    json.push_str("\n}\n");
    Ok(json)
}

/// Appends `s` as a JSON string.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `cargo xtask serve [--port N] [--no-build] [--dir DIR]`.
pub fn serve(args: &[String]) -> Result<(), String> {
    let mut port: u16 = 8000;
    let mut build = true;
    let mut dir = root().join("dist");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = it.next().and_then(|p| p.parse().ok()).ok_or("--port needs a number")?,
            "--no-build" => build = false,
            "--dir" => dir = PathBuf::from(it.next().ok_or("--dir needs a directory")?),
            other => return Err(format!("unknown option {other:?} (usage: cargo xtask serve [--port N] [--no-build])")),
        }
    }
    if build {
        build_site(&dir)?;
    }
    if !dir.join("index.html").exists() {
        return Err(format!("{} has no index.html: run cargo xtask dist", dir.display()));
    }
    let listener = (port..port.saturating_add(20))
        .find_map(|p| TcpListener::bind(("127.0.0.1", p)).ok())
        .ok_or_else(|| format!("no free port in {port}..{}", port.saturating_add(20)))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("mapiscope: http://{addr}/  (serving {}; Ctrl+C to stop)", dir.display());
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        let dir = dir.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &dir);
        });
    }
    Ok(())
}

/// Content type by extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ts" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Maps a request target to a file under `dir`: no query, `%XX` decoded, no `..`, `/` → index.html.
pub fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
            decoded.push(hex?);
            i += 3;
        } else {
            decoded.push(b);
            i += 1;
        }
    }
    let path = String::from_utf8(decoded).ok()?;
    let mut out = dir.to_path_buf();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains('\\') || p.contains('\0') => return None,
            p => out.push(p),
        }
    }
    if out.is_dir() {
        out.push("index.html");
    }
    Some(out)
}

fn handle(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Drain the headers.
    let mut h = String::new();
    while reader.read_line(&mut h)? > 2 {
        h.clear();
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let (status, body, ctype) = match (method, resolve(dir, target)) {
        ("GET" | "HEAD", Some(p)) => match std::fs::read(&p) {
            Ok(b) => ("200 OK", b, content_type(&p)),
            Err(_) => ("404 Not Found", b"not found\n".to_vec(), "text/plain; charset=utf-8"),
        },
        ("GET" | "HEAD", None) => ("400 Bad Request", b"bad path\n".to_vec(), "text/plain; charset=utf-8"),
        _ => ("405 Method Not Allowed", b"GET only\n".to_vec(), "text/plain; charset=utf-8"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if method != "HEAD" {
        stream.write_all(&body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_comments_keeps_code() {
        let js = "// header\nconst a = 1; // trailing stays\n  /**\n   * doc\n   */\nconst u = \"http://x\";\n/* one */\nf();\n";
        assert_eq!(strip_comments(js, true), "const a = 1; // trailing stays\nconst u = \"http://x\";\nf();\n");
        let css = "/* theme */\na { color: red; }\n// not a css comment\n/*\n x\n*/\nb {}\n";
        assert_eq!(strip_comments(css, false), "a { color: red; }\n// not a css comment\nb {}\n");
    }

    #[test]
    fn fields_json_maps_keys_to_descriptions() {
        let tsv = "mapihttp.b\tB\tu32\tsecond \"quoted\" \\ back\nmapihttp.a\tA\ttext\tfirst\tstill first\nmapihttp.a\tA\ttext\tduplicate\nbad line\n";
        assert_eq!(
            fields_json(tsv).unwrap(),
            "{\n\"mapihttp.a\":\"first\\u0009still first\",\n\"mapihttp.b\":\"second \\\"quoted\\\" \\\\ back\"\n}\n"
        );
        assert!(fields_json("mapihttp.a\tA\ttext\t\n").is_err());
    }

    #[test]
    fn resolves_paths_safely() {
        let d = Path::new("/srv/site-that-does-not-exist");
        assert_eq!(resolve(d, "/a/b.js?x=1"), Some(d.join("a/b.js")));
        assert_eq!(resolve(d, "/pkg/m%5Fx.wasm"), Some(d.join("pkg/m_x.wasm")));
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(resolve(d, "/bad%zz"), None);
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(content_type(Path::new("x.js")), "text/javascript; charset=utf-8");
        assert_eq!(content_type(Path::new("x.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("index.html")), "text/html; charset=utf-8");
    }
}
