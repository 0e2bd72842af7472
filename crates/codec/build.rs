//! Generates name tables from the committed data files in `data/` (each row cites its source).

use std::fmt::Write as _;
use std::path::Path;

fn parse_num(s: &str) -> u64 {
    let s = s.trim();
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).unwrap_or_else(|e| panic!("bad hex {s}: {e}"))
    } else {
        s.parse().unwrap_or_else(|e| panic!("bad number {s}: {e}"))
    }
}

/// Reads a TSV of `value<TAB>name<TAB>source`, skipping `#` comments, into a sorted, de-duplicated table.
fn table(path: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows: Vec<(u64, String)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let v = parse_num(cols.next().unwrap_or_else(|| panic!("{}:{}: no value", path.display(), n + 1)));
        let name = cols.next().unwrap_or_else(|| panic!("{}:{}: no name", path.display(), n + 1)).trim();
        assert!(cols.next().is_some_and(|s| !s.trim().is_empty()), "{}:{}: no source column", path.display(), n + 1);
        rows.push((v, name.to_string()));
    }
    rows.sort_by_key(|r| r.0);
    for w in rows.windows(2) {
        assert!(w[0].0 != w[1].0, "{}: duplicate value {:#x} ({} / {})", path.display(), w[0].0, w[0].1, w[1].1);
    }
    rows
}

fn emit(out: &mut String, name: &str, rows: &[(u64, String)]) {
    writeln!(out, "/// Generated from data/ by build.rs.").unwrap();
    writeln!(out, "pub static {name}: &[(u64, &str)] = &[").unwrap();
    for (v, n) in rows {
        writeln!(out, "    (0x{v:X}, {n:?}),").unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut out = String::new();
    // One row per generated table; more tables (property names, ROP ids) are added here.
    #[allow(clippy::single_element_loop)]
    for (file, name) in [("errors.tsv", "ERROR_CODES")] {
        let p = dir.join(file);
        println!("cargo:rerun-if-changed={}", p.display());
        emit(&mut out, name, &table(&p));
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("tables.rs");
    std::fs::write(dest, out).unwrap();
}
