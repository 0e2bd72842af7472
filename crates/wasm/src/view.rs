//! The viewer's display filters, statistics and exports over a [`Capture`] (plain Rust, tested
//! natively; the `#[wasm_bindgen]` wrappers in `lib.rs` only convert types).
//!
//! - [`check_filter_json`] — colouring the filter bar as the user types, with the span of the
//!   mistake in UTF-16 offsets (what a JS string and `setSelectionRange` count).
//! - [`fields_json`] — every filter key, for completion.
//! - [`Capture::match_range`] — the exchanges of a range that match a compiled filter (chunked by
//!   the worker so it can report progress and give way to a newer filter).
//! - [`Capture::stats_add`] / [`Capture::stats_report`] — `mapiscope stats --json` over the
//!   displayed exchanges.
//! - [`Capture::exchanges_json`], [`Capture::csv_header`], [`Capture::csv_rows`] — exports.
//! - [`Capture::filter_for_node`] — "Apply as filter" on a tree node.

use mapiscope_capture::mapi::{response_code_name, MapiExchange};
use mapiscope_capture::util::format_time;
use mapiscope_codec::json::string;
use mapiscope_filter::stats::Stats;
use mapiscope_filter::{fields, Extractor, Filter, FilterError};

use crate::Capture;

/// UTF-16 length of the first `byte` bytes of `text` (clamped to a character boundary below).
fn utf16_at(text: &str, byte: usize) -> usize {
    let mut b = byte.min(text.len());
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text.get(..b).map_or(0, |s| s.encode_utf16().count())
}

/// The JSON of an invalid filter: `{"valid":false,"start","end","message","suggestion","headline"}`.
fn error_json(text: &str, e: &FilterError) -> String {
    let mut out = String::from("{\"valid\":false,\"start\":");
    let start = utf16_at(text, e.start);
    let end = utf16_at(text, e.end).max(start);
    out.push_str(&format!("{start},\"end\":{end},\"message\":"));
    string(&mut out, &e.message);
    out.push_str(",\"suggestion\":");
    match &e.suggestion {
        Some(s) => string(&mut out, s),
        None => out.push_str("null"),
    }
    out.push_str(",\"headline\":");
    string(&mut out, &e.headline());
    out.push('}');
    out
}

/// Checks a filter: `{"valid":true,"empty","needs_dissection"}` or the error (see [`error_json`]).
pub fn check_filter_json(text: &str) -> String {
    match Filter::compile(text) {
        Ok(f) => format!("{{\"valid\":true,\"empty\":{},\"needs_dissection\":{}}}", f.is_empty(), f.needs_dissection()),
        Err(e) => error_json(text, &e),
    }
}

/// Every filter key, sorted, once: `[{"key","name","type","description"}]`.
pub fn fields_json() -> String {
    let mut all: Vec<_> = fields::all().collect();
    all.sort_by_key(|f| f.key);
    all.dedup_by_key(|f| f.key);
    let mut out = String::with_capacity(all.len() * 160);
    out.push('[');
    for (k, f) in all.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str("{\"key\":");
        string(&mut out, f.key);
        out.push_str(",\"name\":");
        string(&mut out, f.name);
        out.push_str(",\"type\":");
        string(&mut out, f.ty.name());
        out.push_str(",\"description\":");
        string(&mut out, f.desc);
        out.push('}');
    }
    out.push(']');
    out
}

/// One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn csv_cell(out: &mut String, s: &str) {
    if s.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn csv_line<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (k, c) in cells.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        csv_cell(out, c.as_ref());
    }
    out.push_str("\r\n");
}

/// The list columns of a CSV export without chosen fields.
pub const LIST_COLUMNS: [&str; 10] =
    ["No.", "Time", "Session", "Endpoint", "Request type", "Status", "X-ResponseCode", "Elapsed (ms)", "Duration (s)", "Summary"];

