//! `mapiscope read` display filters and output formats, tshark-style:
//!
//! - `-Y FILTER` keeps the exchanges that match (the language of `mapiscope_filter`); a filter that
//!   does not compile exits with status 2, the error and a caret under the mistake.
//! - `-T json` is `--json` (the `read` contract, filtered); `-T text` is `-V`; `-T jsonl` prints one
//!   exchange object per line (the contract's Exchange) and nothing else — no sessions, no capture
//!   diagnostics; `-T fields` prints one line per exchange with the `-e KEY` fields (tab-separated,
//!   occurrences joined by commas), like `tshark -T fields`.
//! - `-E header=y|n`, `-E separator=/t|/s|C`, `-E aggregator=,|/s|C`, `-E quote=d|s|n`,
//!   `-E occurrence=f|l|a|N` shape `-T fields` output as in tshark.

use std::io::{self, Write};

use mapiscope_capture::mapi::MapiExchange;
use mapiscope_filter::{Extractor, Filter};

use crate::Fail;

/// The output format chosen with `-T`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// The packet list (or `-V` / `--json` as given).
    Default,
    Jsonl,
    Fields,
}

/// Which occurrences `-T fields` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Occurrence {
    All,
    First,
    Last,
    Nth(usize),
}

/// The `read` options this module handles.
pub struct Export {
    filter: Option<Filter>,
    format: Format,
    extractor: Option<Extractor>,
    header: bool,
    separator: String,
    aggregator: String,
    quote: Option<char>,
    occurrence: Occurrence,
}

fn sep_value(v: &str) -> String {
    match v {
        "/t" => "\t".into(),
        "/s" => " ".into(),
        "/n" => "\n".into(),
        other => other.into(),
    }
}

/// Takes `-Y`, `-T`, `-e`, `-E` out of the `read` arguments. `-T json` and `-T text` come back as
/// `--json` and `-V` in the remaining arguments.
pub fn split_args(args: &[String]) -> Result<(Vec<String>, Export), Fail> {
    let mut rest = Vec::new();
    let mut filter_text: Option<String> = None;
    let mut format = Format::Default;
    let mut keys: Vec<String> = Vec::new();
    let mut ex = Export {
        filter: None,
        format: Format::Default,
        extractor: None,
        header: false,
        separator: "\t".into(),
        aggregator: ",".into(),
        quote: None,
        occurrence: Occurrence::All,
    };
    let mut saw_e_opt = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| Fail::Usage(format!("{name} needs a value")));
        match a.as_str() {
            "-Y" | "--display-filter" => {
                if filter_text.replace(value("-Y")?).is_some() {
                    return Err(Fail::Usage("-Y given twice: combine the filters with && instead".into()));
                }
            }
            "-T" => match value("-T")?.as_str() {
                "json" => rest.push("--json".into()),
                "text" => rest.push("-V".into()),
                "jsonl" => format = Format::Jsonl,
                "fields" => format = Format::Fields,
                other => return Err(Fail::Usage(format!("unknown output format {other:?} for -T: json, jsonl, fields or text"))),
            },
            "-e" => keys.push(value("-e")?),
            "-E" => {
                saw_e_opt = true;
                let v = value("-E")?;
                let Some((k, val)) = v.split_once('=') else {
                    return Err(Fail::Usage(format!("-E takes option=value, got {v:?}")));
                };
                match k {
                    "header" => {
                        ex.header = match val {
                            "y" | "yes" => true,
                            "n" | "no" => false,
                            _ => return Err(Fail::Usage(format!("-E header={val}: expected y or n"))),
                        }
                    }
                    "separator" => ex.separator = sep_value(val),
                    "aggregator" => ex.aggregator = sep_value(val),
                    "quote" => {
                        ex.quote = match val {
                            "d" => Some('"'),
                            "s" => Some('\''),
                            "n" => None,
                            _ => return Err(Fail::Usage(format!("-E quote={val}: expected d, s or n"))),
                        }
                    }
                    "occurrence" => {
                        ex.occurrence = match val {
                            "a" => Occurrence::All,
                            "f" => Occurrence::First,
                            "l" => Occurrence::Last,
                            n => match n.parse::<usize>() {
                                Ok(k) if k > 0 => Occurrence::Nth(k),
                                _ => return Err(Fail::Usage(format!("-E occurrence={val}: expected f, l, a or a number from 1"))),
                            },
                        }
                    }
                    _ => return Err(Fail::Usage(format!("unknown -E option {k:?}: header, separator, aggregator, quote, occurrence"))),
                }
            }
            _ => rest.push(a.clone()),
        }
    }
    if format == Format::Fields && keys.is_empty() {
        return Err(Fail::Usage("-T fields needs at least one -e KEY".into()));
    }
    if format != Format::Fields && (!keys.is_empty() || saw_e_opt) {
        return Err(Fail::Usage("-e and -E go with -T fields".into()));
    }
    if format != Format::Default && rest.iter().any(|a| a == "--json" || a == "-V" || a == "--verbose") {
        return Err(Fail::Usage("choose one output format: -T json|jsonl|fields|text (or --json / -V)".into()));
    }
    if format == Format::Fields {
        ex.extractor = Some(Extractor::new(&keys).map_err(|e| {
            let key = keys.get(e.start).map_or("", String::as_str);
            Fail::Usage(format!("-e {key}: {}", e.headline()))
        })?);
    }
    if let Some(t) = filter_text {
        ex.filter = Some(Filter::compile(&t).map_err(|e| Fail::Usage(e.render(&t)))?);
    }
    ex.format = format;
    Ok((rest, ex))
}

