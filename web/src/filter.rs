//! The display-filter bar's logic (the Wireshark display-filter language of `mapiscope read -Y`,
//! compiled and run by the worker) and the list's columns and sorting.
//!
//! Here: the worker's verdict on the text being typed ([`Check`]), completion of filter keys
//! ([`word_at`], [`completions`], [`complete`]), the history of applied filters ([`remember`]),
//! building filters from a tree node or a list cell ([`combine`], [`cell_filter`]), and the
//! displayed rows ([`view`]). Offsets into the text are UTF-16 code units, as the DOM counts them.

use crate::bridge::Json;
use crate::model::{FieldInfo, Row};

/// The state of the filter bar's text.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Check {
    /// Nothing typed.
    #[default]
    Empty,
    /// Typed; the worker has not answered yet.
    Pending,
    Valid {
        needs_dissection: bool,
    },
    /// The mistake: its span (UTF-16 offsets) and the one-line message with the suggestion.
    Invalid {
        start: usize,
        end: usize,
        headline: String,
    },
}

impl Check {
    /// From `checkFilter`'s JSON, parsed.
    pub fn read<J: Json>(text: &str, j: &J) -> Check {
        match j.field("valid").boolean() {
            Some(true) if j.b("empty") || text.trim().is_empty() => Check::Empty,
            Some(true) => Check::Valid { needs_dissection: j.b("needs_dissection") },
            Some(false) => {
                let start = j.u("start") as usize;
                Check::Invalid { start, end: (j.u("end") as usize).max(start), headline: j.s("headline").unwrap_or_default() }
            }
            None => Check::Invalid { start: 0, end: 0, headline: "unreadable answer from the worker".into() },
        }
    }

    /// The CSS class of the bar: `f-ok` (green), `f-bad` (red), `f-none`.
    pub fn class(&self) -> &'static str {
        match self {
            Check::Valid { .. } => "f-ok",
            Check::Invalid { .. } => "f-bad",
            Check::Empty | Check::Pending => "f-none",
        }
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// The byte offset of UTF-16 offset `u` in `s` (clamped to the end).
pub fn byte_at(s: &str, u: usize) -> usize {
    let mut n = 0;
    for (b, c) in s.char_indices() {
        if n >= u {
            return b;
        }
        n += c.len_utf16();
    }
    s.len()
}

/// `s` cut at two UTF-16 offsets: before, inside, after.
pub fn split16(s: &str, start: usize, end: usize) -> (&str, &str, &str) {
    let a = byte_at(s, start);
    let b = byte_at(s, end).max(a);
    (s.get(..a).unwrap_or(""), s.get(a..b).unwrap_or(""), s.get(b..).unwrap_or(""))
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'
}

/// The filter-key word being typed at `cursor` (UTF-16): its start and end (UTF-16, the end
/// includes key characters right of the cursor) and its text up to the cursor. None inside a string
/// literal or when the word does not start with a letter.
pub fn word_at(text: &str, cursor: usize) -> Option<(usize, usize, String)> {
    let cb = byte_at(text, cursor);
    let before = text.get(..cb)?;
    // Inside a string literal: an odd number of unescaped quotes before the cursor.
    let mut quotes = 0;
    let mut esc = false;
    for c in before.chars() {
        match c {
            '\\' if !esc => esc = true,
            '"' if !esc => quotes += 1,
            _ => esc = false,
        }
        if c != '\\' {
            esc = false;
        }
    }
    if quotes % 2 == 1 {
        return None;
    }
    let start_b = before.char_indices().rev().take_while(|(_, c)| key_char(*c)).last().map_or(cb, |(b, _)| b);
    let word = before.get(start_b..)?;
    if !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after = text.get(cb..)?;
    let tail = after.chars().take_while(|c| key_char(*c)).map(char::len_utf16).sum::<usize>();
    let start = utf16_len(text.get(..start_b)?);
    Some((start, cursor + tail, word.to_string()))
}

/// The fields whose key starts with `prefix` (case-insensitive), at most `max`: the keys that end
/// in the segment being typed first (`mapihttp.rop.quer` → `mapihttp.rop.queryrows` before
/// `mapihttp.rop.queryrows.rowcount`), then deeper ones, each group by key. Nothing for a prefix
/// shorter than two characters or one that is already the only matching key.
pub fn completions(fields: &[FieldInfo], prefix: &str, max: usize) -> Vec<usize> {
    if prefix.len() < 2 {
        return Vec::new();
    }
    let p = prefix.to_ascii_lowercase();
    // Fields come sorted by key: the same segment first, then the deeper keys, in key order.
    let (mut same, mut deeper) = (Vec::new(), Vec::new());
    for (i, f) in fields.iter().enumerate() {
        if let Some(rest) = f.key.strip_prefix(p.as_str()) {
            if rest.contains('.') {
                deeper.push(i);
            } else {
                same.push(i);
            }
        }
    }
    if same.len() == 1 && deeper.is_empty() && same.first().and_then(|&i| fields.get(i)).is_some_and(|f| f.key == p) {
        return Vec::new();
    }
    same.extend(deeper);
    same.truncate(max);
    same
}

/// Replaces the word `start..end` (UTF-16) by `key`: the new text and the cursor after the key.
pub fn complete(text: &str, start: usize, end: usize, key: &str) -> (String, usize) {
    let (a, _, c) = split16(text, start, end);
    let mut out = String::with_capacity(text.len() + key.len());
    out.push_str(a);
    out.push_str(key);
    out.push_str(c);
    (out, utf16_len(a) + utf16_len(key))
}

/// Applied-filter history: most recent first, no duplicates, at most this many.
pub const HISTORY_MAX: usize = 30;

pub fn remember(history: &mut Vec<String>, text: &str) {
    let t = text.trim();
    if t.is_empty() {
        return;
    }
    history.retain(|h| h != t);
    history.insert(0, t.to_string());
    history.truncate(HISTORY_MAX);
}

/// How "Apply as filter" combines the node's filter with the current one (Wireshark's
/// Selected / Not Selected / …and Selected / …or Selected / …and not Selected).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    Selected,
    NotSelected,
    And,
    Or,
    AndNot,
}

