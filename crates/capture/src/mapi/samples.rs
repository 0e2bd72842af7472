//! The generator's sample captures (written by [`crate::synth`] with its own encoders) read back in
//! every format, checked against what was generated: exchanges, request types, sessions, users,
//! the reconnect, PENDING counts and the Autodiscover URLs.

use super::*;
use crate::synth::{self, write_sample, Event, Options, SampleFormat};

fn sample(f: SampleFormat) -> Vec<u8> {
    let (c, _) = write_sample(f, &Options::default(), std::io::Cursor::new(Vec::new())).unwrap();
    c.into_inner()
}

fn generated() -> Vec<synth::Exchange> {
    synth::events(synth::DEFAULT_SEED)
        .filter_map(|e| match e {
            Event::Exchange(x) => Some(*x),
            _ => None,
        })
        .collect()
}

#[test]
fn every_format_gives_the_generated_exchanges_and_sessions() {
    let want = generated();
    let contexts: std::collections::BTreeSet<u32> = want.iter().filter(|x| x.context > 0).map(|x| x.context).collect();
    for f in SampleFormat::ALL {
        let bytes = sample(f);
        for mode in [Mode::Full, Mode::Index] {
            let c = read(&bytes, &Limits::default(), mode).unwrap_or_else(|e| panic!("{}: {e}", f.name()));
            let what = format!("{} {mode:?}", f.name());
            // SAZ adds one CONNECT tunnel session per connection: listed as other HTTP.
            let got: Vec<&MapiExchange> = c.exchanges.iter().filter(|x| x.kind != Kind::Http).collect();
            assert!(c.exchanges.iter().filter(|x| x.kind == Kind::Http).all(|x| x.method == "CONNECT"), "{what}");
            assert_eq!(got.len(), want.len(), "{what}");
            let mut session_of_context: std::collections::BTreeMap<u32, usize> = Default::default();
            for (g, w) in got.iter().zip(&want) {
                match w.kind {
                    synth::Kind::Autodiscover => {
                        assert_eq!(g.kind, Kind::Autodiscover, "{what} #{}", g.index);
                        let info = g.autodiscover.as_ref().unwrap();
                        assert!(info.capability.is_some(), "{what}");
                        // The URLs the client then uses are the ones Autodiscover gave.
                        let user_connect = want.iter().find(|x| x.user == w.user && x.request_type() == Some(RequestType::Connect)).unwrap();
                        let url = format!("https://{}{}", user_connect.host, user_connect.target);
                        assert!(info.mailstore_internal.as_deref() == Some(&url) || info.mailstore_external.as_deref() == Some(&url), "{what}: {info:?} vs {url}");
                        assert!(info.addressbook_external.as_deref().is_some_and(|u| u.contains("/mapi/nspi/")), "{what}");
                    }
                    synth::Kind::Mapi(rt) => {
                        assert_eq!((g.kind, g.request_type), (Kind::Mapi, Some(rt)), "{what} #{}", g.index);
                        let ep = if w.target.starts_with("/mapi/nspi") { MapiEndpoint::Nspi } else { MapiEndpoint::Emsmdb };
                        assert_eq!(g.endpoint, Some(ep), "{what}");
                        let s = g.session.unwrap();
                        // One session per Session Context, except that a reconnect continues its session.
                        let prev = *session_of_context.entry(w.context).or_insert(s);
                        assert_eq!(prev, s, "{what}: context {} split", w.context);
                        let sum = &c.sessions[s];
                        assert!(sum.user.as_deref().is_some_and(|u| u.to_ascii_lowercase().ends_with(&w.user.replace(' ', "").to_ascii_lowercase())), "{what}: {:?} vs {}", sum.user, w.user);
                        if w.transport_error {
                            assert_eq!(g.response_code, Some(10), "{what}");
                        } else {
                            assert_eq!((g.status, g.response_code), (Some(200), Some(0)), "{what} #{}", g.index);
                        }
                        if rt == RequestType::Execute {
                            assert!(g.summary.starts_with("Execute: Rop"), "{what}: {}", g.summary);
                        }
                        let pending = w.parts.iter().flat_map(|p| p.data.split(|&b| b == b'\n')).filter(|l| *l == b"PENDING\r").count() as u32;
                        assert_eq!(g.pending, pending, "{what} #{}", g.index);
                        if let Some(d) = &g.dissection {
                            let bad: Vec<&str> = d.diagnostics.iter().filter(|x| x.severity >= Severity::Warning).map(|x| x.message.as_str()).collect();
                            assert!(w.transport_error || bad.is_empty(), "{what} #{}: {bad:?}", g.index);
                        }
                        let gaps: Vec<&str> = g.diagnostics.iter().map(|d| d.message.as_str()).filter(|m| m.contains("X-RequestId")).collect();
                        assert!(gaps.is_empty(), "{what} #{}: {gaps:?}", g.index);
                    }
                }
            }
            assert_eq!(c.sessions.len(), contexts.len() - 1, "{what}: {:?}", c.sessions);
            let reconnected: Vec<&SessionSummary> = c.sessions.iter().filter(|s| s.reconnects > 0).collect();
            assert_eq!(reconnected.len(), 1, "{what}");
            assert_eq!((reconnected[0].reconnects, reconnected[0].context_not_found), (1, 1), "{what}");
            assert!(c.sessions.iter().any(|s| s.endpoint == Some(MapiEndpoint::Nspi)), "{what}");
            assert!(c.sessions.iter().all(|s| s.cookies.iter().any(|n| n == "MapiContext")), "{what}");
            assert_eq!(mode == Mode::Full, c.exchanges.iter().filter(|x| x.kind != Kind::Http).all(|x| x.dissection.is_some()), "{what}");
        }
    }
}

/// The JSON of a sample parses and lists every exchange and session.
#[test]
fn sample_json_parses() {
    let c = read(&sample(SampleFormat::Har), &Limits::default(), Mode::Full).unwrap();
    let v: serde_json::Value = serde_json::from_str(&crate::json::document(&c)).unwrap();
    assert_eq!(v["exchanges"].as_array().unwrap().len(), c.exchanges.len());
    assert_eq!(v["sessions"].as_array().unwrap().len(), c.sessions.len());
    assert_eq!(v["exchanges"][0]["request_type"], "Autodiscover");
    let execs = v["exchanges"].as_array().unwrap().iter().filter(|x| x["request_type"] == "Execute").count();
    assert!(execs > 5);
}

/// The streaming writer (one exchange in memory at a time) writes the same document as the batch one.
#[test]
fn streaming_json_equals_batch_json() {
    let bytes = sample(SampleFormat::Saz);
    let batch = crate::json::document(&read(&bytes, &Limits::default(), Mode::Full).unwrap());
    let mut streamed = Vec::new();
    crate::json::write_streaming(crate::sniff::read(&bytes, &Limits::default()).unwrap(), Mode::Full, &mut streamed).unwrap();
    assert_eq!(String::from_utf8(streamed).unwrap(), batch);
}
