//! The Statistics view: the `mapiscope stats --json` report of the displayed exchanges (computed by
//! the worker) as tables, and three charts drawn as inline SVG with presentation attributes only
//! (no `style` attribute, nothing fetched): requests over time stacked by request type (from the
//! list rows), the response-time distribution (the rows' durations, log-spaced bins) and the ROP
//! histogram (from the report). Tooltips are SVG `<title>` elements.

use yew::prelude::*;

use crate::bridge::Json;

use crate::filter::quote;
use crate::model::Row;

/// One line of a service-response-time table (seconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Srt {
    pub name: String,
    pub count: u64,
    pub errors: u64,
    pub min: Option<f64>,
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub max: Option<f64>,
}

/// A histogram line: an X-ResponseCode (`code`) or a ROP ReturnValue (`value`), its name, its count.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeCount {
    pub code: u64,
    pub name: String,
    pub count: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionStat {
    pub index: u64,
    pub user: Option<String>,
    pub endpoint: Option<String>,
    pub duration: Option<f64>,
    pub requests: u64,
    pub reconnects: u64,
    pub pending: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bytes {
    pub endpoint: String,
    pub exchanges: u64,
    pub request: u64,
    pub response: u64,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Compression {
    pub units: u64,
    pub compressed: u64,
    pub size: u64,
    pub size_actual: u64,
    pub ratio: Option<f64>,
}

/// `Capture.statsReport` = `mapiscope stats --json`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub exchanges: u64,
    pub request_types: Vec<Srt>,
    pub rops: Vec<Srt>,
    pub response_codes: Vec<CodeCount>,
    pub return_values: Vec<CodeCount>,
    pub sessions: Vec<SessionStat>,
    pub bytes: Vec<Bytes>,
    pub compression: [Compression; 2],
}

impl Report {
    pub fn read<J: Json>(j: &J) -> Report {
        let srt = |x: &J| Srt {
            name: x.s("name").unwrap_or_default(),
            count: x.u("count"),
            errors: x.u("errors"),
            min: x.f("min"),
            mean: x.f("mean"),
            p50: x.f("p50"),
            p95: x.f("p95"),
            max: x.f("max"),
        };
        let code = |k: &'static str| move |x: &J| CodeCount { code: x.u(k), name: x.s("name").unwrap_or_default(), count: x.u("count") };
        let comp = |x: J| Compression { units: x.u("units"), compressed: x.u("compressed"), size: x.u("size"), size_actual: x.u("size_actual"), ratio: x.f("ratio") };
        let c = j.field("compression");
        Report {
            exchanges: j.u("exchanges"),
            request_types: j.list("request_types").iter().map(srt).collect(),
            rops: j.list("rops").iter().map(srt).collect(),
            response_codes: j.list("response_codes").iter().map(code("code")).collect(),
            return_values: j.list("return_values").iter().map(code("value")).collect(),
            sessions: j
                .list("sessions")
                .iter()
                .map(|x| SessionStat {
                    index: x.u("index"),
                    user: x.s("user"),
                    endpoint: x.s("endpoint"),
                    duration: x.f("duration"),
                    requests: x.u("requests"),
                    reconnects: x.u("reconnects"),
                    pending: x.u("pending"),
                })
                .collect(),
            bytes: j
                .list("bytes")
                .iter()
                .map(|x| Bytes { endpoint: x.s("endpoint").unwrap_or_default(), exchanges: x.u("exchanges"), request: x.u("request"), response: x.u("response") })
                .collect(),
            compression: [comp(c.field("request")), comp(c.field("response"))],
        }
    }
}

/// Seconds as the tables show them.
pub fn secs(v: Option<f64>) -> String {
    match v {
        Some(s) if s < 1.0 => format!("{:.1} ms", s * 1000.0),
        Some(s) => format!("{s:.3} s"),
        None => "—".into(),
    }
}

/// The series of the time chart: the request types by count (at most `max`; the rest go to
/// "other"), and each point's series.
pub fn series(types: &[Option<&str>], max: usize) -> (Vec<String>, Vec<usize>) {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for t in types {
        let t = t.unwrap_or("HTTP");
        match counts.iter_mut().find(|(n, _)| n == t) {
            Some(c) => c.1 += 1,
            None => counts.push((t.to_string(), 1)),
        }
    }
    counts.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut names: Vec<String> = counts.iter().take(max).map(|(n, _)| n.clone()).collect();
    let other = counts.len() > max;
    if other {
        names.push("other".into());
    }
    let idx = types
        .iter()
        .map(|t| {
            let t = t.unwrap_or("HTTP");
            names.iter().position(|n| n == t).unwrap_or(names.len().saturating_sub(1))
        })
        .collect();
    (names, idx)
}

/// Counts per time bin and series: `nbins` equal bins over `[min, max]` of the times; returns
/// (start, bin width, counts[bin][series]).
pub fn time_bins(points: &[(f64, usize)], nseries: usize, nbins: usize) -> (f64, f64, Vec<Vec<u32>>) {
    let nbins = nbins.max(1);
    let lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let mut bins = vec![vec![0u32; nseries]; nbins];
    if !lo.is_finite() {
        return (0.0, 1.0, bins);
    }
    let width = if hi > lo { (hi - lo) / nbins as f64 } else { 1.0 };
    for &(t, s) in points {
        let b = (((t - lo) / width) as usize).min(nbins - 1);
        if let Some(c) = bins.get_mut(b).and_then(|r| r.get_mut(s)) {
            *c += 1;
        }
    }
    (lo, width, bins)
}

/// Upper edges (seconds) of the response-time bins, 1-2-5 steps from 1 ms; the last bin is open.
pub const DURATION_EDGES: [f64; 15] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0];