fn list_cells(x: &MapiExchange) -> [String; 10] {
    let opt = |v: Option<String>| v.unwrap_or_default();
    [
        (x.index + 1).to_string(),
        opt(x.time.map(format_time)),
        opt(x.session.map(|s| s.to_string())),
        x.endpoint.map_or_else(String::new, |e| e.name().to_string()),
        x.request_type_name().unwrap_or(x.kind.name()).to_string(),
        opt(x.status.map(|s| s.to_string())),
        opt(x.response_code.map(|c| format!("{c} ({})", response_code_name(c)))),
        opt(x.elapsed_ms.map(|v| v.to_string())),
        opt(x.duration.map(|d| format!("{d:.6}"))),
        x.summary.clone(),
    ]
}

/// Errors of an [`Extractor`] name the key by its position: turn that into a message.
fn extractor(fields: &[String]) -> Result<Extractor, String> {
    Extractor::new(fields).map_err(|e| e.headline())
}

impl Capture {
    /// The exchange `i` with its tree when `full`, else from the index.
    fn get(&mut self, i: usize, full: bool) -> Option<&MapiExchange> {
        if full {
            self.inner.exchange(i)
        } else {
            self.inner.capture().exchanges.get(i)
        }
    }

    /// Indices in `start..end` (clamped) whose exchange matches `f`.
    pub fn match_range(&mut self, f: &Filter, start: usize, end: usize) -> Vec<u32> {
        let end = end.min(self.inner.len());
        let full = f.needs_dissection();
        let mut out = Vec::new();
        for i in start.min(end)..end {
            if self.get(i, full).is_some_and(|x| f.matches(x)) {
                out.push(i as u32);
            }
        }
        out
    }

    /// Adds exchanges (decoded in full) to `stats`; indices out of range are skipped.
    pub fn stats_add(&mut self, stats: &mut Stats, indices: &[u32]) {
        for &i in indices {
            if let Some(x) = self.inner.exchange(i as usize) {
                stats.add(x);
            }
        }
    }

    /// `mapiscope stats --json` of what `stats` holds.
    pub fn stats_report(&self, stats: &Stats) -> String {
        stats.report(&self.inner.capture().sessions).json()
    }

    /// The `read --json` exchange objects of `indices`, joined by commas (no brackets).
    pub fn exchanges_json(&mut self, indices: &[u32]) -> String {
        let mut out = String::new();
        for &i in indices {
            if let Some(x) = self.inner.exchange(i as usize) {
                if !out.is_empty() {
                    out.push(',');
                }
                mapiscope_capture::json::exchange(&mut out, x);
            }
        }
        out
    }

    /// The CSV header line: the list columns, or the chosen filter keys.
    pub fn csv_header(fields: Option<&[String]>) -> Result<String, String> {
        let mut out = String::new();
        match fields {
            Some(f) => {
                extractor(f)?;
                csv_line(&mut out, f);
            }
            None => csv_line(&mut out, &LIST_COLUMNS),
        }
        Ok(out)
    }

    /// CSV lines of `indices`: the list columns, or the chosen fields (occurrences joined by
    /// commas, as `read -T fields` does).
    pub fn csv_rows(&mut self, indices: &[u32], fields: Option<&[String]>) -> Result<String, String> {
        let mut out = String::new();
        match fields {
            Some(f) => {
                let ex = extractor(f)?;
                let full = ex.needs_dissection();
                for &i in indices {
                    if let Some(x) = self.get(i as usize, full) {
                        let cells: Vec<String> = ex.extract(x).into_iter().map(|v| v.join(",")).collect();
                        csv_line(&mut out, &cells);
                    }
                }
            }
            None => {
                for &i in indices {
                    if let Some(x) = self.get(i as usize, false) {
                        csv_line(&mut out, &list_cells(x));
                    }
                }
            }
        }
        Ok(out)
    }

