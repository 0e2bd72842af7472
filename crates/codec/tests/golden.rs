//! Golden tests: every exchange vector under `tests/golden/` is decoded and its text tree compared
//! with `<stem>.golden.txt`. Refresh with `UPDATE_GOLDEN=1 cargo test -p mapiscope-codec --test golden`
//! and review the diff: a golden file is a claim about the specification.

mod common;

#[test]
fn golden_trees() {
    let vectors = common::vectors();
    assert!(!vectors.is_empty(), "no vectors found in tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for v in &vectors {
        let (d, _) = mapiscope_codec::decode_exchange(v.ty, v.request.as_deref(), v.response.as_deref());
        let text = mapiscope_codec::text::render(&d, false);
        let path = common::golden_dir().join(format!("{}.golden.txt", v.stem));
        if update {
            std::fs::write(&path, &text).expect("write golden");
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == text => {}
            Ok(want) => failures.push(format!("{}: tree differs\n--- want\n{want}\n--- got\n{text}", v.stem)),
            Err(_) => failures.push(format!("{}: missing {} (run with UPDATE_GOLDEN=1)\n{text}", v.stem, path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
