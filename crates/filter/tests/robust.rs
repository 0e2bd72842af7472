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

/// What every error message must look like: a sentence without the parser's internals.
fn sensible(text: &str, e: &mapiscope_filter::FilterError) {
    let m = &e.message;
    assert!(!m.is_empty() && !m.starts_with(char::is_whitespace), "{text:?}: {m:?}");
    for internal in ["Some(", "None", "Tok::", "Token", "Lit::", "Val::", "Word(", "Cmp(", "Class::"] {
        assert!(!m.contains(internal), "{text:?}: message shows {internal}: {m}");
    }
    // The caret line sits under the span: as many cells before it as the text before the span.
    let r = e.render(text);
    let caret_line = r.lines().last().unwrap();
    let before: usize = text[..e.start].chars().map(mapiscope_filter::display_width).sum();
    assert_eq!(caret_line.find('^'), Some(4 + before), "{text:?}: {r}");
}

/// Every prefix of valid filters (one for each operator and literal form, some with multi-byte
/// text) either compiles or fails with a sensible message whose span lies inside the prefix.
#[test]
fn every_prefix_of_valid_filters() {
    let valid = [
        "mapihttp.rop.id == RopQueryRows && !(mapihttp.response_code in {1..9, 11})",
        "mapihttp.exchange.uri matches \"^/mapi/(emsmdb|nspi)\" || count(mapihttp.rop.id) > 3",
        "len(mapihttp.exchange.uri) >= 0x10 and not mapihttp.exchange.status != 200",
        "mapihttp.rpc.header.flags & Compressed xor mapihttp.exchange.kind contains \"ap\"",
        "mapihttp.request_type in {\"Execute\" Connect} && mapihttp.rop.returnvalue ~= 0 or mapihttp.exchange.error === true",
        "mapihttp.exchange.uri contains \"é日本🙂\" && mapihttp.exchange.client_info == {C840A7DC-42C0-1A10-B4B9-08002B2FE182}",
        "mapihttp.rpc.payload.transmitted contains aa:bb:cc || mapihttp.exchange.duration le 1.5e0 || mapihttp.session ge 0o7",
        "mapihttp.response_code == ContextNotFound and mapihttp.exchange.status not in {401 500} and mapihttp.exchange.summary ~ r\"\\d+\"",
        "(mapihttp.exchange.pending > 0b10) ^^ mapihttp.rop.returnvalue !== NotFound || mapihttp.connect.userdn eq \"/o=é\\x41\"",
    ];
    let (mut ok, mut bad) = (0, 0);
    for v in valid {
        assert!(Filter::compile(v).is_ok(), "{v}");
        for (i, _) in v.char_indices().chain([(v.len(), ' ')]) {
            let p = &v[..i];
            match Filter::compile(p) {
                Ok(_) => ok += 1,
                Err(e) => {
                    bad += 1;
                    assert!(e.start <= e.end && e.end <= p.len(), "{p:?}: span {}..{}", e.start, e.end);
                    assert!(p.is_char_boundary(e.start) && p.is_char_boundary(e.end), "{p:?}");
                    sensible(p, &e);
                }
            }
        }
    }
    assert!(ok > 30 && bad > 300, "ok {ok}, errors {bad}");
}

/// Mutations with multi-byte characters inserted anywhere: spans stay on char boundaries and the
/// caret stays under the mistake.
#[test]
fn multibyte_mutations_point_at_the_mistake() {
    let v = "mapihttp.exchange.uri contains \"日本\" && count(mapihttp.rop.id) in {1..3} || mapihttp.rop.id == RopLogon";
    let inserts = ["é", "日", "🙂", "e\u{301}", "\u{0}", "\t", "\"", "{"];
    let mut errors = 0;
    for (i, _) in v.char_indices() {
        for ins in inserts {
            let s = format!("{}{ins}{}", &v[..i], &v[i..]);
            if let Err(e) = Filter::compile(&s) {
                errors += 1;
                assert!(e.end <= s.len() && s.is_char_boundary(e.start) && s.is_char_boundary(e.end), "{s:?}");
                sensible(&s, &e);
            }
        }
    }
    assert!(errors > 300, "{errors}");
    // A mistake after wide text: the caret is under it, two cells per wide character.
    let t = "mapihttp.exchange.uri contains \"日本\" && mapihttp.rop.idd";
    let e = Filter::compile(t).unwrap_err();
    assert_eq!(&t[e.start..e.end], "mapihttp.rop.idd");
    let r = e.render(t);
    assert_eq!(r.lines().last().unwrap().find('^'), Some(4 + t[..e.start].chars().count() + 2), "{r}");
}

/// `count()` and `len()` give numbers: value names of the field and non-integers are errors that
/// say so, and `len()` of a number field is refused (Wireshark's len() is the byte length of a
/// string or bytes field).
#[test]
fn count_and_len_take_numbers() {
    let e = Filter::compile("count(mapihttp.rop.id) == RopQueryRows").unwrap_err();
    assert_eq!((e.start, e.message.as_str()), (26, "\"RopQueryRows\" is not an integer (count() gives a number of occurrences)"));
    let e = Filter::compile("len(mapihttp.rop.id) > 0").unwrap_err();
    assert_eq!((e.start, e.end), (4, 19));
    assert_eq!(e.suggestion.as_deref(), Some("count(mapihttp.rop.id)"));
    let e = Filter::compile("len(mapihttp.exchange.uri) >= 0x").unwrap_err();
    assert_eq!(e.message, "\"0x\" is not an integer (len() gives a number of bytes)");
    let e = Filter::compile("count(mapihttp.rop.id) contains \"a\"").unwrap_err();
    assert_eq!(e.message, "\"contains\" needs a string or bytes field; count() gives a number");
    let e = Filter::compile("mapihttp.exchange.status == 200.5").unwrap_err();
    assert_eq!(e.message, "\"200.5\" is not an integer (the type of mapihttp.exchange.status is uint16)");
    for ok in ["count(mapihttp.rop.id) in {1..3, 0x10}", "count(mapihttp.rop.id) & 1", "len(mapihttp.exchange.uri) == 5", "len(mapihttp.connect.userdn) > 0"] {
        assert!(Filter::compile(ok).is_ok(), "{ok}");
    }
}

/// A GUID as the tree and `-T fields` show it (`{…}`) is a literal, also inside a set; without
/// braces or in quotes too.
#[test]
fn braced_guids_are_literals() {
    let g = "C840A7DC-42C0-1A10-B4B9-08002B2FE182";
    let key = "mapihttp.aux.perf_processinfo.processguid";
    for f in [format!("{key} == {{{g}}}"), format!("{key} == {g}"), format!("{key} == \"{{{g}}}\""), format!("{key} in {{{{{g}}} {g}}}"), format!("{key} in {{{g}}}")] {
        assert!(Filter::compile(&f).is_ok(), "{f}");
    }
    // Not a GUID inside the braces: the set syntax, with its error.
    let e = Filter::compile(&format!("{key} == {{{}}}", &g[1..])).unwrap_err();
    assert_eq!(e.message, "expected a value, found \"{\"");
}
