//! Shared by the fuzz targets: structural checks on a dissection, the limits used while fuzzing, and
//! a session context primed by the golden Execute exchanges.
#![allow(dead_code)]

use mapiscope_capture::{mapi, Limits};
use mapiscope_codec::{Dissection, RequestType, Session};

/// Every node's span lies inside its source; every diagnostic's too; rendering does not panic.
pub fn check(d: &Dissection<'_>) {
    for n in &d.nodes {
        let src = &d.sources[n.source as usize];
        assert!(n.offset as usize + n.length as usize <= src.data.len(), "node span outside its source");
    }
    for g in &d.diagnostics {
        let src = &d.sources[g.source as usize];
        assert!(g.offset as usize + g.length as usize <= src.data.len(), "diagnostic span outside its source");
    }
    let _ = mapiscope_codec::text::render(d, false);
}

/// Limits small enough that one input cannot take seconds (the bounds themselves are tested by the
/// limit tests with the default limits).
pub fn limits() -> Limits {
    Limits { max_body: 1 << 20, max_zip_entry: 4 << 20, max_connections: 4096, max_out_of_order: 1 << 20 }
}

/// Checks a MAPI capture: every tree, and the JSON document renders.
pub fn check_capture(c: &mapi::MapiCapture) {
    for x in &c.exchanges {
        if let Some(d) = &x.dissection {
            check(d);
        }
    }
    let _ = mapiscope_capture::json::document(c);
}

/// Parses the `tests/golden` hex format: hex pairs, `#` comments, `"…"` literal text lines with
/// `\r \n \\ \"` escapes.
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
                        Some(c) => out.push(c as u8),
                        None => break,
                    },
                    c => out.push(c as u8),
                }
            }
            continue;
        }
        let line = line.split('#').next().unwrap_or("");
        for tok in line.split_whitespace() {
            if let Ok(b) = u8::from_str_radix(tok, 16) {
                out.push(b);
            }
        }
    }
    out
}

/// The golden Execute exchanges that teach a session something (logons, handles, table columns,
/// named properties), in order.
const PRIMERS: &[(&str, &str)] = &[
    (include_str!("../../../tests/golden/execute_compressed.Execute.req.hex"), include_str!("../../../tests/golden/execute_compressed.Execute.resp.hex")),
    (include_str!("../../../tests/golden/spec_oxctabl_query_rows_sort_table.Execute.req.hex"), include_str!("../../../tests/golden/spec_oxctabl_query_rows_sort_table.Execute.resp.hex")),
    (include_str!("../../../tests/golden/spec_oxorule_rules_table.Execute.req.hex"), include_str!("../../../tests/golden/spec_oxorule_rules_table.Execute.resp.hex")),
    (include_str!("../../../tests/golden/spec_oxcmsg_save_changes.Execute.req.hex"), include_str!("../../../tests/golden/spec_oxcmsg_save_changes.Execute.resp.hex")),
    (include_str!("../../../tests/golden/spec_oxcprpt_set_properties.Execute.req.hex"), include_str!("../../../tests/golden/spec_oxcprpt_set_properties.Execute.resp.hex")),
    (include_str!("../../../tests/golden/spec_oxcfold_move_folder.Execute.req.hex"), include_str!("../../../tests/golden/spec_oxcfold_move_folder.Execute.resp.hex")),
];

/// A session that has seen the golden Execute exchanges.
pub fn primed_session() -> Session {
    let mut s = Session::default();
    for (req, resp) in PRIMERS {
        let (req, resp) = (parse_hex(req), parse_hex(resp));
        let _ = mapiscope_codec::decode_exchange_in(&mut s, RequestType::Execute, Some(&req), Some(&resp));
    }
    s
}
