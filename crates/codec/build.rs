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

/// The non-comment, non-blank lines of a TSV file with their 1-based line numbers, split on tabs.
fn tsv_rows(path: &Path) -> Vec<(usize, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| (n + 1, l.split('\t').map(|c| c.trim().to_string()).collect()))
        .collect()
}

/// A GUID in canonical text form (`{00062008-0000-0000-C000-000000000046}`) as its 16 wire bytes: Data1, Data2
/// and Data3 little-endian, then Data4 as written ([MS-DTYP] 2.3.4.2).
fn guid_wire(s: &str) -> [u8; 16] {
    let hex: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let groups: Vec<&str> = s.trim_matches(|c| c == '{' || c == '}').split('-').collect();
    assert!(hex.len() == 32 && groups.len() == 5, "bad GUID {s}");
    let byte = |i: usize| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    let mut g = [0u8; 16];
    for (dst, src) in [(0, 3), (1, 2), (2, 1), (3, 0), (4, 5), (5, 4), (6, 7), (7, 6)] {
        g[dst] = byte(src);
    }
    for (i, b) in g.iter_mut().enumerate().skip(8) {
        *b = byte(i);
    }
    g
}

/// The [MS-OXPROPS] section number of a source cell such as `[MS-OXPROPS] 2.677`.
fn oxprops_section(src: &str, what: &str) -> String {
    let sec = src.strip_prefix("[MS-OXPROPS] ").unwrap_or_else(|| panic!("{what}: source must cite [MS-OXPROPS]: {src}"));
    assert!(sec.starts_with("2.") && sec[2..].parse::<u32>().is_ok(), "{what}: bad section {sec}");
    sec.to_string()
}

fn known_type(t: u64) -> bool {
    // Checked against PROPERTY_TYPES in src/props.rs by the props tests; here only the shape is checked.
    t <= 0x1102 && t & 0x2000 == 0
}

