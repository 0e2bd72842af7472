//! `mapiscope`: a tshark-like command line for MAPI over HTTP.
//!
//! Exit codes: 0 success (also with diagnostics), 1 an unreadable file, 2 bad arguments.

mod export;
mod read;
mod sample;
mod stats;

use std::io::{Read, Write};
use std::process::ExitCode;

use mapiscope_codec::RequestType;

const USAGE: &str = "\
mapiscope — a dissector for MAPI over HTTP (Outlook ↔ Exchange)

USAGE:
    mapiscope read FILE [-V] [--json] [--body-type <RequestType> [--body-response]]
                   [-Y FILTER] [-T json|jsonl|fields|text] [-e KEY]... [-E OPTION=VALUE]...
    mapiscope stats FILE [--json] [-Y FILTER]
    mapiscope decode --type <RequestType> [--request FILE] [--response FILE] [--json] [--hex]
    mapiscope sample --format pcap|pcapng|har|saz|raw [--size MB] [--seed N] --out FILE
    mapiscope fields
    mapiscope rops
    mapiscope help

COMMANDS:
    read     Read a capture — pcap, pcapng, HAR, Fiddler SAZ or raw HTTP, detected from the content —
             and list its exchanges like tshark (No., time, session, endpoint, request type, status,
             duration, ROP summary); -V adds the decoded trees; --json prints {\"exchanges\",
             \"sessions\", \"diagnostics\"}. A bare body in hex or base64 needs --body-type (and
             --body-response for a response). FILE may be '-'.
             -Y FILTER keeps the exchanges that match a Wireshark-style display filter over the
             keys of 'mapiscope fields' (mapihttp.rop.queryrows, mapihttp.rop.id == RopQueryRows,
             mapihttp.response_code == ContextNotFound, mapihttp.request_type == \"Execute\" && …).
             -T json is --json; -T text is -V; -T jsonl prints one exchange object per line (no
             sessions); -T fields prints the -e KEY fields tab-separated, occurrences joined by
             commas (-E header=y, separator=/t|/s|C, aggregator=C, quote=d|s|n, occurrence=f|l|a|N).
    stats    Statistics of a capture (or of the exchanges matching -Y): service response time per
             request type and per ROP (count, errors, min/mean/p50/p95/max), X-ResponseCode and ROP
             ReturnValue histograms, sessions, HTTP body bytes per endpoint and direction, RopBuffer
             compression. --json prints the same numbers as JSON.
    decode   Decode a request and/or response body of one request type. FILE may be '-' for stdin.
             A response file is the body after de-chunking: it starts with the meta-tag text
             (PROCESSING/PENDING/DONE) unless it is a bare binary body.
             --json prints {\"request\", \"response\", \"diagnostics\", \"sources\"}; --hex adds a hex
             dump of each source to the text output.
    fields   List the filter keys: the field registry, the Autodiscover fields and the exchange-level
             fields (mapihttp.request_type, mapihttp.session, mapihttp.exchange.*, …): filter key,
             name, type, description (like tshark -G fields).
    rops     List the ROP table ([MS-OXCROPS] 2.2.2): RopId, name, section, and whether a request and
             a response decoder exist (RopRelease has no response; RopNotify, RopPending, RopBackoff
             and RopBufferTooSmall have no request).

REQUEST TYPES:
    Connect Execute Disconnect NotificationWait PING Bind Unbind CompareMIds DNToMId GetMatches
    GetPropList GetProps GetSpecialTable GetTemplateInfo ModLinkAtt ModProps QueryRows QueryColumns
    ResolveNames ResortRestriction SeekEntries UpdateStat GetMailboxUrl GetAddressBookUrl
";

/// A command-line failure: exit 2 for usage errors, 1 for unreadable input.
enum Fail {
    Usage(String),
    Input(String),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail::Usage(m)) => {
            eprintln!("mapiscope: {m}");
            eprintln!("Try 'mapiscope help'.");
            ExitCode::from(2)
        }
        Err(Fail::Input(m)) => {
            eprintln!("mapiscope: {m}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), Fail> {
    let Some(cmd) = args.first() else {
        return Err(Fail::Usage("no command given".into()));
    };
    let rest = args.get(1..).unwrap_or(&[]);
    match cmd.as_str() {
        "decode" => decode(rest),
        "read" => read::run(rest),
        "stats" => stats::run(rest),
        "sample" => sample::run(rest).map_err(Fail::Input),
        "fields" => {
            if let Some(a) = rest.first() {
                return Err(Fail::Usage(format!("fields takes no arguments, got {a:?}")));
            }
            fields();
            Ok(())
        }
        "rops" => {
            if let Some(a) = rest.first() {
                return Err(Fail::Usage(format!("rops takes no arguments, got {a:?}")));
            }
            rops();
            Ok(())
        }
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        "--version" | "-V" => {
            println!("mapiscope {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        other => Err(Fail::Usage(format!("unknown command {other:?}"))),
    }
}

fn read_input(path: &str) -> Result<Vec<u8>, Fail> {
    if path == "-" {
        let mut v = Vec::new();
        std::io::stdin().read_to_end(&mut v).map_err(|e| Fail::Input(format!("cannot read stdin: {e}")))?;
        Ok(v)
    } else {
        std::fs::read(path).map_err(|e| Fail::Input(format!("cannot read {path}: {e}")))
    }
}

fn decode(args: &[String]) -> Result<(), Fail> {
    let mut ty: Option<RequestType> = None;
    let mut req: Option<String> = None;
    let mut resp: Option<String> = None;
    let mut json = false;
    let mut hex = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> Result<String, Fail> {
            it.next().cloned().ok_or_else(|| Fail::Usage(format!("{name} needs a value")))
        };
        match a.as_str() {
            "--type" | "-t" => {
                let v = value("--type")?;
                ty = Some(RequestType::from_token(&v).ok_or_else(|| {
                    Fail::Usage(format!("unknown request type {v:?}; expected one of the X-RequestType values (see 'mapiscope help')"))
                })?);
            }
            "--request" => req = Some(value("--request")?),
            "--response" => resp = Some(value("--response")?),
            "--json" => json = true,
            "--hex" => hex = true,
            other => return Err(Fail::Usage(format!("unknown option {other:?} for decode"))),
        }
    }
    let ty = ty.ok_or_else(|| Fail::Usage("decode needs --type".into()))?;
    if req.is_none() && resp.is_none() {
        return Err(Fail::Usage("decode needs --request FILE and/or --response FILE".into()));
    }
    if req.as_deref() == Some("-") && resp.as_deref() == Some("-") {
        return Err(Fail::Usage("only one of --request and --response can read stdin".into()));
    }
    let req_bytes = req.as_deref().map(read_input).transpose()?;
    let resp_bytes = resp.as_deref().map(read_input).transpose()?;
    let (d, _env) = mapiscope_codec::decode_exchange(ty, req_bytes.as_deref(), resp_bytes.as_deref());
    let out = if json {
        let mut s = mapiscope_codec::json::document(&d, req_bytes.is_some(), resp_bytes.is_some());
        s.push('\n');
        s
    } else {
        mapiscope_codec::text::render(&d, hex)
    };
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth reporting.
    let _ = stdout.write_all(out.as_bytes());
    Ok(())
}

fn fields() {
    let mut out = String::new();
    for f in mapiscope_filter::fields::all() {
        out.push_str(&format!("{}\t{}\t{}\t{}\n", f.key, f.name, f.ty.name(), f.desc));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

fn rops() {
    let mut out = String::from("RopId\tName\tSection\tRequest\tResponse\n");
    let (mut n, mut req, mut resp) = (0, 0, 0);
    for (r, has_req, has_resp) in mapiscope_codec::rops::table() {
        n += 1;
        req += usize::from(has_req);
        resp += usize::from(has_resp);
        let yes = |b: bool| if b { "yes" } else { "-" };
        out.push_str(&format!("0x{:02X}\t{}\t[MS-OXCROPS] {}\t{}\t{}\n", r.id, r.name, r.section, yes(has_req), yes(has_resp)));
    }
    out.push_str(&format!("{n} ROPs: {req} request decoders, {resp} response decoders\n"));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