fn edge_label(s: f64) -> String {
    if s < 1.0 {
        format!("{} ms", (s * 1000.0).round())
    } else {
        format!("{s} s")
    }
}

/// Label and count of each response-time bin (`< 1 ms`, `1–2 ms`, …, `≥ 50 s`).
pub fn duration_bins(durations: &[f64]) -> Vec<(String, u32)> {
    let mut counts = vec![0u32; DURATION_EDGES.len() + 1];
    for &d in durations {
        let b = DURATION_EDGES.iter().position(|&e| d < e).unwrap_or(DURATION_EDGES.len());
        if let Some(c) = counts.get_mut(b) {
            *c += 1;
        }
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let label = match (i.checked_sub(1).and_then(|p| DURATION_EDGES.get(p)), DURATION_EDGES.get(i)) {
                (None, Some(&e)) => format!("< {}", edge_label(e)),
                (Some(&a), Some(&e)) => format!("{}–{}", edge_label(a), edge_label(e)),
                (Some(&a), None) => format!("≥ {}", edge_label(a)),
                (None, None) => String::new(),
            };
            (label, c)
        })
        .collect()
}

/// The power of ten at or below `v` (> 0), without libm's `pow`/`log10`.
fn decade(v: f64) -> f64 {
    let mut p = 1.0;
    while p * 10.0 <= v {
        p *= 10.0;
    }
    while p > v && p > 1e-12 {
        p /= 10.0;
    }
    p
}

/// A "nice" axis maximum (1, 2, 5 × 10ⁿ) at or above `v`.
pub fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = decade(v);
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

// One code path per SVG element kind (each `html!` site is code of its own).
#[inline(never)]
fn text(class: &'static str, x: f64, y: f64, anchor: &'static str, t: String) -> Html {
    html! { <text class={class} x={f(x)} y={f(y)} text-anchor={anchor}>{ t }</text> }
}

/// A bar with its tooltip.
#[inline(never)]
fn rect(class: String, x: f64, y: f64, w: f64, h: f64, tip: String) -> Html {
    html! { <rect class={class} x={f(x)} y={f(y)} width={f(w)} height={f(h)}><title>{ tip }</title></rect> }
}

/// A horizontal line across the plot area.
#[inline(never)]
fn hline(class: &'static str, y: f64) -> Html {
    html! { <line class={class} x1={f(L)} x2={f(W - R)} y1={f(y)} y2={f(y)} /> }
}

const W: f64 = 640.0;
const H: f64 = 230.0;
const L: f64 = 44.0;
const R: f64 = 12.0;
const T: f64 = 26.0;
const B: f64 = 40.0;