/// Generates `props_tables.rs` from `propsets.tsv`, `proptags.tsv` and `namedprops.tsv` ([MS-OXPROPS]).
fn props_tables(dir: &Path) -> String {
    let mut out = String::new();
    // Property sets.
    let p = dir.join("propsets.tsv");
    println!("cargo:rerun-if-changed={}", p.display());
    let mut sets: Vec<([u8; 16], String, String)> = Vec::new();
    for (n, c) in tsv_rows(&p) {
        assert!(c.len() == 3 && !c[2].is_empty(), "{}:{n}: want guid, name, source", p.display());
        sets.push((guid_wire(&c[0]), c[1].clone(), c[2].clone()));
    }
    sets.sort();
    for w in sets.windows(2) {
        assert!(w[0].0 != w[1].0, "propsets.tsv: duplicate GUID ({} / {})", w[0].1, w[1].1);
    }
    let set_guid = |name: &str| -> [u8; 16] {
        sets.iter().find(|s| s.1 == name).unwrap_or_else(|| panic!("unknown property set {name}")).0
    };
    for (i, s) in sets.iter().enumerate() {
        assert!(sets.iter().skip(i + 1).all(|t| t.1 != s.1), "propsets.tsv: duplicate name {}", s.1);
    }
    writeln!(out, "/// Generated from data/propsets.tsv by build.rs: (GUID in wire order, name, source), sorted by GUID.").unwrap();
    writeln!(out, "pub static PROPERTY_SETS: &[PropertySet] = &[").unwrap();
    for (g, name, src) in &sets {
        writeln!(out, "    PropertySet {{ guid: {g:?}, name: {name:?}, source: {src:?} }},").unwrap();
    }
    writeln!(out, "];").unwrap();

    // PidTag rows.
    let p = dir.join("proptags.tsv");
    println!("cargo:rerun-if-changed={}", p.display());
    let mut tags: Vec<(u32, String, String)> = Vec::new();
    for (n, c) in tsv_rows(&p) {
        assert!(c.len() == 4, "{}:{n}: want id, type, name, source", p.display());
        let id = parse_num(&c[0]);
        let ty = parse_num(&c[1]);
        assert!(id <= 0xFFFF && known_type(ty), "{}:{n}: bad id/type", p.display());
        assert!(c[2].starts_with("PidTag"), "{}:{n}: not a PidTag name", p.display());
        let sec = oxprops_section(&c[3], &format!("proptags.tsv:{n}"));
        tags.push((((id as u32) << 16) | ty as u32, c[2].clone(), sec));
    }
    tags.sort();
    for w in tags.windows(2) {
        assert!(w[0].0 != w[1].0 || w[0].1 != w[1].1, "proptags.tsv: duplicate row {:#010x} {}", w[0].0, w[0].1);
    }
    writeln!(out, "/// Generated from data/proptags.tsv by build.rs ([MS-OXPROPS] section 2), sorted by tag then name.").unwrap();
    writeln!(out, "pub static PROP_TAGS: &[TagEntry] = &[").unwrap();
    for (tag, name, sec) in &tags {
        writeln!(out, "    TagEntry {{ tag: 0x{tag:08X}, name: {name:?}, section: {sec:?} }},").unwrap();
    }
    writeln!(out, "];").unwrap();

    // PidLid and PidName rows.
    let p = dir.join("namedprops.tsv");
    println!("cargo:rerun-if-changed={}", p.display());
    let mut lids: Vec<([u8; 16], u32, u16, String, String)> = Vec::new();
    let mut names: Vec<([u8; 16], String, String, u16, String, String)> = Vec::new();
    for (n, c) in tsv_rows(&p) {
        assert!(c.len() == 6, "{}:{n}: want set, kind, key, type, name, source", p.display());
        let g = set_guid(&c[0]);
        let ty = parse_num(&c[3]);
        assert!(known_type(ty), "{}:{n}: bad type", p.display());
        let sec = oxprops_section(&c[5], &format!("namedprops.tsv:{n}"));
        match c[1].as_str() {
            "lid" => {
                assert!(c[4].starts_with("PidLid"), "{}:{n}: not a PidLid name", p.display());
                lids.push((g, parse_num(&c[2]) as u32, ty as u16, c[4].clone(), sec));
            }
            "name" => {
                assert!(c[4].starts_with("PidName") && !c[2].is_empty(), "{}:{n}: bad PidName row", p.display());
                names.push((g, c[2].to_ascii_lowercase(), c[2].clone(), ty as u16, c[4].clone(), sec));
            }
            k => panic!("{}:{n}: unknown kind {k}", p.display()),
        }
    }
    lids.sort();
    for w in lids.windows(2) {
        assert!((w[0].0, w[0].1) != (w[1].0, w[1].1), "namedprops.tsv: duplicate LID {:#x} ({} / {})", w[0].1, w[0].3, w[1].3);
    }
    names.sort();
    for w in names.windows(2) {
        assert!((&w[0].0, &w[0].2, &w[0].4) != (&w[1].0, &w[1].2, &w[1].4), "namedprops.tsv: duplicate name row {}", w[0].4);
    }
    writeln!(out, "/// Generated from data/namedprops.tsv by build.rs: PidLid properties sorted by (set GUID, LID).").unwrap();
    writeln!(out, "pub static NAMED_LIDS: &[LidEntry] = &[").unwrap();
    for (g, lid, ty, name, sec) in &lids {
        writeln!(out, "    LidEntry {{ set: {g:?}, lid: 0x{lid:04X}, ptype: 0x{ty:04X}, name: {name:?}, section: {sec:?} }},").unwrap();
    }
    writeln!(out, "];").unwrap();
    writeln!(out, "/// Generated from data/namedprops.tsv by build.rs: PidName properties sorted by (set GUID, ASCII-lowercased name, name, canonical name).").unwrap();
    writeln!(out, "pub static NAMED_STRINGS: &[NameEntry] = &[").unwrap();
    for (g, _, key, ty, name, sec) in &names {
        writeln!(out, "    NameEntry {{ set: {g:?}, key: {key:?}, ptype: 0x{ty:04X}, name: {name:?}, section: {sec:?} }},").unwrap();
    }
    writeln!(out, "];").unwrap();
    out
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
    let out_dir = std::env::var("OUT_DIR").unwrap();
    let dest = Path::new(&out_dir).join("tables.rs");
    std::fs::write(dest, out).unwrap();
    // [MS-OXPROPS] property name catalogue, included by src/props.rs.
    std::fs::write(Path::new(&out_dir).join("props_tables.rs"), props_tables(&dir)).unwrap();
}
