//! No input panics the text and zip readers or the MAPI layer: every prefix of each sample format
//! (a truncated file), and byte-mutated copies, read without panicking; a truncated file still
//! gives the exchanges before the cut.

use super::*;
use crate::synth::{write_sample, Options, SampleFormat};

fn sample(f: SampleFormat) -> Vec<u8> {
    write_sample(f, &Options::default(), std::io::Cursor::new(Vec::new())).unwrap().0.into_inner()
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn read_all_modes(bytes: &[u8], json: bool) -> Option<usize> {
    let limits = Limits { max_body: 1 << 20, max_zip_entry: 1 << 20, ..Limits::default() };
    let full = read(bytes, &limits, Mode::Full).ok()?;
    if json {
        let _ = crate::json::document(&full);
    }
    let index = read(bytes, &limits, Mode::Index).ok()?;
    assert_eq!(full.exchanges.len(), index.exchanges.len());
    Some(full.exchanges.iter().filter(|x| x.kind != Kind::Http).count())
}

#[test]
fn truncated_files_keep_what_is_before_the_cut() {
    for f in [SampleFormat::Har, SampleFormat::Saz, SampleFormat::Raw] {
        let b = sample(f);
        let whole = read_all_modes(&b, true).unwrap();
        let mut last = 0;
        for k in 1..=24 {
            let cut = b.len() * k / 25;
            let n = read_all_modes(&b[..cut], k.is_multiple_of(6));
            // Every cut past the first message gives a capture; the count grows with the cut.
            if cut > b.len() / 10 {
                let n = n.unwrap_or_else(|| panic!("{} cut at {cut}: unreadable", f.name()));
                assert!(n >= last.min(n) && n <= whole, "{} cut at {cut}: {n} of {whole}", f.name());
                assert!(n + 2 >= last, "{} cut at {cut}: {n} after {last}", f.name());
                last = n;
            }
        }
        assert!(last >= whole * 9 / 10, "{}: {last} of {whole} before the last cut", f.name());
    }
}

#[test]
fn mutated_files_do_not_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for f in [SampleFormat::Har, SampleFormat::Saz, SampleFormat::Raw] {
        let b = sample(f);
        for i in 0..40u32 {
            let mut m = b.clone();
            for _ in 0..1 + rng.next() % 16 {
                let i = (rng.next() % m.len() as u64) as usize;
                m[i] = rng.next() as u8;
            }
            let _ = read_all_modes(&m, i.is_multiple_of(10));
        }
    }
}

#[test]
fn random_text_and_bytes_do_not_panic() {
    let mut rng = XorShift(42);
    let alphabet = b"{}[]\":,0123456789abcdefABCDEF PK\x03\x04\r\nHTTP/1.1 200 POST GET log entries raw/1_c.txt=+/";
    for len in [0usize, 1, 3, 7, 64, 700, 4000] {
        for _ in 0..30 {
            let t: Vec<u8> = (0..len).map(|_| alphabet[(rng.next() % alphabet.len() as u64) as usize]).collect();
            let _ = read_all_modes(&t, true);
            let _ = crate::body::read_bare_body(&t, RequestType::Execute, rng.next().is_multiple_of(2));
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = read_all_modes(&bytes, true);
        }
    }
    // Structurally odd HAR: wrong types everywhere.
    for h in [
        r#"{"log":{"entries":[1,"x",null,{"request":7,"response":[]},{"request":{"headers":{"a":1},"postData":{"text":5}},"response":{"status":-3,"content":{"text":"!!","encoding":"base64"}}}]}}"#,
        r#"{"log":{"entries":[{"startedDateTime":"2024-99-99T99:99:99Z","time":-5,"timings":{"wait":"x"},"response":{"status":1e300}}]}}"#,
    ] {
        let c = read(h.as_bytes(), &Limits::default(), Mode::Full).unwrap();
        assert!(!c.exchanges.is_empty());
    }
}
