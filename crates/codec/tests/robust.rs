//! Hostile-input tests over every entry point: truncation sweeps of every vector, random and mutated
//! bodies for every request type, structural invariants, and huge counts in tiny bodies.

mod common;

use common::{check_invariants, Rng};
use mapiscope_codec::{decode_exchange, decode_request, decode_response, RequestType, Severity};

/// Every strict prefix of every vector decodes without panic, satisfies the invariants and reports
/// an error at or before the cut.
#[test]
fn truncation_sweep_all_vectors() {
    let vectors = common::vectors();
    assert!(!vectors.is_empty());
    let mut checked = 0usize;
    for v in &vectors {
        for (which, body) in [("request", &v.request), ("response", &v.response)] {
            let Some(body) = body else { continue };
            for cut in 0..body.len() {
                let prefix = &body[..cut];
                let d = if which == "request" { decode_request(v.ty, prefix) } else { decode_response(v.ty, prefix) };
                check_invariants(&d);
                let reported = d.diagnostics.iter().any(|x| {
                    x.severity >= Severity::Warning && x.source == 0 && x.offset as usize <= cut
                });
                assert!(reported, "{} {which} cut at {cut}/{}: no error at or before the cut; diagnostics {:?}", v.stem, body.len(), d.diagnostics);
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} prefixes checked");
}

/// Random bytes and bit-flipped vectors for every request type, both directions: no panic, invariants hold.
#[test]
fn random_and_mutated_bodies() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let vectors = common::vectors();
    for round in 0..400 {
        for t in RequestType::ALL {
            let len = rng.below(200) as usize;
            let body = rng.bytes(len);
            check_invariants(&decode_request(t, &body));
            check_invariants(&decode_response(t, &body));
            let mut resp = b"PROCESSING\r\nDONE\r\nX-ResponseCode: 0\r\n\r\n".to_vec();
            resp.extend_from_slice(&body);
            check_invariants(&decode_response(t, &resp));
        }
        for v in &vectors {
            for body in [&v.request, &v.response].into_iter().flatten() {
                if body.is_empty() {
                    continue;
                }
                let mut m = body.clone();
                for _ in 0..1 + rng.below(4) {
                    let i = rng.below(m.len() as u64) as usize;
                    m[i] ^= 1 << rng.below(8);
                }
                if round % 3 == 0 {
                    // Also overwrite a 4-byte window with a huge count.
                    let i = rng.below(m.len() as u64) as usize;
                    for (k, b) in 0xFFFF_FFFFu32.to_le_bytes().iter().enumerate() {
                        if let Some(x) = m.get_mut(i + k) {
                            *x = *b;
                        }
                    }
                }
                let (d, _) = decode_exchange(v.ty, Some(&m), Some(&m));
                check_invariants(&d);
            }
        }
    }
}

/// A body claiming 4 billion of something in 20 bytes is decoded quickly, allocates nothing large
/// and reports an error.
#[test]
fn huge_counts_in_tiny_bodies() {
    for t in RequestType::ALL {
        let body = [0xFFu8; 20];
        let start = std::time::Instant::now();
        let d = decode_request(t, &body);
        check_invariants(&d);
        let d2 = decode_response(t, &[0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
        check_invariants(&d2);
        assert!(start.elapsed().as_millis() < 500, "{t}: took {:?}", start.elapsed());
        assert!(d.nodes.len() < 64 && d2.nodes.len() < 64, "{t}: too many nodes from 20 bytes");
        if t != RequestType::Ping {
            assert!(d.worst() == Some(Severity::Error), "{t}: no error for a 0xFF-filled request: {:?}", d.diagnostics);
        }
    }
}
