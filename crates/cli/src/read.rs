//! `mapiscope read FILE [-V] [--json]`: a capture (pcap, pcapng, HAR, Fiddler SAZ, raw HTTP, or a
//! bare hex/base64 body with `--body-type`) as one line per exchange, like tshark's packet list;
//! `-V` adds the decoded trees; `--json` prints the `read` contract of `mapiscope_capture::json`.

use std::io::{IsTerminal, Read, Write};

use mapiscope_capture::mapi::{self, MapiCapture, Mode};
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
    let o = parse(args)?;
    let bytes = if o.file == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| Fail::Input(format!("cannot read stdin: {e}")))?;
        v
    } else {
        std::fs::read(&o.file).map_err(|e| Fail::Input(format!("cannot read {}: {e}", o.file)))?
    };
    let stderr_tty = std::io::stderr().is_terminal();
    if stderr_tty && bytes.len() > 16 << 20 {
        eprintln!("mapiscope: reading {} MB…", bytes.len() >> 20);
    }
    let limits = Limits::default();
    let mode = if o.verbose || o.json { Mode::Full } else { Mode::Index };
    let capture = match o.body_type {
        Some(t) => mapiscope_capture::body::read_bare_body(&bytes, t, o.body_response)
            .map(|c| mapi::analyze(c, mode))
            .map_err(|e| Fail::Input(e.message))?,
        None => mapi::read(&bytes, &limits, mode).map_err(|e| Fail::Input(e.message))?,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    // A closed pipe (`| head`) ends the output quietly.
    let _ = if o.json { mapiscope_capture::json::write_document(&capture, &mut out) } else { list(&capture, o.verbose, &mut out) };
    let _ = out.flush();
    Ok(())
}

fn list(c: &MapiCapture, verbose: bool, out: &mut impl Write) -> std::io::Result<()> {
    let t0 = c.exchanges.iter().filter_map(|x| x.time).fold(f64::INFINITY, f64::min);
    writeln!(out, "{:>5} {:>10}  {:>4}  {:<8} {:<18} {:<10} {:>8}  Summary", "No.", "Time", "Sess", "Endpoint", "Request type", "Status", "Duration")?;
    for x in &c.exchanges {
        let time = x.time.filter(|_| t0.is_finite()).map_or_else(|| "-".to_string(), |t| format!("{:.6}", t - t0));
        let session = x.session.map_or_else(|| "-".to_string(), |s| s.to_string());
        let endpoint = x.endpoint.map_or("-", |e| e.name());
        let rt = match (x.request_type, x.kind) {
            (Some(t), _) => t.token().to_string(),
            (None, mapi::Kind::Autodiscover) => "Autodiscover".to_string(),
            (None, mapi::Kind::Mapi) => "MAPI/HTTP".to_string(),
            (None, mapi::Kind::Http) => format!("HTTP {}", x.method),
        };
        let status = match (x.status, x.response_code) {
            (Some(s), Some(rc)) if rc != 0 => format!("{s}/rc={rc}"),
            (Some(s), _) => s.to_string(),
            (None, _) => "-".to_string(),
        };
        let dur = x.duration.map_or_else(|| "-".to_string(), |d| format!("{:.3}s", d));
        writeln!(out, "{:>5} {:>10}  {:>4}  {:<8} {:<18} {:<10} {:>8}  {}", x.index + 1, time, session, endpoint, rt, status, dur, x.summary)?;
        if verbose {
            if let Some(d) = &x.dissection {
                for line in mapiscope_codec::text::render(d, false).lines() {
                    writeln!(out, "      {line}")?;
                }
            }
            for diag in &x.diagnostics {
                writeln!(out, "      [{}] {}", diag.severity.name(), diag.message)?;
            }
        }
    }
    if !c.sessions.is_empty() {
        writeln!(out, "\nSessions:")?;
        for s in &c.sessions {
            writeln!(
                out,
                "  {:>3}  {:<8} {:<40} requests {:>4}  reconnects {}  PENDING {}  {}",
                s.index,
                s.endpoint.map_or("-", |e| e.name()),
                s.user.as_deref().unwrap_or("-"),
                s.requests,
                s.reconnects,
                s.pending,
                s.key
            )?;
        }
    }
    if c.tls_connections > 0 || !c.diagnostics.is_empty() {
        writeln!(out, "\nExpert Info:")?;
        for d in &c.diagnostics {
            writeln!(out, "  [{}] {}", d.severity.name(), d.message)?;
        }
    }
    writeln!(out, "\n{} exchanges, {} sessions ({} file)", c.exchanges.len(), c.sessions.len(), c.format.name())
}