pub fn combine(how: Combine, current: &str, new: &str) -> String {
    let cur = current.trim();
    let not = format!("!({new})");
    match how {
        Combine::Selected => new.to_string(),
        Combine::NotSelected => not,
        _ if cur.is_empty() => if how == Combine::AndNot { not } else { new.to_string() },
        Combine::And => format!("({cur}) && ({new})"),
        Combine::Or => format!("({cur}) || ({new})"),
        Combine::AndNot => format!("({cur}) && {not}"),
    }
}

/// A string literal of the filter language.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The list columns (sortable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    No,
    Time,
    Session,
    Endpoint,
    Type,
    Summary,
    Status,
    Duration,
}

impl Col {
    pub const ALL: [Col; 8] = [Col::No, Col::Time, Col::Session, Col::Endpoint, Col::Type, Col::Summary, Col::Status, Col::Duration];

    pub fn title(self) -> &'static str {
        match self {
            Col::No => "No.",
            Col::Time => "Time",
            Col::Session => "Session",
            Col::Endpoint => "Endpoint",
            Col::Type => "Request type",
            Col::Summary => "ROPs / summary",
            Col::Status => "Status",
            Col::Duration => "Duration",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Col::No => "c-no",
            Col::Time => "c-time",
            Col::Session => "c-sess",
            Col::Endpoint => "c-ep",
            Col::Type => "c-type",
            Col::Summary => "c-sum",
            Col::Status => "c-status",
            Col::Duration => "c-dur",
        }
    }

    pub fn from_class(c: &str) -> Option<Col> {
        Col::ALL.into_iter().find(|k| k.class() == c)
    }
}

/// "Apply as filter" on a list cell: the exchange-level filter for that column's value.
pub fn cell_filter(col: Col, r: &Row) -> Option<String> {
    match col {
        Col::No => Some(format!("mapihttp.exchange.number == {}", r.index + 1)),
        Col::Session => r.session.map(|s| format!("mapihttp.session == {s}")),
        Col::Endpoint => r.endpoint.as_deref().map(|e| format!("mapihttp.endpoint == {}", quote(e))),
        Col::Type => r.request_type.as_deref().map(|t| format!("mapihttp.request_type == {}", quote(t))),
        Col::Status => match (r.status, r.response_code) {
            (Some(s), Some(c)) if c != 0 => Some(format!("mapihttp.exchange.status == {s} && mapihttp.response_code == {c}")),
            (Some(s), _) => Some(format!("mapihttp.exchange.status == {s}")),
            _ => None,
        },
        Col::Summary => r.rops.first().map(|x| format!("mapihttp.exchange.rop == {}", quote(x))),
        Col::Time | Col::Duration => None,
    }
}

/// "Apply as filter" on an HTTP header line of the tree (`X-RequestType: Execute`): the
/// exchange-level key that holds the header's value ([MS-OXCMAPIHTTP] 2.2.3.3), if there is one.
pub fn header_filter(line: &str) -> Option<String> {
    let (name, value) = line.split_once(": ")?;
    let key = match name.to_ascii_lowercase().as_str() {
        "x-requesttype" => "mapihttp.request_type",
        "x-requestid" => "mapihttp.exchange.request_id",
        "x-clientinfo" => "mapihttp.exchange.client_info",
        "x-responsecode" => return value.trim().parse::<u32>().ok().map(|c| format!("mapihttp.response_code == {c}")),
        _ => return None,
    };
    Some(format!("{key} == {}", quote(value.trim())))
}

