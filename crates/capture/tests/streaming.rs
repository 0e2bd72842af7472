//! Streaming (`mapi::read_each`: a pcap/pcapng analysed while it is read, each exchange handed out
//! as soon as it is complete) gives what the batch reader gives (`mapi::read`): the same exchanges
//! in the same order, with the same trees, sessions and diagnostics — and it hands exchanges out
//! while the file is still being read.

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::synth::{self, Options, SampleFormat};
use mapiscope_capture::{json, Limits};

fn compare(bytes: &[u8], mode: Mode) -> (usize, Vec<usize>) {
    let limits = Limits::default();
    let batch = mapi::read(bytes, &limits, mode).unwrap();
    let mut emitted_at = Vec::new();
    let mut k = 0usize;
    // The progress and exchange callbacks run interleaved: the file position goes through a cell.
    let pos = std::cell::Cell::new(0usize);
    let mut on_progress = |done: usize| pos.set(done);
    let streamed = mapi::read_each(bytes, &limits, mode, &mut on_progress, |x| {
        emitted_at.push(pos.get());
        let b = &batch.exchanges[k];
        let (mut a_json, mut b_json) = (String::new(), String::new());
        json::exchange(&mut a_json, &x);
        json::exchange(&mut b_json, b);
        assert_eq!(a_json, b_json, "exchange {k}");
        assert_eq!((&x.summary, x.session), (&b.summary, b.session), "exchange {k}");
        k += 1;
    })
    .unwrap();
    assert_eq!(k, batch.exchanges.len());
    assert!(streamed.exchanges.is_empty());
    let sessions = |c: &mapi::MapiCapture| {
        c.sessions.iter().map(|s| {
            let mut o = String::new();
            json::session(&mut o, s);
            o
        }).collect::<Vec<_>>()
    };
    assert_eq!(sessions(&streamed), sessions(&batch));
    assert_eq!(format!("{:?}", streamed.diagnostics), format!("{:?}", batch.diagnostics));
    (k, emitted_at)
}

#[test]
fn demo_captures_stream_like_batch() {
    for f in [SampleFormat::Pcap, SampleFormat::PcapNg] {
        let bytes = synth::sample_bytes(f, &Options::default()).unwrap();
        for mode in [Mode::Index, Mode::Full] {
            let (n, _) = compare(&bytes, mode);
            assert_eq!(n, 37, "{f:?} {mode:?}");
        }
    }
}

#[test]
fn bulk_capture_streams_while_reading() {
    // About 6 MB of bulk traffic: many sessions, long-polling NotificationWaits, PENDINGs.
    let bytes = synth::sample_bytes(SampleFormat::PcapNg, &Options { seed: 7, size: Some(6_000_000) }).unwrap();
    let (n, emitted_at) = compare(&bytes, Mode::Index);
    assert!(n > 500, "{n} exchanges");
    // Most exchanges are handed out before the end of the file is reached.
    let early = emitted_at.iter().filter(|&&at| at < bytes.len() / 2).count();
    assert!(early > n / 4, "only {early} of {n} exchanges before half the file was read");
}