/// Tick count for an axis maximum from [`nice_max`]: steps of 1 or 2 units of its leading digit.
fn ticks_for(max: f64) -> u32 {
    let lead = max / decade(max);
    if (lead - 2.0).abs() < 1e-9 {
        4
    } else {
        5
    }
}

fn y_axis(max: f64, title: &str) -> Html {
    let n = ticks_for(max);
    let ticks = (0..=n).map(|k| {
        let v = max * f64::from(k) / f64::from(n);
        let y = H - B - (H - T - B) * f64::from(k) / f64::from(n);
        let label = if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") };
        html! {
            <>
                { hline("grid", y) }
                { text("tick", L - 4.0, y + 4.0, "end", label) }
            </>
        }
    });
    html! {
        <>
            { for ticks }
            <text class="axis-title" x="12" y={f((H - B + T) / 2.0)} text-anchor="middle" transform={format!("rotate(-90 12 {})", f((H - B + T) / 2.0))}>{ title.to_string() }</text>
        </>
    }
}

/// Requests over time, stacked by request type.
pub fn time_chart(rows: &[&Row], t0: Option<f64>) -> Html {
    let pts: Vec<&Row> = rows.iter().copied().filter(|r| r.time.is_some()).collect();
    let types: Vec<Option<&str>> = pts.iter().map(|r| r.request_type.as_deref().or(r.kind.as_deref())).collect();
    let (names, idx) = series(&types, 8);
    let t0 = t0.unwrap_or(0.0);
    let points: Vec<(f64, usize)> = pts.iter().zip(&idx).map(|(r, &s)| (r.time.unwrap_or(0.0) - t0, s)).collect();
    let nbins = 40;
    let (lo, width, bins) = time_bins(&points, names.len(), nbins);
    let peak = bins.iter().map(|b| b.iter().sum::<u32>()).max().unwrap_or(0);
    let ymax = nice_max(f64::from(peak));
    let bw = (W - L - R) / nbins as f64;
    let sy = (H - T - B) / ymax;
    let bars = bins.iter().enumerate().map(|(b, counts)| {
        let mut y = H - B;
        let x = L + bw * b as f64;
        let from = lo + width * b as f64;
        let segs = counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(s, &c)| {
            let h = f64::from(c) * sy;
            y -= h;
            let tip = format!("{}: {c} request{} at {:.1}–{:.1} s", names.get(s).map_or("", String::as_str), if c == 1 { "" } else { "s" }, from, from + width);
            rect(format!("s{s}"), x + 0.5, y, (bw - 1.0).max(0.5), h, tip)
        }).collect::<Html>();
        segs
    });
    let span = width * nbins as f64;
    let xt = (0..=4).map(|k| {
        let v = lo + span * f64::from(k) / 4.0;
        let x = L + (W - L - R) * f64::from(k) / 4.0;
        let anchor = match k {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let label = if span >= 20.0 { format!("{v:.0}") } else { format!("{v:.1}") };
        text("tick", x, H - B + 14.0, anchor, label)
    });
    let legend = names.iter().enumerate().map(|(k, n)| {
        html! {
            <span class="legend-item">
                <svg class="swatch" viewBox="0 0 10 10" width="10" height="10"><rect class={format!("s{k}")} x="0" y="0" width="10" height="10" /></svg>
                { n.clone() }
            </span>
        }
    });
    html! {
        <>
        <svg class="chart" id="chart-time" viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Requests over time by request type">
            { text("chart-title", L, 16.0, "start", "Requests over time, by request type".into()) }
            { y_axis(ymax, "requests") }
            { for bars }
            { hline("axis", H - B) }
            { for xt }
            { text("axis-title", W - R, H - B + 30.0, "end", "seconds since the first exchange".into()) }
        </svg>
        <div class="legend" id="chart-time-legend">{ for legend }</div>
        </>
    }
}

