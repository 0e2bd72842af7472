//! Lean decoding (`decode_exchange_lean`, used for a capture's exchange list) gives the same tree as
//! full decoding — nodes, fields, spans, values — except that display-only texts are skipped: a
//! property tag node holds its number instead of its name text.

mod common;

use mapiscope_codec::{decode_exchange_in, decode_exchange_lean, Session, Value};

#[test]
fn lean_tree_equals_full_tree_but_for_display_texts() {
    let mut numbered = 0;
    for v in common::vectors() {
        let (full, fe) = decode_exchange_in(&mut Session::default(), v.ty, v.request.as_deref(), v.response.as_deref());
        let (lean, le) = decode_exchange_lean(&mut Session::default(), v.ty, v.request.as_deref(), v.response.as_deref());
        assert_eq!(fe, le, "{}", v.stem);
        assert_eq!(full.nodes.len(), lean.nodes.len(), "{}", v.stem);
        assert_eq!(full.roots, lean.roots, "{}", v.stem);
        assert_eq!(full.diagnostics, lean.diagnostics, "{}", v.stem);
        for (a, b) in full.nodes.iter().zip(&lean.nodes) {
            assert_eq!((a.field.key, a.source, a.offset, a.length, a.end), (b.field.key, b.source, b.offset, b.length, b.end), "{}", v.stem);
            match (&a.value, &b.value) {
                (Value::Text(_), Value::UInt(tag)) => {
                    assert!(a.field.key.ends_with("tag") || a.field.key.contains("tag"), "{} {}", v.stem, a.field.key);
                    assert!(*tag <= u64::from(u32::MAX));
                    numbered += 1;
                }
                (x, y) => assert_eq!(x, y, "{} {}", v.stem, a.field.key),
            }
        }
    }
    assert!(numbered > 0, "no vector has a property tag text");
}
