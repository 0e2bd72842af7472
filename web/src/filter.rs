//! The list filter: space-separated terms, all of which must match (AND).
//!
//! | term | matches |
//! |---|---|
//! | `type:Execute` (`rt:`) | the request type (case-insensitive, exact) |
//! | `rop:RopLogon` | a ROP name in the exchange (case-insensitive, substring) |
//! | `session:3` (`s:`) | the session index |
//! | `status:500` | the HTTP status |
//! | `sev:error` | the worst diagnostic severity (error, warning, note, chat) |
//! | `!term` | the term does not match |
//! | anything else | free text: a substring of type, ROP names, summary, URI, endpoint, method, status |
//!
//! The full display-filter language has its own issue; this covers the common questions.

use crate::model::{severity_rank, Row};

#[derive(Clone, Debug, PartialEq)]
enum Term {
    Type(String),
    Rop(String),
    Session(Option<u32>),
    Status(Option<u32>),
    Severity(u8),
    Text(String),
}

/// A parsed filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    terms: Vec<(bool, Term)>,
}

impl Filter {
    pub fn parse(text: &str) -> Filter {
        let mut terms = Vec::new();
        for raw in text.split_whitespace() {
            let (neg, t) = match raw.strip_prefix('!') {
                Some(rest) if !rest.is_empty() => (true, rest),
                _ => (false, raw),
            };
            let lower = t.to_ascii_lowercase();
            let term = match lower.split_once(':') {
                Some(("type" | "rt", v)) => Term::Type(v.to_string()),
                Some(("rop", v)) => Term::Rop(v.to_string()),
                Some(("session" | "s", v)) => Term::Session(v.parse().ok()),
                Some(("status", v)) => Term::Status(v.parse().ok()),
                Some(("sev" | "severity", v)) => Term::Severity(severity_rank(Some(v))),
                _ => Term::Text(lower),
            };
            terms.push((neg, term));
        }
        Filter { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, r: &Row) -> bool {
        self.terms.iter().all(|(neg, t)| term_matches(t, r) != *neg)
    }
}

fn eq_ci(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.eq_ignore_ascii_case(b))
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

fn term_matches(t: &Term, r: &Row) -> bool {
    match t {
        Term::Type(v) => eq_ci(r.request_type.as_deref(), v),
        Term::Rop(v) => r.rops.iter().any(|n| contains_ci(n, v)),
        Term::Session(v) => v.is_some() && r.session == *v,
        Term::Status(v) => v.is_some() && r.status == *v,
        Term::Severity(v) => *v > 0 && severity_rank(r.severity.as_deref()) == *v,
        Term::Text(v) => {
            let fields = [r.request_type.as_deref(), r.summary.as_deref(), r.uri.as_deref(), r.endpoint.as_deref(), r.method.as_deref(), r.response_code_name.as_deref()];
            fields.iter().flatten().any(|f| contains_ci(f, v))
                || r.rops.iter().any(|n| contains_ci(n, v))
                || r.status.is_some_and(|s| s.to_string() == *v)
        }
    }
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

/// The indices of the rows that pass `filter`, sorted by `col` (ties by index).
pub fn view(rows: &[Row], filter: &Filter, col: Col, descending: bool) -> Vec<usize> {
    let mut v: Vec<usize> = (0..rows.len()).filter(|&i| rows.get(i).is_some_and(|r| filter.matches(r))).collect();
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

    #[test]
    fn filters_by_each_term() {
        let r = rows();
        let f = |s: &str| view(&r, &Filter::parse(s), Col::No, false);
        assert_eq!(f(""), [0, 1, 2, 3]);
        assert_eq!(f("type:execute"), [1, 3]);
        assert_eq!(f("rop:logon"), [1]);
        assert_eq!(f("session:1"), [2]);
        assert_eq!(f("s:x"), Vec::<usize>::new());
        assert_eq!(f("status:500"), [3]);
        assert_eq!(f("sev:warning"), [1]);
        assert_eq!(f("queryrows"), [3]);
        assert_eq!(f("execute !rop:queryrows"), [1]);
        assert_eq!(f("500"), [3]);
    }

    #[test]
    fn sorts_with_ties_by_index() {
        let r = rows();
        assert_eq!(view(&r, &Filter::default(), Col::Type, false), [2, 0, 1, 3]);
        assert_eq!(view(&r, &Filter::default(), Col::Duration, true), [3, 2, 1, 0]);
        assert_eq!(view(&r, &Filter::default(), Col::Status, false), [0, 1, 2, 3]);
        assert_eq!(summary_text(&r[1]), "RopLogon, RopGetPropertiesSpecific");
    }
}