/// Response-time distribution (the rows' durations).
pub fn duration_chart(rows: &[&Row]) -> Html {
    let d: Vec<f64> = rows.iter().filter_map(|r| r.duration).collect();
    let bins = duration_bins(&d);
    let peak = bins.iter().map(|b| b.1).max().unwrap_or(0);
    let ymax = nice_max(f64::from(peak));
    let n = bins.len() as f64;
    let bw = (W - L - R) / n;
    let sy = (H - T - B) / ymax;
    let bars = bins.iter().enumerate().map(|(i, (label, c))| {
        let h = f64::from(*c) * sy;
        let x = L + bw * i as f64;
        html! {
            <g>
                { rect("s0".into(), x + 1.0, H - B - h, bw - 2.0, h, format!("{label}: {c} exchange{}", if *c == 1 { "" } else { "s" })) }
                if i % 2 == 0 {
                    { text("tick", x + bw / 2.0, H - B + 14.0, "middle", label.split('–').next().unwrap_or("").trim_start_matches("< ").to_string()) }
                }
            </g>
        }
    });
    html! {
        <svg class="chart" id="chart-duration" viewBox={format!("0 0 {W} {H}")} role="img" aria-label="Response time distribution">
            { text("chart-title", L, 16.0, "start", format!("Response time distribution ({} exchanges with a duration)", d.len())) }
            { y_axis(ymax, "exchanges") }
            { for bars }
            { hline("axis", H - B) }
            { text("axis-title", W - R, H - B + 30.0, "end", "response time (log-spaced bins: lower edge shown)".into()) }
        </svg>
    }
}

/// Horizontal bars: one per item (label, count), sorted as given.
pub fn bar_chart(id: &'static str, title: &str, items: &[(String, u64)], unit: &str) -> Html {
    let row_h = 18.0;
    let lw = 190.0;
    let h = T + row_h * items.len().max(1) as f64 + 8.0;
    let max = nice_max(items.iter().map(|i| i.1).max().unwrap_or(0) as f64);
    let bars = items.iter().enumerate().map(|(k, (label, c))| {
        let y = T + row_h * k as f64;
        let w = (W - lw - R - 40.0) * (*c as f64) / max;
        html! {
            <g>
                { text("tick", lw - 6.0, y + 12.0, "end", label.clone()) }
                { rect("s1".into(), lw, y + 2.0, w.max(1.0), row_h - 5.0, format!("{label}: {c} {unit}")) }
                { text("value", lw + w + 4.0, y + 12.0, "start", c.to_string()) }
            </g>
        }
    });
    html! {
        <svg class="chart" id={id} viewBox={format!("0 0 {W} {}", f(h))} role="img" aria-label={title.to_string()}>
            { text("chart-title", 8.0, 16.0, "start", title.to_string()) }
            if items.is_empty() {
                { text("tick", 8.0, T + 12.0, "start", "none".into()) }
            }
            { for bars }
        </svg>
    }
}

/// One line of a [`table`]: its cells and the filter a click applies (None: not clickable).
pub type Line = (Vec<String>, Option<String>);

/// A table; columns whose bit is set in `num` are right-aligned numbers. Each line carries its
/// first cell as `data-key`.
pub fn table(id: &'static str, heads: &[&str], num: u32, lines: Vec<Line>, apply: &Callback<String>) -> Html {
    let head = heads.iter().map(|h| html! { <th>{ h.to_string() }</th> });
    let body = lines.into_iter().map(|(cells, fl)| {
        let key = cells.first().cloned().unwrap_or_default();
        let title = fl.as_ref().map(|f| format!("Click: apply {f}"));
        let onclick = fl.map(|f| apply.reform(move |_| f.clone()));
        let tds = cells.into_iter().enumerate().map(|(k, c)| html! { <td class={classes!((num >> k & 1 == 1).then_some("num"))}>{ c }</td> });
        html! { <tr data-key={key} {onclick} {title}>{ for tds }</tr> }
    });
    html! {
        <table class="stat" id={id}>
            <thead><tr>{ for head }</tr></thead>
            <tbody>{ for body }</tbody>
        </table>
    }
}

/// A service-response-time table; a click on a line applies a filter for it.
pub fn srt_table(id: &'static str, first: &str, lines: &[Srt], filter_of: fn(&str) -> String, apply: &Callback<String>) -> Html {
    let lines = lines
        .iter()
        .map(|s| {
            let cells = vec![s.name.clone(), s.count.to_string(), s.errors.to_string(), secs(s.min), secs(s.mean), secs(s.p50), secs(s.p95), secs(s.max)];
            (cells, Some(filter_of(&s.name)))
        })
        .collect();
    table(id, &[first, "Count", "Errors", "Min", "Mean", "p50", "p95", "Max"], 0b1111_1110, lines, apply)
}

