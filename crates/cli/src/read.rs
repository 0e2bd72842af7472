//! `mapiscope read FILE [-V] [--json]`: a capture (pcap, pcapng, HAR, Fiddler SAZ, raw HTTP, or a
//! bare hex/base64 body with `--body-type`) as one line per exchange, like tshark's packet list;
//! `-V` adds the decoded trees; `--json` prints the `read` contract of `mapiscope_capture::json`.

use std::io::{IsTerminal, Read, Write};

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::text;
use mapiscope_capture::Limits;
use mapiscope_codec::RequestType;

use crate::Fail;

struct Options {
    file: String,
    verbose: bool,
    json: bool,
    body_type: Option<RequestType>,
    body_response: bool,
}

fn parse(args: &[String]) -> Result<Options, Fail> {
    let mut o = Options { file: String::new(), verbose: false, json: false, body_type: None, body_response: false };
    let mut file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-V" | "--verbose" => o.verbose = true,
            "--json" => o.json = true,
            "--body-type" => {
                let v = it.next().ok_or_else(|| Fail::Usage("--body-type needs a request type".into()))?;
                o.body_type = Some(
                    RequestType::from_token(v).ok_or_else(|| Fail::Usage(format!("unknown request type {v:?} for --body-type")))?,
                );
            }
            "--body-response" => o.body_response = true,
            s if s.starts_with('-') && s != "-" => return Err(Fail::Usage(format!("unknown option {s:?} for read"))),
            s => {
                if file.replace(s.to_string()).is_some() {
                    return Err(Fail::Usage("read takes one FILE".into()));
                }
            }
        }
    }
    o.file = file.ok_or_else(|| Fail::Usage("read needs a FILE (or - for stdin)".into()))?;
    if o.body_response && o.body_type.is_none() {
        return Err(Fail::Usage("--body-response goes with --body-type".into()));
    }
    Ok(o)
}

/// Runs `mapiscope read`.
pub fn run(args: &[String]) -> Result<(), Fail> {
    // -Y, -T, -e, -E: crate::export (filters and output formats).
    let (args, ex) = crate::export::split_args(args)?;
    let o = parse(&args)?;
    let bytes = if o.file == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| Fail::Input(format!("cannot read stdin: {e}")))?;
        v
    } else {
        std::fs::read(&o.file).map_err(|e| Fail::Input(format!("cannot read {}: {e}", o.file)))?
    };
    let mut progress = Progress::new(bytes.len());
    let limits = Limits::default();
    let mode = if o.verbose || o.json || ex.needs_full() { Mode::Full } else { Mode::Index };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // The heading is written with the first exchange (or at the end): an unreadable file prints
    // nothing on stdout. A closed pipe (`| head`) ends the output quietly: writing stops at the
    // first error.
    let head = |out: &mut std::io::BufWriter<std::io::StdoutLock<'_>>| {
        if ex.custom_output() {
            ex.write_header(out)
        } else if o.json {
            out.write_all(b"{\"exchanges\":[")
        } else {
            text::list_header(out)
        }
    };
    let (mut result, mut headed) = (Ok(()), false);
    let (mut kept, mut buf) = (0usize, String::new());
    // Streamed: each exchange is written (and its tree and bodies dropped) as soon as it is built,
    // so `read`, `-V` and `--json` of captures of hundreds of MB stay within bounded memory.
    let mut write = |x: mapi::MapiExchange, t0: f64| {
        if !headed {
            headed = true;
            result = head(&mut out);
        }
        if result.is_err() || !ex.keep(&x) {
            return;
        }
        kept += 1;
        result = if ex.custom_output() {
            ex.write_one(&x, &mut out)
        } else if o.json {
            buf.clear();
            if kept > 1 {
                buf.push(',');
            }
            mapiscope_capture::json::exchange(&mut buf, &x);
            out.write_all(buf.as_bytes())
        } else {
            text::list_row(&x, t0, o.verbose, &mut out)
        };
    };
    let c = if o.body_type.is_none() && mapiscope_capture::pcap::detect(&bytes).is_some() {
        // pcap/pcapng: analysed while read, exchanges in time order (the first gives the origin).
        let mut t0 = None;
        let on_progress = &mut |done| progress.show("reading", done, bytes.len());
        mapi::read_each(&bytes, &limits, mode, on_progress, |x| {
            let origin = *t0.get_or_insert(x.time.unwrap_or(f64::INFINITY));
            write(x, origin);
        })
    } else {
        let capture = match o.body_type {
            Some(t) => mapiscope_capture::body::read_bare_body(&bytes, t, o.body_response),
            None => mapiscope_capture::sniff::read_progress(&bytes, &limits, &mut |done| progress.show("reading", done, bytes.len())),
        };
        capture.map(|capture| {
            let t0 = capture.exchanges.iter().filter_map(mapi::exchange_time).fold(f64::INFINITY, f64::min);
            let (total, mut done) = (capture.exchanges.len(), 0);
            mapi::analyze_with(capture, mode, |x| {
                done += 1;
                progress.show("decoding", done, total);
                write(x, t0);
            })
        })
    }
    .map_err(|e| Fail::Input(e.message))?;
    progress.clear();
    if !headed {
        result = head(&mut out);
    }
    if result.is_ok() && !ex.custom_output() {
        result = if o.json { mapiscope_capture::json::write_tail(&c, &mut out) } else { text::list_tail(&c, kept, &mut out) };
    }
    let _ = result.and_then(|()| out.flush());
    Ok(())
}

/// A progress line on stderr (percent, MB/s, ETA) while reading and decoding a big file, when stderr
/// is a terminal.
struct Progress {
    on: bool,
    bytes: usize,
    phase: &'static str,
    started: std::time::Instant,
    drawn: Option<std::time::Instant>,
}

impl Progress {
    /// Files above this size get a progress line.
    const MIN_BYTES: usize = 20 << 20;

    fn new(bytes: usize) -> Progress {
        let on = bytes > Self::MIN_BYTES && std::io::stderr().is_terminal();
        Progress { on, bytes, phase: "", started: std::time::Instant::now(), drawn: None }
    }

    /// `done` of `total` units of `phase` (bytes while reading, exchanges while decoding).
    fn show(&mut self, phase: &'static str, done: usize, total: usize) {
        if !self.on {
            return;
        }
        let now = std::time::Instant::now();
        if self.phase != phase {
            self.phase = phase;
            self.started = now;
        } else if self.drawn.is_some_and(|d| now.duration_since(d).as_millis() < 200) && done < total {
            return;
        }
        self.drawn = Some(now);
        let f = if total == 0 { 1.0 } else { (done as f64 / total as f64).clamp(0.0, 1.0) };
        let secs = now.duration_since(self.started).as_secs_f64();
        let mbs = f * self.bytes as f64 / 1e6 / secs.max(1e-3);
        let eta = if f > 0.0 { format!("{:.0} s", secs * (1.0 - f) / f) } else { "?".to_string() };
        eprint!("\r\x1b[Kmapiscope: {phase} {:>3.0}% of {} MB, {mbs:.0} MB/s, ETA {eta}", f * 100.0, self.bytes / 1_000_000);
    }

    fn clear(&mut self) {
        if self.on && self.drawn.is_some() {
            eprint!("\r\x1b[K");
        }
    }
}