fn cmp_f64(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    a.unwrap_or(f64::NEG_INFINITY).total_cmp(&b.unwrap_or(f64::NEG_INFINITY))
}

/// Text of the summary column.
pub fn summary_text(r: &Row) -> String {
    match &r.summary {
        Some(s) if !s.is_empty() => s.clone(),
        _ if !r.rops.is_empty() => r.rops.join(", "),
        _ => match (&r.method, &r.uri) {
            (Some(m), Some(u)) => format!("{m} {u}"),
            _ => String::new(),
        },
    }
}

/// The displayed rows: those in `matches` (the worker's answer for the applied filter, ascending;
/// all when None) that have arrived, sorted by `col` (ties by index).
pub fn view(rows: &[Row], matches: Option<&[u32]>, col: Col, descending: bool) -> Vec<usize> {
    let mut v: Vec<usize> = match matches {
        Some(m) => m.iter().map(|&i| i as usize).filter(|&i| i < rows.len()).collect(),
        None => (0..rows.len()).collect(),
    };
    if col != Col::No {
        v.sort_by(|&a, &b| {
            let (Some(x), Some(y)) = (rows.get(a), rows.get(b)) else { return std::cmp::Ordering::Equal };
            let o = match col {
                Col::No => std::cmp::Ordering::Equal,
                Col::Time => cmp_f64(x.time, y.time),
                Col::Session => x.session.cmp(&y.session),
                Col::Endpoint => x.endpoint.cmp(&y.endpoint),
                Col::Type => x.request_type.cmp(&y.request_type),
                Col::Summary => summary_text(x).cmp(&summary_text(y)),
                Col::Status => (x.status, x.response_code).cmp(&(y.status, y.response_code)),
                Col::Duration => cmp_f64(x.duration, y.duration),
            };
            o.then(x.index.cmp(&y.index))
        });
    }
    if descending {
        v.reverse();
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: usize, rt: &str, rops: &[&str], session: u32, status: u32, sev: Option<&str>) -> Row {
        Row {
            index: i,
            request_type: Some(rt.into()),
            rops: rops.iter().map(|s| s.to_string()).collect(),
            session: Some(session),
            status: Some(status),
            severity: sev.map(String::from),
            duration: Some(i as f64 * 0.5),
            ..Row::default()
        }
    }

    fn rows() -> Vec<Row> {
        vec![
            row(0, "Connect", &[], 0, 200, None),
            row(1, "Execute", &["RopLogon", "RopGetPropertiesSpecific"], 0, 200, Some("warning")),
            row(2, "Bind", &[], 1, 200, None),
            row(3, "Execute", &["RopQueryRows"], 0, 500, Some("error")),
        ]
    }

    fn fields() -> Vec<FieldInfo> {
        ["mapihttp.request_type", "mapihttp.rop.id", "mapihttp.rop.queryrows", "mapihttp.rop.queryrows.flags", "mapihttp.rop.release", "mapihttp.session"]
            .iter()
            .map(|k| FieldInfo { key: k.to_string(), ..FieldInfo::default() })
            .collect()
    }

    #[test]
    fn view_keeps_matches_and_sorts_with_ties_by_index() {
        let r = rows();
        assert_eq!(view(&r, None, Col::No, false), [0, 1, 2, 3]);
        assert_eq!(view(&r, Some(&[1, 3, 9]), Col::No, false), [1, 3]);
        assert_eq!(view(&r, Some(&[]), Col::No, false), Vec::<usize>::new());
        assert_eq!(view(&r, None, Col::Type, false), [2, 0, 1, 3]);
        assert_eq!(view(&r, None, Col::Duration, true), [3, 2, 1, 0]);
        assert_eq!(view(&r, None, Col::Status, false), [0, 1, 2, 3]);
        assert_eq!(summary_text(&r[1]), "RopLogon, RopGetPropertiesSpecific");
    }

    fn check(text: &str, json: &str) -> Check {
        Check::read(text, &serde_json::from_str::<serde_json::Value>(json).unwrap_or_default())
    }

    #[test]
    fn check_verdicts() {
        assert_eq!(check("x == 1", r#"{"valid":true,"empty":false,"needs_dissection":true}"#), Check::Valid { needs_dissection: true });
        assert_eq!(check(" ", r#"{"valid":true,"empty":true,"needs_dissection":false}"#), Check::Empty);
        let bad = check("mapihttp.rop.quer", r#"{"valid":false,"start":0,"end":17,"message":"unknown field","suggestion":"mapihttp.rop.abort","headline":"unknown field (did you mean \"mapihttp.rop.abort\"?)"}"#);
        assert_eq!(bad, Check::Invalid { start: 0, end: 17, headline: "unknown field (did you mean \"mapihttp.rop.abort\"?)".into() });
        assert_eq!(bad.class(), "f-bad");
        assert!(matches!(check("x", "not json"), Check::Invalid { .. }));
    }

    #[test]
    fn finds_the_key_being_typed() {
        assert_eq!(word_at("mapihttp.rop.quer", 17), Some((0, 17, "mapihttp.rop.quer".into())));
        let t = "mapihttp.rop.id == RopQueryRows && mapihttp.ses";
        let n = t.len();
        assert_eq!(word_at(t, n), Some((35, n, "mapihttp.ses".into())));
        // The whole key is replaced even with the cursor in its middle.
        assert_eq!(word_at("a && mapihttp.rop.id", 10), Some((5, 20, "mapih".into())));
        assert_eq!(word_at(r#"x == "mapihttp.ro"#, 17), None, "inside a string");
        assert_eq!(word_at(r#"x == "a\"b" && mapi"#, 19), Some((15, 19, "mapi".into())));
        assert_eq!(word_at("x == 0x15", 9), None, "a number");
        assert_eq!(word_at("«é» mapi", 8), Some((4, 8, "mapi".into())), "UTF-16 offsets");
        assert_eq!(word_at("", 0), None);
    }

    #[test]
    fn completes_keys() {
        let f = fields();
        let keys = |p: &str| completions(&f, p, 10).iter().map(|&i| f[i].key.clone()).collect::<Vec<_>>();
        assert_eq!(keys("mapihttp.rop.quer"), ["mapihttp.rop.queryrows", "mapihttp.rop.queryrows.flags"]);
        assert_eq!(keys("mapihttp.rop."), ["mapihttp.rop.id", "mapihttp.rop.queryrows", "mapihttp.rop.release", "mapihttp.rop.queryrows.flags"]);
        assert_eq!(keys("MAPIHTTP.SES"), ["mapihttp.session"]);
        assert_eq!(keys("mapihttp.session"), Vec::<String>::new(), "already complete");
        assert_eq!(keys("m"), Vec::<String>::new(), "too short");
        assert_eq!(completions(&f, "mapihttp.", 2).len(), 2);
        assert_eq!(complete("a && mapih.x || b", 5, 12, "mapihttp.session"), ("a && mapihttp.session || b".into(), 21));
    }

    #[test]
    fn history_is_recent_first_without_duplicates() {
        let mut h = Vec::new();
        remember(&mut h, "a");
        remember(&mut h, "b");
        remember(&mut h, " a ");
        remember(&mut h, "");
        assert_eq!(h, ["a", "b"]);
        for i in 0..40 {
            remember(&mut h, &format!("f{i}"));
        }
        assert_eq!(h.len(), HISTORY_MAX);
        assert_eq!(h[0], "f39");
    }

    #[test]
    fn builds_filters_from_nodes_and_cells() {
        assert_eq!(combine(Combine::Selected, "x", "a == 1"), "a == 1");
        assert_eq!(combine(Combine::NotSelected, "x", "a == 1"), "!(a == 1)");
        assert_eq!(combine(Combine::And, "x", "a == 1"), "(x) && (a == 1)");
        assert_eq!(combine(Combine::Or, " ", "a == 1"), "a == 1");
        assert_eq!(combine(Combine::AndNot, "x", "a"), "(x) && !(a)");
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        let r = rows();
        assert_eq!(cell_filter(Col::Type, &r[1]).as_deref(), Some(r#"mapihttp.request_type == "Execute""#));
        assert_eq!(cell_filter(Col::No, &r[1]).as_deref(), Some("mapihttp.exchange.number == 2"));
        assert_eq!(cell_filter(Col::Session, &r[2]).as_deref(), Some("mapihttp.session == 1"));
        assert_eq!(cell_filter(Col::Summary, &r[3]).as_deref(), Some(r#"mapihttp.exchange.rop == "RopQueryRows""#));
        assert_eq!(cell_filter(Col::Time, &r[3]), None);
        assert_eq!(Col::from_class("c-type"), Some(Col::Type));
        assert_eq!(header_filter("X-RequestType: Execute").as_deref(), Some(r#"mapihttp.request_type == "Execute""#));
        assert_eq!(header_filter("X-ResponseCode: 10").as_deref(), Some("mapihttp.response_code == 10"));
        assert_eq!(header_filter("x-requestid: {A}:3").as_deref(), Some(r#"mapihttp.exchange.request_id == "{A}:3""#));
        assert_eq!(header_filter("Host: x"), None);
    }
}