pub fn request_type_filter(name: &str) -> String {
    format!("mapihttp.request_type == {}", quote(name))
}

pub fn rop_filter(name: &str) -> String {
    format!("mapihttp.rop.id == {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stats_json() {
        let j = r#"{"exchanges":3,"request_types":[{"name":"Execute","count":2,"errors":1,"min":0.002,"mean":0.03,"p50":0.03,"p95":0.07,"max":0.07}],
            "rops":[],"response_codes":[{"code":0,"name":"Success","count":3}],"return_values":[{"value":0,"name":"Success","count":4}],
            "sessions":[{"index":0,"user":"u","endpoint":"emsmdb","duration":1.5,"requests":3,"reconnects":0,"pending":1}],
            "bytes":[{"endpoint":"emsmdb","exchanges":3,"request":10,"response":20}],
            "compression":{"request":{"units":1,"compressed":1,"size":5,"size_actual":10,"ratio":2.0},"response":{"units":0,"compressed":0,"size":0,"size_actual":0,"ratio":null}}}"#;
        let r = Report::read(&serde_json::from_str::<serde_json::Value>(j).unwrap());
        assert_eq!(r.exchanges, 3);
        assert_eq!(r.request_types[0].count, 2);
        assert_eq!(r.request_types[0].errors, 1);
        assert_eq!(r.request_types[0].p95, Some(0.07));
        assert_eq!(r.response_codes[0], CodeCount { code: 0, name: "Success".into(), count: 3 });
        assert_eq!(r.return_values[0].count, 4);
        assert_eq!(r.sessions[0].pending, 1);
        assert_eq!(r.sessions[0].user.as_deref(), Some("u"));
        assert_eq!(r.bytes[0].response, 20);
        assert_eq!(r.compression[0].ratio, Some(2.0));
        assert_eq!(r.compression[1].ratio, None);
        assert_eq!(secs(Some(0.0125)), "12.5 ms");
        assert_eq!(secs(Some(2.0)), "2.000 s");
    }

    #[test]
    fn bins_requests_over_time() {
        let (names, idx) = series(&[Some("Execute"), Some("Connect"), Some("Execute"), None], 8);
        assert_eq!(names, ["Execute", "Connect", "HTTP"]);
        assert_eq!(idx, [0, 1, 0, 2]);
        let (names, idx) = series(&[Some("A"), Some("B"), Some("B"), Some("C")], 1);
        assert_eq!(names, ["B", "other"]);
        assert_eq!(idx, [1, 0, 0, 1]);
        let (lo, w, bins) = time_bins(&[(10.0, 0), (20.0, 1), (30.0, 0), (15.0, 0)], 2, 4);
        assert_eq!((lo, w), (10.0, 5.0));
        assert_eq!(bins, [vec![1, 0], vec![1, 0], vec![0, 1], vec![1, 0]]);
        let total: u32 = bins.iter().flatten().sum();
        assert_eq!(total, 4);
        let (_, _, one) = time_bins(&[(5.0, 0), (5.0, 0)], 1, 3);
        assert_eq!(one, [vec![2], vec![0], vec![0]]);
        assert_eq!(time_bins(&[], 1, 2).2, [vec![0], vec![0]]);
    }

    #[test]
    fn bins_response_times() {
        let b = duration_bins(&[0.0005, 0.0015, 0.03, 0.031, 21.0, 99.0]);
        assert_eq!(b.len(), 16);
        assert_eq!(b[0], ("< 1 ms".to_string(), 1));
        assert_eq!(b[1], ("1 ms–2 ms".to_string(), 1));
        assert_eq!(b[5].1, 2);
        assert_eq!(b[14], ("20 s–50 s".to_string(), 1));
        assert_eq!(b[15], ("≥ 50 s".to_string(), 1));
        assert_eq!(b.iter().map(|x| x.1).sum::<u32>(), 6);
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(40.0), 50.0);
        assert_eq!((ticks_for(1.0), ticks_for(20.0), ticks_for(50.0), ticks_for(0.5)), (5, 4, 5, 5));
    }
}