impl Export {
    /// Whether the capture must be decoded in full (trees) for the filter or the output.
    pub fn needs_full(&self) -> bool {
        self.filter.as_ref().is_some_and(Filter::needs_dissection)
            || self.extractor.as_ref().is_some_and(Extractor::needs_dissection)
            || self.format == Format::Jsonl
    }

    /// Whether an exchange passes `-Y`.
    pub fn keep(&self, x: &MapiExchange) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(x))
    }

    /// Whether this module writes the output (`-T jsonl`, `-T fields`).
    pub fn custom_output(&self) -> bool {
        self.format != Format::Default
    }

    /// Writes the `-T fields` header line if asked (call once before the exchanges). The keys are
    /// not quoted, as tshark writes them with `-E quote=d`.
    pub fn write_header(&self, out: &mut impl Write) -> io::Result<()> {
        if let (Format::Fields, true, Some(e)) = (self.format, self.header, &self.extractor) {
            let names: Vec<String> = e.fields().map(|f| f.key.to_string()).collect();
            writeln!(out, "{}", names.join(&self.separator))?;
        }
        Ok(())
    }

    fn quoted(&self, s: &str) -> String {
        match self.quote {
            Some(q) => format!("{q}{s}{q}"),
            None => s.to_string(),
        }
    }

    /// Writes one (already filtered) exchange in the `-T jsonl` or `-T fields` form.
    pub fn write_one(&self, x: &MapiExchange, out: &mut impl Write) -> io::Result<()> {
        match (self.format, &self.extractor) {
            (Format::Jsonl, _) => {
                let mut s = String::new();
                mapiscope_capture::json::exchange(&mut s, x);
                s.push('\n');
                out.write_all(s.as_bytes())
            }
            (Format::Fields, Some(e)) => {
                let cols: Vec<String> = e
                    .extract(x)
                    .into_iter()
                    .map(|occ| {
                        let picked: Vec<String> = match self.occurrence {
                            Occurrence::All => occ,
                            Occurrence::First => occ.into_iter().take(1).collect(),
                            Occurrence::Last => occ.into_iter().last().into_iter().collect(),
                            Occurrence::Nth(k) => occ.into_iter().nth(k - 1).into_iter().collect(),
                        };
                        // Tabs and newlines inside a value would break the columns.
                        let joined = picked.join(&self.aggregator).replace(['\t', '\n', '\r'], " ");
                        if joined.is_empty() {
                            joined
                        } else {
                            self.quoted(&joined)
                        }
                    })
                    .collect();
                writeln!(out, "{}", cols.join(&self.separator))
            }
            _ => Ok(()),
        }
    }
}
