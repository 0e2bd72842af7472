//! Random and mutated filter strings never panic: every one either compiles (and then evaluates on
//! real exchanges) or gives an error whose span lies inside the text, on a char boundary.

use std::path::PathBuf;

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::Limits;
use mapiscope_filter::Filter;

/// xorshift64*: a deterministic generator (no dependency).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "mapihttp.rop.id", "mapihttp.rop.queryrows", "mapihttp.response_code", "mapihttp.request_type", "mapihttp.session",
    "mapihttp.exchange.uri", "mapihttp.exchange.duration", "mapihttp.rpc.header.flags", "mapihttp.rpc.payload.transmitted",
    "mapihttp.connect.userdn", "mapihttp.exchange.error", "mapihttp.expert.severity", "mapihttp.rop.returnvalue",
    "mapihttp.autodiscover.user.legacydn", "count(", "len(", "==", "!=", "===", "!==", "~=", "<", "<=", ">", ">=", "eq", "ne",
    "contains", "matches", "~", "in", "not", "!", "&&", "||", "^^", "and", "or", "xor", "&", "(", ")", "{", "}", "[", "]",
    ",", "..", "0x15", "21", "-1", "017", "0b1", "1.5", "1e400", "RopQueryRows", "ContextNotFound", "Execute", "true",
    "false", "aa:bb", "\"a\"", "\"\\x41\"", "\"(\"", "\".*\"", "r\"\\d+\"", "\"", "\\", "$", "=", "|", "#", "é", "\u{0}",
    "{C840A7DC-42C0-1A10-B4B9-08002B2FE182}", "99999999999999999999999999999999999999999",
];

fn check(text: &str, exchanges: &[mapiscope_capture::mapi::MapiExchange]) -> bool {
    match Filter::compile(text) {
        Ok(f) => {
            for x in exchanges {
                let _ = f.matches(x);
            }
            true
        }
        Err(e) => {
            assert!(e.start <= e.end && e.end <= text.len(), "{text:?}: span {}..{}", e.start, e.end);
            assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end), "{text:?}: span off a char boundary");
            assert!(!e.message.is_empty());
            let _ = e.render(text);
            false
        }
    }
}

#[test]
fn random_filters_never_panic() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/samples/outlook.pcapng");
    let mut c = mapi::read(&std::fs::read(path).unwrap(), &Limits::default(), Mode::Full).unwrap();
    // A dozen exchanges cover every kind (Autodiscover, Connect, Execute, NotificationWait, NSPI).
    c.exchanges.truncate(13);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut bad) = (0, 0);
    for _ in 0..1500 {
        let n = 1 + rng.below(9);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(PIECES[rng.below(PIECES.len())]);
            if rng.below(3) > 0 {
                s.push(' ');
            }
        }
        if check(&s, &c.exchanges) {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    // Random bytes as text too.
    for _ in 0..800 {
        let n = rng.below(40);
        let bytes: Vec<u8> = (0..n).map(|_| (rng.next() & 0xFF) as u8).collect();
        let s = String::from_utf8_lossy(&bytes).into_owned();
        if check(&s, &c.exchanges) {
            ok += 1;
        } else {
            bad += 1;
        }
    }
    // Mutations of valid filters: drop, duplicate or replace one character.
    let valid = [
        "mapihttp.rop.id == RopQueryRows && !(mapihttp.response_code in {1..9, 11})",
        "mapihttp.exchange.uri matches \"^/mapi/(emsmdb|nspi)\" || count(mapihttp.rop.id) > 3",
        "mapihttp.rpc.payload.transmitted contains aa:bb:cc and mapihttp.rpc.header.flags & Compressed",
    ];
    for v in valid {
        assert!(check(v, &c.exchanges), "{v}");
        let chars: Vec<char> = v.chars().collect();
        for i in 0..chars.len() {
            for m in 0..3 {
                let mut w = chars.clone();
                match m {
                    0 => {
                        w.remove(i);
                    }
                    1 => w.insert(i, chars[i]),
                    _ => w[i] = ['(', '"', '{', '.', '!', ' '][rng.below(6)],
                }
                let s: String = w.into_iter().collect();
                if check(&s, &c.exchanges) {
                    ok += 1;
                } else {
                    bad += 1;
                }
            }
        }
    }
    // Both outcomes are exercised.
    assert!(ok > 100 && bad > 100, "ok {ok}, errors {bad}");
}
