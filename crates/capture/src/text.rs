//! The text of `mapiscope read`: one line per exchange like tshark's packet list (No., time relative
//! to the capture's first exchange, session, endpoint, request type, status / X-ResponseCode,
//! duration, summary with the ROP names), with `-V` the decoded tree and the diagnostics of each
//! exchange, then the sessions, the capture's Expert Info and a count line. Written exchange by
//! exchange, so it can follow [`crate::mapi::analyze_with`] as it goes.

use std::io::Write;

use crate::mapi::{self, MapiCapture, MapiExchange};

/// The column heading line.
pub fn list_header(out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "{:>5} {:>10}  {:>4}  {:<8} {:<18} {:<10} {:>8}  Summary", "No.", "Time", "Sess", "Endpoint", "Request type", "Status", "Duration")
}

/// One exchange: its line, and with `verbose` its tree and diagnostics. `t0` is the capture's first
/// time ([`mapi::exchange_time`] of its earliest exchange; infinite when no exchange has a time).
pub fn list_row(x: &MapiExchange, t0: f64, verbose: bool, out: &mut impl Write) -> std::io::Result<()> {
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
    Ok(())
}

/// The end: sessions, Expert Info (capture diagnostics) and `N exchanges, M sessions (FORMAT file)`,
/// `exchanges` being the number of exchanges written.
pub fn list_tail(c: &MapiCapture, exchanges: usize, out: &mut impl Write) -> std::io::Result<()> {
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
    writeln!(out, "\n{exchanges} exchanges, {} sessions ({} file)", c.sessions.len(), c.format.name())
}