    /// "Apply as filter" for the node of exchange `index` with this key and span. A known key whose
    /// node is not in the dissection gives the presence filter; the Autodiscover summary node the
    /// detail view adds selects the Autodiscover exchanges.
    pub fn filter_for_node(&mut self, index: usize, key: &str, source: usize, offset: usize, length: usize) -> Result<String, String> {
        let len = self.inner.len();
        let x = self.inner.exchange(index).ok_or_else(|| format!("no exchange {index} (the capture has {len})"))?;
        if let Some(d) = x.dissection.as_ref() {
            let found = d.nodes.iter().find(|n| {
                n.field.key == key && usize::from(n.source) == source && n.offset as usize == offset && n.length as usize == length
            });
            if let Some(n) = found {
                return Ok(mapiscope_filter::value::filter_for_node(d, n));
            }
        }
        match fields::by_key(key) {
            Some(f) => Ok(f.key.to_string()),
            // The Autodiscover summary node of the detail view (`lazy::detail`).
            None if key == "mapihttp.autodiscover" => Ok(String::from("mapihttp.exchange.kind == \"autodiscover\"")),
            None => Err(format!("exchange {index} has no field {key:?} at {source}:{offset}+{length}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_offsets() {
        let t = "é𝄞x == 1";
        assert_eq!(utf16_at(t, 0), 0);
        assert_eq!(utf16_at(t, 2), 1); // after é
        assert_eq!(utf16_at(t, 6), 3); // after the surrogate pair
        assert_eq!(utf16_at(t, 3), 1); // inside 𝄞: back to its start
        assert_eq!(utf16_at(t, 999), t.encode_utf16().count());
    }

    #[test]
    fn check_filter_reports_spans_and_suggestions() {
        assert_eq!(check_filter_json("mapihttp.request_type == \"Execute\""), "{\"valid\":true,\"empty\":false,\"needs_dissection\":false}");
        assert_eq!(check_filter_json("mapihttp.rop.id == RopQueryRows"), "{\"valid\":true,\"empty\":false,\"needs_dissection\":true}");
        assert_eq!(check_filter_json("  "), "{\"valid\":true,\"empty\":true,\"needs_dissection\":false}");
        let e = check_filter_json("é == 1 && mapihttp.rop.querrows");
        assert!(e.starts_with("{\"valid\":false,\"start\":0,\"end\":1,"), "{e}");
        let e = check_filter_json("mapihttp.rop.querrows");
        assert_eq!(
            e,
            "{\"valid\":false,\"start\":0,\"end\":21,\"message\":\"unknown field \\\"mapihttp.rop.querrows\\\"\",\"suggestion\":\"mapihttp.rop.queryrows\",\"headline\":\"unknown field \\\"mapihttp.rop.querrows\\\" (did you mean \\\"mapihttp.rop.queryrows\\\"?)\"}"
        );
        // A span after a multi-byte character counts UTF-16 units.
        let e = check_filter_json("mapihttp.exchange.summary == \"ü\" && mapihttp.rop.querrows");
        assert!(e.contains("\"start\":36,\"end\":57"), "{e}");
    }

    #[test]
    fn fields_are_sorted_unique_and_complete() {
        let j = fields_json();
        let keys: Vec<&str> = j.split("{\"key\":\"").skip(1).map(|s| s.split('"').next().unwrap()).collect();
        assert!(keys.len() > 500, "{}", keys.len());
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        for k in ["mapihttp.rop.queryrows", "mapihttp.request_type", "mapihttp.exchange.duration", "mapihttp.expert.severity"] {
            assert!(keys.contains(&k), "{k}");
        }
        assert!(j.contains("{\"key\":\"mapihttp.rop.id\",\"name\":\"RopId\",\"type\":\"uint8\""), "{}", &j[j.find("mapihttp.rop.id\"").unwrap()..][..80]);
    }

    #[test]
    fn csv_cells_are_quoted_when_needed() {
        let mut s = String::new();
        csv_line(&mut s, &["a", "b,c", "say \"hi\"", "x\ny", ""]);
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\",\r\n");
    }
}
