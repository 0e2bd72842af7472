//! Text rendering of a dissection, like `tshark -V`: an indented tree, expert info, hex dumps.
//! Used by the CLI and by the golden tests.

use alloc::string::String;
use core::fmt::Write;

use crate::display::display_line;
use crate::tree::Dissection;

/// Renders the tree (4 spaces per level), the diagnostics, and optionally a hex dump of each source.
pub fn render(d: &Dissection<'_>, hex: bool) -> String {
    let mut out = String::new();
    let mut last_src = None;
    for &r in &d.roots {
        let Some(n) = d.node(r) else { continue };
        if last_src != Some(n.source) {
            last_src = Some(n.source);
            if let Some(s) = d.sources.get(n.source as usize) {
                let _ = writeln!(out, "[{} ({} bytes)]", s.name, s.data.len());
            }
        }
        node(&mut out, d, r, 0);
    }
    if !d.diagnostics.is_empty() {
        out.push_str("\nExpert Info:\n");
        for x in &d.diagnostics {
            let src = d.sources.get(x.source as usize).map_or("?", |s| &s.name);
            let _ = writeln!(
                out,
                "    [{}] {} ({} @ {}, {} bytes)",
                x.severity.name(),
                x.message,
                src,
                x.offset,
                x.length
            );
        }
    }
    if hex {
        for (i, s) in d.sources.iter().enumerate() {
            let _ = writeln!(out, "\nSource {i}: {} ({} bytes)", s.name, s.data.len());
            hexdump(&mut out, &s.data);
        }
    }
    out
}

fn node(out: &mut String, d: &Dissection<'_>, i: u32, depth: usize) {
    let Some(n) = d.node(i) else { return };
    for _ in 0..depth {
        out.push_str("    ");
    }
    out.push_str(&display_line(d, n));
    out.push('\n');
    for ch in d.children(i) {
        node(out, d, ch, depth + 1);
    }
}

/// A classic 16-bytes-per-line hex dump with offsets and ASCII.
pub fn hexdump(out: &mut String, data: &[u8]) {
    for (row, chunk) in data.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}  ", row * 16);
        for k in 0..16 {
            match chunk.get(k) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if k == 7 {
                out.push(' ');
            }
        }
        out.push(' ');
        for &b in chunk {
            out.push(if (0x20..0x7f).contains(&b) { b as char } else { '.' });
        }
        out.push('\n');
    }
}
