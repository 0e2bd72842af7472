//! Shared helpers for the codec's integration tests: loading the vectors under `tests/golden/`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use mapiscope_codec::RequestType;

/// One exchange vector: `tests/golden/<name>.<RequestType>.{req,resp}.{hex,bin}`.
pub struct Vector {
    pub stem: String,
    pub ty: RequestType,
    pub request: Option<Vec<u8>>,
    pub response: Option<Vec<u8>>,
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

/// Parses a `.hex` file: hex byte pairs separated by white space; `#` starts a comment to the end of
/// the line; a line starting with `"` is literal text whose `\r`, `\n`, `\\` and `\"` escapes are
/// expanded (for response meta-tags), up to the closing `"`.
pub fn parse_hex(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if let Some(lit) = line.strip_prefix('"') {
            let mut chars = lit.chars();
            while let Some(ch) = chars.next() {
                match ch {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('r') => out.push(b'\r'),
                        Some('n') => out.push(b'\n'),
                        Some('0') => out.push(0),
                        Some(c) => out.extend(c.to_string().as_bytes()),
                        None => {}
                    },
                    c => out.extend(c.to_string().as_bytes()),
                }
            }
            continue;
        }
        let data = line.split('#').next().unwrap_or("");
        for tok in data.split_whitespace() {
            assert!(tok.len() % 2 == 0, "odd hex token {tok:?}");
            for i in (0..tok.len()).step_by(2) {
                out.push(u8::from_str_radix(&tok[i..i + 2], 16).unwrap_or_else(|e| panic!("bad hex {tok:?}: {e}")));
            }
        }
    }
    out
}

fn load(p: &Path) -> Vec<u8> {
    let bytes = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    if p.extension().is_some_and(|e| e == "hex") {
        parse_hex(&String::from_utf8(bytes).expect("hex file is UTF-8"))
    } else {
        bytes
    }
}

/// All vectors, sorted by stem.
pub fn vectors() -> Vec<Vector> {
    let mut map: std::collections::BTreeMap<String, Vector> = Default::default();
    for e in std::fs::read_dir(golden_dir()).expect("tests/golden exists") {
        let p = e.expect("dir entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let parts: Vec<&str> = name.split('.').collect();
        // <name>.<Type>.<req|resp>.<hex|bin>
        let [stem, ty, dir, ext] = parts[..] else { continue };
        if ext != "hex" && ext != "bin" {
            continue;
        }
        let ty = RequestType::from_token(ty).unwrap_or_else(|| panic!("{name}: unknown request type {ty}"));
        let key = format!("{stem}.{}", ty.token());
        let v = map.entry(key.clone()).or_insert_with(|| Vector { stem: key, ty, request: None, response: None });
        match dir {
            "req" => v.request = Some(load(&p)),
            "resp" => v.response = Some(load(&p)),
            _ => panic!("{name}: expected req or resp"),
        }
    }
    map.into_values().collect()
}

/// Structural invariants every dissection must satisfy, whatever the input:
/// spans inside their sources, subtree ends consistent, children inside their parent's span when
/// they are in the same source, diagnostics inside their sources.
pub fn check_invariants(d: &mapiscope_codec::Dissection<'_>) {
    let n = d.nodes.len() as u32;
    for (i, node) in d.nodes.iter().enumerate() {
        let i = i as u32;
        let src = d.sources.get(node.source as usize).unwrap_or_else(|| panic!("node {i} has unknown source {}", node.source));
        let end = node.offset as u64 + node.length as u64;
        assert!(end <= src.data.len() as u64, "node {i} {} span {}+{} beyond source {} ({} bytes)", node.field.key, node.offset, node.length, node.source, src.data.len());
        assert!(node.end > i && node.end <= n, "node {i} has bad subtree end {}", node.end);
        for ch in d.children(i) {
            let c = &d.nodes[ch as usize];
            assert!(c.end <= node.end, "child {ch} subtree escapes parent {i}");
            if c.source == node.source {
                assert!(
                    c.offset >= node.offset && c.offset as u64 + c.length as u64 <= end,
                    "child {} ({}+{}) outside parent {} ({}+{})",
                    c.field.key, c.offset, c.length, node.field.key, node.offset, node.length
                );
            }
        }
    }
    for x in &d.diagnostics {
        let src = d.sources.get(x.source as usize).unwrap_or_else(|| panic!("diagnostic with unknown source: {x:?}"));
        assert!(x.offset as u64 + x.length as u64 <= src.data.len() as u64, "diagnostic span beyond its source: {x:?}");
    }
    for &r in &d.roots {
        assert!(r < n, "root {r} out of range");
    }
}

/// A small deterministic PRNG (xorshift64*), so tests need no extra crates.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}
