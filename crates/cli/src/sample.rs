//! `mapiscope sample`: writes a realistic, deterministic sample capture (Outlook starting against
//! Exchange over MAPI/HTTP: Autodiscover, Connect, Logon, folders, contents tables, message opens,
//! notifications, address book, a reconnect, Disconnect) in any input format, for demos, tests and
//! benchmarks. The traffic is `mapiscope_capture::synth`'s; this module parses the arguments, writes
//! the file and reports size and speed on stderr.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use mapiscope_capture::synth::{self, Options, SampleFormat};

/// The usage line of the subcommand.
pub const USAGE: &str = "mapiscope sample --format pcap|pcapng|har|saz|raw [--size MB] [--seed N] --out FILE";

const HELP: &str = "\
mapiscope sample — write a realistic, deterministic MAPI/HTTP sample capture

USAGE:
    mapiscope sample --format pcap|pcapng|har|saz|raw [--size MB] [--seed N] --out FILE

OPTIONS:
    --format F   pcap (Ethernet, microseconds), pcapng (nanoseconds), har (HAR 1.2),
                 saz (Fiddler session archive), raw (HTTP messages as text)
    --size MB    grow the capture to about this size (1 MB = 1 000 000 bytes; within 1 %) with more
                 Executes, rows and sessions; without it, the two-user Outlook start (the demo)
    --seed N     the seed (default 20260127, the demo's): the same seed writes the same bytes
    --out FILE   the file to write
";

/// Parsed arguments.
#[derive(Debug, PartialEq)]
struct Args {
    format: SampleFormat,
    options: Options,
    out: String,
}

fn parse(args: &[String]) -> Result<Option<Args>, String> {
    let mut format = None;
    let mut options = Options::default();
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (name, inline) = match a.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        if matches!(name, "-h" | "--help") {
            return Ok(None);
        }
        let mut value = || inline.clone().or_else(|| it.next().cloned()).ok_or_else(|| format!("{name} needs a value"));
        match name {
            "--format" => {
                let v = value()?;
                format = Some(SampleFormat::from_name(&v).ok_or_else(|| format!("unknown format {v:?}: use pcap, pcapng, har, saz or raw"))?);
            }
            "--size" => {
                let v = value()?;
                let mb: f64 = v.parse().map_err(|_| format!("--size takes a number of MB, got {v:?}"))?;
                if !(mb > 0.0 && mb <= 1_000_000.0) {
                    return Err(format!("--size must be between 0 and 1000000 MB, got {v}"));
                }
                options.size = Some((mb * 1_000_000.0).round() as u64);
            }
            "--seed" => {
                let v = value()?;
                options.seed = v.parse().map_err(|_| format!("--seed takes an unsigned integer, got {v:?}"))?;
            }
            "--out" | "-o" => out = Some(value()?),
            other => return Err(format!("unknown argument {other:?} (usage: {USAGE})")),
        }
    }
    let format = format.ok_or_else(|| format!("--format is required (usage: {USAGE})"))?;
    let out = out.ok_or_else(|| format!("--out is required (usage: {USAGE})"))?;
    Ok(Some(Args { format, options, out }))
}

/// Runs `mapiscope sample` with the arguments after the subcommand name.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(a) = parse(args)? else {
        print!("{HELP}");
        return Ok(());
    };
    let file = File::create(&a.out).map_err(|e| format!("cannot create {}: {e}", a.out))?;
    let started = Instant::now();
    let (w, s) = synth::write_sample(a.format, &a.options, BufWriter::with_capacity(1 << 20, file))
        .map_err(|e| format!("writing {}: {e}", a.out))?;
    let mut file = w.into_inner().map_err(|e| format!("writing {}: {}", a.out, e.error()))?;
    file.flush().map_err(|e| format!("writing {}: {e}", a.out))?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "mapiscope sample: wrote {} ({}, {} bytes: {} exchanges on {} connections, {} session contexts, seed {}) in {:.2} s ({:.1} MB/s)",
        a.out,
        a.format.name(),
        s.bytes,
        s.exchanges,
        s.connections,
        s.contexts,
        a.options.seed,
        secs,
        s.bytes as f64 / 1e6 / secs.max(1e-9)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_every_option_and_rejects_bad_ones() {
        let a = parse(&strings(&["--format", "pcapng", "--size", "2.5", "--seed=7", "--out", "x.pcapng"])).unwrap().unwrap();
        assert_eq!(a, Args { format: SampleFormat::PcapNg, options: Options { seed: 7, size: Some(2_500_000) }, out: "x.pcapng".into() });
        let a = parse(&strings(&["--out=y.har", "--format=HAR"])).unwrap().unwrap();
        assert_eq!((a.format, a.options), (SampleFormat::Har, Options::default()));
        assert_eq!(parse(&strings(&["--help"])).unwrap(), None);
        for (bad, want) in [
            (vec!["--out", "f"], "--format is required"),
            (vec!["--format", "pcap"], "--out is required"),
            (vec!["--format", "cap", "--out", "f"], "unknown format \"cap\""),
            (vec!["--format", "pcap", "--size", "-1", "--out", "f"], "--size must be"),
            (vec!["--format", "pcap", "--size", "big", "--out", "f"], "--size takes a number"),
            (vec!["--format", "pcap", "--seed", "x", "--out", "f"], "--seed takes"),
            (vec!["--format", "pcap", "--out"], "--out needs a value"),
            (vec!["--frmat", "pcap"], "unknown argument \"--frmat\""),
        ] {
            let e = parse(&strings(&bad)).unwrap_err();
            assert!(e.contains(want), "{bad:?}: {e}");
        }
    }

    #[test]
    fn writes_the_demo_capture_to_a_file() {
        let path = std::env::temp_dir().join(format!("mapiscope-sample-{}.pcapng", std::process::id()));
        let p = path.to_string_lossy().into_owned();
        run(&strings(&["--format", "pcapng", "--out", &p])).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(bytes, synth::sample_bytes(SampleFormat::PcapNg, &Options::default()).unwrap());
        let e = run(&strings(&["--format", "pcap", "--out", "/nonexistent-dir/x.pcap"])).unwrap_err();
        assert!(e.starts_with("cannot create /nonexistent-dir/x.pcap"), "{e}");
    }
}
