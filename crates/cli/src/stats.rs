//! `mapiscope stats FILE [--json] [-Y FILTER]`: the statistics of `mapiscope_filter::stats` over a
//! capture (all exchanges, or those matching `-Y`), as text tables aligned like `tshark -z` or as
//! JSON with the same numbers. The capture is decoded in full, one exchange at a time (memory stays
//! bounded by the capture plus one tree).

use std::io::{Read, Write};

use mapiscope_capture::mapi::{self, Mode};
use mapiscope_capture::Limits;
use mapiscope_filter::stats::Stats;
use mapiscope_filter::Filter;

use crate::Fail;

/// Runs `mapiscope stats`.
pub fn run(args: &[String]) -> Result<(), Fail> {
    let mut file: Option<String> = None;
    let mut json = false;
    let mut filter: Option<(String, Filter)> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "-Y" | "--display-filter" => {
                let t = it.next().ok_or_else(|| Fail::Usage("-Y needs a filter".into()))?;
                let f = Filter::compile(t).map_err(|e| Fail::Usage(e.render(t)))?;
                if filter.replace((t.clone(), f)).is_some() {
                    return Err(Fail::Usage("-Y given twice: combine the filters with && instead".into()));
                }
            }
            s if s.starts_with('-') && s != "-" => return Err(Fail::Usage(format!("unknown option {s:?} for stats"))),
            s => {
                if file.replace(s.to_string()).is_some() {
                    return Err(Fail::Usage("stats takes one FILE".into()));
                }
            }
        }
    }
    let file = file.ok_or_else(|| Fail::Usage("stats needs a FILE (or - for stdin)".into()))?;
    let bytes = if file == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| Fail::Input(format!("cannot read stdin: {e}")))?;
        v
    } else {
        std::fs::read(&file).map_err(|e| Fail::Input(format!("cannot read {file}: {e}")))?
    };
    let http = mapiscope_capture::sniff::read(&bytes, &Limits::default()).map_err(|e| Fail::Input(e.message))?;
    drop(bytes);
    let mut stats = Stats::default();
    let capture = mapi::analyze_with(http, Mode::Full, |x| {
        if filter.as_ref().is_none_or(|(_, f)| f.matches(&x)) {
            stats.add(&x);
        }
    });
    let report = stats.report(&capture.sessions);
    let mut out = if json {
        let mut s = report.json();
        s.push('\n');
        s
    } else {
        let mut s = String::new();
        if let Some((t, _)) = &filter {
            s.push_str(&format!("Filter: {t}\n\n"));
        }
        s.push_str(&report.text());
        s
    };
    if !json && capture.tls_connections > 0 {
        out.push_str(&format!("({} TLS connections not decoded)\n", capture.tls_connections));
    }
    // A closed pipe (`| head`) is not an error worth reporting.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(())
}
