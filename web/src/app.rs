//! The viewer: one component holding the whole state (captures, list view, selected exchange, tree,
//! bytes) and the three linked panes, the side panel (sessions, expert info, capture) and dialogs.
//!
//! Layout sizes and virtual-scroll offsets are CSS custom properties set through the CSSOM in
//! [`App::rendered`] (never `style` attributes, so the Content-Security-Policy needs no
//! `'unsafe-inline'`). Capture text is only ever rendered as text nodes.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, Element, HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::bridge::{get, get_f64, get_str, parse_json, Bridge, Reply};
use crate::filter::{summary_text, view, Check, Col, Combine};
use crate::model::{list, severity_rank, Diag, Exchange, FieldInfo, Row, Session, Summary, REQUEST_TYPES};
use crate::tree::Tree;

// The filter bar, context menus, copy, exports and the Statistics view (same `App`, own file).
#[path = "panels.rs"]
mod panels;
pub use panels::{Job, Menu, MenuAction, MainView, StatsState};

const ROW_H: f64 = 20.0;
const TREE_H: f64 = 20.0;
const BYTES_H: f64 = 18.0;
const OVERSCAN: usize = 6;
const SAMPLE: &str = "outlook.pcapng";

/// One opened capture.
pub struct Loaded {
    cap: u32,
    name: String,
    format: String,
    bytes: f64,
    ms: f64,
    summary: Summary,
    rows: Vec<Row>,
    sessions: Vec<Session>,
    diags: Vec<Diag>,
    sample: bool,
    t0: Option<f64>,
    /// All rows have arrived (the first ones come with the open reply, the rest just after).
    complete: bool,
    /// The exchanges matching the display filter `matched` (ascending; None: all).
    matches: Option<Rc<Vec<u32>>>,
    matched: String,
    /// The latest `filter` request for this capture.
    filter_req: u32,
}

/// A capture being read.
struct Loading {
    id: u32,
    name: String,
    phase: String,
    done: f64,
    total: f64,
    sample: bool,
    /// The input, kept to retry as a bare body.
    file: Option<JsValue>,
    text: Option<String>,
}

/// The selected exchange.
struct ExState {
    index: usize,
    x: Exchange,
    tree: Tree,
    sel: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Pane {
    List = 0,
    Tree = 1,
    Bytes = 2,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Split {
    List,
    Tree,
    Side,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Sessions,
    Expert,
    Capture,
}

/// The request-type dialog for a bare hex/base64 body.
struct Bare {
    name: String,
    file: Option<JsValue>,
    text: Option<String>,
    rtype: String,
    dir: String,
}

pub enum Msg {
    Worker(Reply),
    OpenFiles(Vec<web_sys::File>),
    OpenSample,
    OpenText(String),
    PickFile,
    FileChosen,
    /// The filter bar's text and cursor (UTF-16) as typed.
    FilterInput(String, usize),
    FilterKey(KeyboardEvent),
    /// Set the filter text; apply it when true.
    SetFilter(String, bool),
    ApplyFilter,
    ClearFilter,
    PickCompletion(usize),
    ToggleHistory,
    CloseDropdowns,
    StopJob,
    /// Right-click (or the ⋯ button) on a tree node: node, x, y.
    TreeMenu(usize, f64, f64),
    /// Right-click on a list cell: row, column, x, y.
    ListMenu(usize, Col, f64, f64),
    CloseMenu,
    Menu(MenuAction),
    Toast(u32),
    View(MainView),
    RefreshStats,
    ToggleExport,
    Export(&'static str, bool),
    ExportFields(String),
    ExportDialog(bool),
    Sort(Col),
    Scroll(Pane, f64),
    Redraw,
    SelectRow(usize),
    SelectNode(usize),
    ToggleNode(usize),
    ExpandAll(bool),
    Tab(u32),
    ClickByte(usize),
    Key(KeyboardEvent),
    Focus(Pane),
    SplitStart(Split, f64, f64),
    SplitMove(f64, f64),
    SplitEnd,
    Side(Side),
    ToggleSide,
    DismissError,
    SwitchFile(usize),
    BareType(String),
    BareDir(String),
    BareOk,
    BareCancel,
    Hash,
    DragOver(bool),
    JumpDiag(Diag),
}

pub struct App {
    bridge: Option<Bridge>,
    files: Vec<Loaded>,
    cur: Option<usize>,
    loading: Vec<Loading>,
    error: Option<String>,
    filter_text: String,
    filter_cursor: usize,
    want_cursor: Option<usize>,
    check: Check,
    check_req: u32,
    /// The filter applied to the list (the bar may hold an edited text).
    applied: String,
    history: Vec<String>,
    show_history: bool,
    fields: Rc<Vec<FieldInfo>>,
    fields_asked: bool,
    /// Completion: indices into `fields`, the highlighted one, the word's UTF-16 span.
    comp: Vec<usize>,
    comp_sel: Option<usize>,
    comp_word: (usize, usize),
    job: Option<Job>,
    menu: Option<Menu>,
    node_req: Option<(u32, MenuAction)>,
    toast: Option<(u32, String)>,
    main_view: MainView,
    stats: Option<StatsState>,
    export_menu: bool,
    export_dialog: Option<(String, Option<String>)>,
    export_req: Option<(u32, String)>,
    export_url: Option<String>,
    mirror_ref: NodeRef,
    sort: (Col, bool),
    view: Vec<usize>,
    sel: Option<usize>,
    ex: Option<ExState>,
    ex_req: u32,
    tab: Option<u32>,
    bytes: HashMap<u32, Rc<Vec<u8>>>,
    bytes_req: HashSet<u32>,
    bytes_err: HashMap<u32, String>,
    top: [f64; 3],
    height: [f64; 3],
    want_scroll: [Option<f64>; 3],
    list_h: f64,
    tree_w: f64,
    side_w: f64,
    drag: Option<(Split, f64, f64, f64)>,
    dragging: Rc<Cell<bool>>,
    side: Side,
    side_open: bool,
    active: Pane,
    bare: Option<Bare>,
    drag_over: bool,
    link: Option<(usize, Option<String>)>,
    root: NodeRef,
    panes: [NodeRef; 3],
    filter_ref: NodeRef,
    file_ref: NodeRef,
    _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    list_marked: Option<u32>,
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Parses `#e=12&f=q.0.3&sample`.
fn parse_hash() -> (Option<usize>, Option<String>, bool) {
    let h = window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    let h = h.trim_start_matches('#');
    let (mut e, mut f, mut sample) = (None, None, false);
    for part in h.split('&') {
        match part.split_once('=') {
            Some(("e", v)) => e = v.parse().ok(),
            Some(("f", v)) => f = Some(v.to_string()).filter(|s| !s.is_empty()),
            None if part == "sample" => sample = true,
            _ => {}
        }
    }
    (e, f, sample)
}

/// The JSON string under `k` of a worker reply, parsed by the browser.
fn json(v: &JsValue, k: &str) -> JsValue {
    get_str(v, k).map_or(JsValue::UNDEFINED, |s| parse_json(&s))
}

fn window_range(top: f64, height: f64, row: f64, total: usize) -> (usize, usize) {
    let first = ((top / row).floor().max(0.0) as usize).saturating_sub(OVERSCAN).min(total);
    let count = (height / row).ceil().max(1.0) as usize + 2 * OVERSCAN;
    (first, (first + count).min(total))
}

fn closest_attr(e: &web_sys::Event, attr: &str) -> Option<(Element, String)> {
    let t: Element = e.target()?.dyn_into().ok()?;
    let el = t.closest(&format!("[{attr}]")).ok()??;
    let v = el.get_attribute(attr)?;
    Some((el, v))
}

fn fmt_time(t: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(t * 1000.0));
    d.to_iso_string().as_string().unwrap_or_default()
}

fn plural(sev: &str) -> &'static str {
    match sev {
        "error" => "Errors",
        "warning" => "Warnings",
        "note" => "Notes",
        _ => "Chats",
    }
}

fn fmt_bytes(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.1} KB", n / 1e3)
    } else {
        format!("{n} bytes")
    }
}

fn fmt_duration(d: Option<f64>) -> String {
    match d {
        Some(s) if s < 10.0 => format!("{:.0} ms", s * 1000.0),
        Some(s) => format!("{s:.1} s"),
        None => String::new(),
    }
}

impl App {
    fn file(&self) -> Option<&Loaded> {
        self.cur.and_then(|c| self.files.get(c))
    }

    fn send(&mut self, op: &str, fields: &[(&str, JsValue)]) -> u32 {
        match &mut self.bridge {
            Some(b) => b.send(op, fields),
            None => 0,
        }
    }

    fn start_open(&mut self, name: String, file: Option<JsValue>, text: Option<String>, sample: bool) {
        let mut fields: Vec<(&str, JsValue)> = vec![("name", name.clone().into())];
        if let Some(f) = &file {
            fields.push(("file", f.clone()));
        }
        if let Some(t) = &text {
            fields.push(("text", t.clone().into()));
        }
        if sample {
            fields.push(("url", format!("./{SAMPLE}").into()));
        }
        let id = self.send("open", &fields);
        self.loading.push(Loading { id, name, phase: "reading".into(), done: 0.0, total: 0.0, sample, file, text });
    }

    fn refresh_view(&mut self) {
        let v = match self.file() {
            Some(f) => view(&f.rows, f.matches.as_deref().map(|v| v.as_slice()), self.sort.0, self.sort.1),
            None => Vec::new(),
        };
        self.view = v;
    }

    fn set_hash(&self) {
        let Some(f) = self.file() else { return };
        let mut h = String::new();
        if f.sample {
            h.push_str("sample&");
        }
        if let Some(s) = self.sel {
            h.push_str(&format!("e={s}"));
            if let Some(n) = self.ex.as_ref().and_then(|x| x.sel.and_then(|i| x.tree.nodes.get(i))) {
                h.push_str(&format!("&f={}", n.path));
            }
        }
        let h = h.trim_end_matches('&').to_string();
        if let Some(w) = window() {
            if let Ok(hist) = w.history() {
                let _ = hist.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{h}")));
            }
        }
    }

    fn select_row(&mut self, row: usize) {
        let Some(cap) = self.file().map(|f| f.cap) else { return };
        if self.file().is_none_or(|f| row >= f.rows.len()) {
            return;
        }
        self.sel = Some(row);
        self.ex = None;
        self.tab = None;
        self.bytes.clear();
        self.bytes_req.clear();
        self.bytes_err.clear();
        self.ex_req = self.send("exchange", &[("cap", cap.into()), ("index", (row as f64).into())]);
        // Keep the selected row visible.
        if let Some(pos) = self.view.iter().position(|&i| i == row) {
            let y = pos as f64 * ROW_H;
            let (top, h) = (self.top[0], self.height[0]);
            if y < top {
                self.want_scroll[0] = Some(y);
            } else if y + ROW_H > top + h - ROW_H {
                self.want_scroll[0] = Some((y + 2.0 * ROW_H - h).max(0.0));
            }
        }
        self.set_hash();
    }

    fn fetch_bytes(&mut self, source: u32) {
        let Some(cap) = self.file().map(|f| f.cap) else { return };
        let Some(index) = self.ex.as_ref().map(|x| x.index) else { return };
        if self.bytes.contains_key(&source) || self.bytes_req.contains(&source) || self.bytes_err.contains_key(&source) {
            return;
        }
        self.bytes_req.insert(source);
        self.send("source", &[("cap", cap.into()), ("index", (index as f64).into()), ("source", source.into())]);
    }

    fn select_node(&mut self, i: usize, scroll_tree: bool) {
        let Some(x) = &mut self.ex else { return };
        let Some(n) = x.tree.nodes.get(i) else { return };
        let (src, off) = (n.source, n.offset);
        x.sel = Some(i);
        x.tree.reveal(i);
        if scroll_tree {
            if let Some(pos) = x.tree.visible.iter().position(|&k| k == i) {
                let y = pos as f64 * TREE_H;
                let (top, h) = (self.top[1], self.height[1]);
                if y < top || y + TREE_H > top + h {
                    self.want_scroll[1] = Some((y - h / 3.0).max(0.0));
                }
            }
        }
        if let Some(s) = src {
            if x.x.sources.iter().any(|k| k.id == s) {
                self.tab = Some(s);
                self.fetch_bytes(s);
                let y = (off / 16) as f64 * BYTES_H;
                let (top, h) = (self.top[2], self.height[2]);
                if y < top || y + BYTES_H > top + h {
                    self.want_scroll[2] = Some((y - BYTES_H * 2.0).max(0.0));
                }
            }
        }
        self.set_hash();
    }

    fn on_reply(&mut self, ctx: &Context<Self>, r: Reply) -> bool {
        match r.op.as_str() {
            "progress" => {
                if let Some(j) = self.job.as_mut().filter(|j| j.id == r.id) {
                    j.done = get_f64(&r.data, "done").unwrap_or(0.0);
                    j.total = get_f64(&r.data, "total").unwrap_or(0.0);
                    return true;
                }
                if let Some(l) = self.loading.iter_mut().find(|l| l.id == r.id) {
                    l.phase = get_str(&r.data, "phase").unwrap_or_default();
                    l.done = get_f64(&r.data, "done").unwrap_or(0.0);
                    l.total = get_f64(&r.data, "total").unwrap_or(0.0);
                }
                true
            }
            "open" | "bare" => {
                let pos = self.loading.iter().position(|l| l.id == r.id);
                let Some(l) = pos.map(|p| self.loading.remove(p)) else { return true };
                if !r.ok {
                    let msg = r.error.unwrap_or_default();
                    if r.op == "open" && msg.contains("bare hex or base64 body") {
                        self.bare = Some(Bare { name: l.name, file: l.file, text: l.text, rtype: "Execute".into(), dir: "request".into() });
                    } else {
                        self.error = Some(format!("Could not open {}: {msg}", l.name));
                    }
                    return true;
                }
                let res = &r.result;
                let rows: Vec<Row> = list(&json(res, "rows"), Row::read);
                let t0 = rows.iter().filter_map(|r| r.time).reduce(f64::min);
                let loaded = Loaded {
                    cap: get_f64(res, "cap").unwrap_or(0.0) as u32,
                    name: get_str(res, "name").unwrap_or(l.name),
                    format: get_str(res, "format").unwrap_or_default(),
                    bytes: get_f64(res, "bytes").unwrap_or(0.0),
                    ms: get_f64(res, "ms").unwrap_or(0.0),
                    summary: Summary::read(&json(res, "summary")),
                    rows,
                    sessions: list(&json(res, "sessions"), Session::read),
                    diags: list(&json(res, "diagnostics"), Diag::read),
                    sample: l.sample,
                    t0,
                    complete: !get(res, "more").as_bool().unwrap_or(false),
                    matches: None,
                    matched: String::new(),
                    filter_req: 0,
                };
                // For the browser tests and the curious: how long the worker spent indexing.
                if let Some(b) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
                    let _ = b.set_attribute("data-index-ms", &format!("{:.0}", loaded.ms));
                    let _ = b.set_attribute("data-timing", &get_str(res, "timing").unwrap_or_default());
                    let _ = b.set_attribute("data-reply-at", &format!("{:.0}", js_sys::Date::now()));
                }
                self.files.push(loaded);
                self.cur = Some(self.files.len() - 1);
                self.error = None;
                self.sel = None;
                self.ex = None;
                self.top[0] = 0.0;
                self.want_scroll[0] = Some(0.0);
                self.refresh_view();
                if !self.applied.is_empty() {
                    self.run_filter();
                }
                let link = self.link.take();
                match link {
                    Some((e, f)) if self.file().is_some_and(|x| e < x.rows.len()) => {
                        self.link = Some((e, f));
                        self.select_row(e);
                    }
                    _ => {
                        if let Some(&first) = self.view.first() {
                            self.select_row(first);
                        }
                    }
                }
                self.set_hash();
                true
            }
            "rows" => {
                let cap = get_f64(&r.data, "cap").map(|c| c as u32);
                let more: Vec<Row> = list(&json(&r.result, "rows"), Row::read);
                let Some(f) = self.files.iter_mut().find(|f| Some(f.cap) == cap) else { return false };
                f.rows.extend(more);
                f.t0 = f.rows.iter().filter_map(|r| r.time).reduce(f64::min);
                f.complete = get(&r.result, "last").as_bool().unwrap_or(true);
                if self.file().is_some_and(|x| Some(x.cap) == cap) {
                    self.refresh_view();
                }
                true
            }
            "exchange" => {
                if r.id != self.ex_req {
                    return false;
                }
                if !r.ok {
                    self.error = Some(format!("Could not decode this exchange: {}", r.error.unwrap_or_default()));
                    return true;
                }
                let x = Exchange::read(&json(&r.result, "json"));
                let tree = Tree::from_exchange(&x);
                let first_src = x.sources.first().map(|s| s.id);
                let index = self.sel.unwrap_or(x.index);
                self.ex = Some(ExState { index, x, tree, sel: None });
                self.top[1] = 0.0;
                self.top[2] = 0.0;
                self.want_scroll[1] = Some(0.0);
                self.want_scroll[2] = Some(0.0);
                self.tab = first_src;
                if let Some(s) = first_src {
                    self.fetch_bytes(s);
                }
                if let Some((e, f)) = self.link.take() {
                    if Some(e) == self.sel {
                        if let Some(i) = f.and_then(|p| self.ex.as_ref().and_then(|x| x.tree.by_path(&p))) {
                            self.select_node(i, true);
                            self.active = Pane::Tree;
                        }
                    }
                }
                true
            }
            "source" => {
                let cap = get_f64(&r.data, "cap").map(|c| c as u32);
                let index = get_f64(&r.data, "index").map(|c| c as usize);
                let Some(source) = get_f64(&r.data, "source").map(|c| c as u32) else { return false };
                if cap != self.file().map(|f| f.cap) || index != self.ex.as_ref().map(|x| x.index) {
                    return false;
                }
                self.bytes_req.remove(&source);
                if r.ok {
                    let b = get(&r.result, "bytes");
                    let v = b.dyn_ref::<js_sys::Uint8Array>().map(|a| a.to_vec()).unwrap_or_default();
                    self.bytes.insert(source, Rc::new(v));
                } else {
                    self.bytes_err.insert(source, r.error.unwrap_or_default());
                }
                true
            }
            "ready" => {
                if let Some(b) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
                    let _ = b.set_attribute("data-decoder", "ready");
                    let _ = b.set_attribute("data-decoder-version", &get_str(&r.result, "version").unwrap_or_default());
                }
                false
            }
            "check" | "fields" | "filter" | "stats" | "export" | "nodeFilter" => self.on_panel_reply(ctx, r),
            "worker-error" => {
                self.error = r.error;
                let _ = ctx;
                true
            }
            _ => false,
        }
    }

    fn move_list(&mut self, delta: isize) {
        if self.view.is_empty() {
            return;
        }
        let pos = self.sel.and_then(|s| self.view.iter().position(|&i| i == s));
        let next = match pos {
            Some(p) => (p as isize + delta).clamp(0, self.view.len() as isize - 1) as usize,
            None => 0,
        };
        if let Some(&row) = self.view.get(next) {
            if Some(row) != self.sel {
                self.select_row(row);
            }
        }
    }

    fn move_tree(&mut self, delta: isize) {
        let Some(x) = &self.ex else { return };
        let vis = &x.tree.visible;
        if vis.is_empty() {
            return;
        }
        let pos = x.sel.and_then(|s| vis.iter().position(|&i| i == s));
        let next = match pos {
            Some(p) => (p as isize + delta).clamp(0, vis.len() as isize - 1) as usize,
            None => 0,
        };
        if let Some(&i) = vis.get(next) {
            self.select_node(i, true);
        }
    }

    fn key(&mut self, e: KeyboardEvent) -> bool {
        let in_field = e
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        let key = e.key();
        let own_keys = e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| el.id() == "filter" || el.id() == "export-fields");
        if own_keys {
            return false;
        }
        if self.menu.is_some() && key == "Escape" {
            self.menu = None;
            return true;
        }
        if in_field {
            if key == "Escape" || (key == "Enter" && self.bare.is_none()) {
                if let Some(el) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) {
                    let _ = el.blur();
                }
            }
            return false;
        }
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return false;
        }
        match key.as_str() {
            "/" => {
                e.prevent_default();
                if let Some(i) = self.filter_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                    i.select();
                }
                false
            }
            "ArrowDown" | "ArrowUp" | "PageDown" | "PageUp" | "Home" | "End" => {
                e.prevent_default();
                let page = (self.height[if self.active == Pane::Tree { 1 } else { 0 }] / ROW_H).max(1.0) as isize;
                let d = match key.as_str() {
                    "ArrowDown" => 1,
                    "ArrowUp" => -1,
                    "PageDown" => page,
                    "PageUp" => -page,
                    "Home" => -1_000_000_000,
                    _ => 1_000_000_000,
                };
                if self.active == Pane::Tree {
                    self.move_tree(d);
                } else {
                    self.move_list(d);
                }
                true
            }
            "ArrowLeft" | "ArrowRight" => {
                e.prevent_default();
                let right = key == "ArrowRight";
                let Some(x) = &mut self.ex else { return false };
                let Some(i) = x.sel else {
                    if let Some(&first) = x.tree.visible.first() {
                        self.select_node(first, true);
                        self.active = Pane::Tree;
                    }
                    return true;
                };
                self.active = Pane::Tree;
                let (has, open, parent) = match x.tree.nodes.get(i) {
                    Some(n) => (n.has_children(i), x.tree.expanded.get(i).copied().unwrap_or(false), n.parent),
                    None => return false,
                };
                if right {
                    if has && !open {
                        x.tree.set_expanded(i, true);
                    } else if has {
                        self.move_tree(1);
                    }
                } else if has && open {
                    x.tree.set_expanded(i, false);
                } else if let Some(p) = parent {
                    self.select_node(p, true);
                }
                true
            }
            "Enter" => {
                if self.active == Pane::List {
                    self.active = Pane::Tree;
                    if let Some(first) = self.ex.as_ref().filter(|x| x.sel.is_none()).and_then(|x| x.tree.visible.first().copied()) {
                        self.select_node(first, true);
                    }
                } else if let Some(x) = &mut self.ex {
                    if let Some(i) = x.sel {
                        let open = x.tree.expanded.get(i).copied().unwrap_or(false);
                        x.tree.set_expanded(i, !open);
                    }
                }
                true
            }
            "Escape" => {
                self.error = None;
                self.bare = None;
                self.export_menu = false;
                self.export_dialog = None;
                self.show_history = false;
                true
            }
            "ContextMenu" if self.active == Pane::Tree => {
                e.prevent_default();
                self.open_tree_menu_at_selection();
                true
            }
            _ => false,
        }
    }

    fn install_listeners(&mut self, ctx: &Context<Self>) {
        let Some(w) = window() else { return };
        let Some(doc) = w.document() else { return };
        let mut add = |target: &web_sys::EventTarget, name: &str, f: Box<dyn FnMut(web_sys::Event)>| {
            let c = Closure::<dyn FnMut(web_sys::Event)>::new(f);
            let _ = target.add_event_listener_with_callback(name, c.as_ref().unchecked_ref());
            self._listeners.push(c);
        };
        let link = ctx.link().clone();
        add(&doc, "keydown", Box::new(move |e: web_sys::Event| {
            if let Ok(k) = e.dyn_into::<KeyboardEvent>() {
                link.send_message(Msg::Key(k));
            }
        }));
        let link = ctx.link().clone();
        add(&doc, "paste", Box::new(move |e: web_sys::Event| {
            let in_field = e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA"));
            if in_field {
                return;
            }
            let Ok(ce) = e.dyn_into::<web_sys::ClipboardEvent>() else { return };
            let Some(dt) = ce.clipboard_data() else { return };
            ce.prevent_default();
            let files = files_of(dt.files());
            if !files.is_empty() {
                link.send_message(Msg::OpenFiles(files));
            } else if let Ok(t) = dt.get_data("text") {
                if !t.trim().is_empty() {
                    link.send_message(Msg::OpenText(t));
                }
            }
        }));
        let link = ctx.link().clone();
        add(&w, "dragover", Box::new(move |e: web_sys::Event| {
            e.prevent_default();
            link.send_message(Msg::DragOver(true));
        }));
        let link = ctx.link().clone();
        add(&w, "dragleave", Box::new(move |e: web_sys::Event| {
            if let Ok(d) = e.dyn_into::<DragEvent>() {
                if d.related_target().is_none() {
                    link.send_message(Msg::DragOver(false));
                }
            }
        }));
        let link = ctx.link().clone();
        add(&w, "drop", Box::new(move |e: web_sys::Event| {
            e.prevent_default();
            link.send_message(Msg::DragOver(false));
            if let Ok(d) = e.dyn_into::<DragEvent>() {
                let files = d.data_transfer().map(|dt| files_of(dt.files())).unwrap_or_default();
                if !files.is_empty() {
                    link.send_message(Msg::OpenFiles(files));
                }
            }
        }));
        let link = ctx.link().clone();
        add(&w, "hashchange", Box::new(move |_e| link.send_message(Msg::Hash)));
        let link = ctx.link().clone();
        add(&w, "resize", Box::new(move |_e| link.send_message(Msg::Redraw)));
        let link = ctx.link().clone();
        let dragging = self.dragging.clone();
        add(&w, "mousemove", Box::new(move |e: web_sys::Event| {
            if dragging.get() {
                if let Ok(m) = e.dyn_into::<web_sys::MouseEvent>() {
                    m.prevent_default();
                    link.send_message(Msg::SplitMove(f64::from(m.client_x()), f64::from(m.client_y())));
                }
            }
        }));
        let link = ctx.link().clone();
        let dragging = self.dragging.clone();
        add(&w, "mouseup", Box::new(move |_e| {
            if dragging.get() {
                link.send_message(Msg::SplitEnd);
            }
        }));
    }
}

fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let mut v = Vec::new();
    if let Some(l) = list {
        for i in 0..l.length() {
            if let Some(f) = l.get(i) {
                v.push(f);
            }
        }
    }
    v
}

fn set_var(el: &HtmlElement, k: &str, v: String) {
    let _ = el.style().set_property(k, &v);
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (mut error, bridge) = (None, Bridge::new(ctx.link().callback(Msg::Worker)));
        let bridge = match bridge {
            Ok(b) => Some(b),
            Err(e) => {
                error = Some(e);
                None
            }
        };
        let h = window().and_then(|w| w.inner_height().ok()).and_then(|v| v.as_f64()).unwrap_or(800.0);
        let wd = window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1200.0);
        let mut app = App {
            bridge,
            files: Vec::new(),
            cur: None,
            loading: Vec::new(),
            error,
            filter_text: String::new(),
            filter_cursor: 0,
            want_cursor: None,
            check: Check::Empty,
            check_req: 0,
            applied: String::new(),
            history: panels::load_history(),
            show_history: false,
            fields: Rc::new(Vec::new()),
            fields_asked: false,
            comp: Vec::new(),
            comp_sel: None,
            comp_word: (0, 0),
            job: None,
            menu: None,
            node_req: None,
            toast: None,
            main_view: MainView::Packets,
            stats: None,
            export_menu: false,
            export_dialog: None,
            export_req: None,
            export_url: None,
            mirror_ref: NodeRef::default(),
            sort: (Col::No, false),
            view: Vec::new(),
            sel: None,
            ex: None,
            ex_req: 0,
            tab: None,
            bytes: HashMap::new(),
            bytes_req: HashSet::new(),
            bytes_err: HashMap::new(),
            top: [0.0; 3],
            height: [400.0, 300.0, 300.0],
            want_scroll: [None; 3],
            list_h: (h * 0.42).round(),
            // Leave the bytes pane room for 16 hex bytes and their ASCII (about 600 px).
            tree_w: (wd - if wd >= 1100.0 { 304.0 } else { 0.0 } - 600.0).max(280.0).round(),
            side_w: 300.0,
            drag: None,
            dragging: Rc::new(Cell::new(false)),
            side: Side::Sessions,
            side_open: wd >= 1100.0,
            active: Pane::List,
            bare: None,
            drag_over: false,
            link: None,
            root: NodeRef::default(),
            panes: [NodeRef::default(), NodeRef::default(), NodeRef::default()],
            filter_ref: NodeRef::default(),
            file_ref: NodeRef::default(),
            _listeners: Vec::new(),
            list_marked: None,
        };
        app.install_listeners(ctx);
        let (e, f, sample) = parse_hash();
        if let Some(e) = e {
            app.link = Some((e, f));
        }
        if sample {
            app.start_open(SAMPLE.into(), None, None, true);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Worker(r) => {
                let changed = self.on_reply(ctx, r);
                self.ensure_stats() || changed
            }
            Msg::OpenFiles(files) => {
                for f in files {
                    let name = f.name();
                    self.start_open(name, Some(f.into()), None, false);
                }
                true
            }
            Msg::OpenSample => {
                self.start_open(SAMPLE.into(), None, None, true);
                true
            }
            Msg::OpenText(t) => {
                self.start_open("pasted text".into(), None, Some(t), false);
                true
            }
            Msg::PickFile => {
                if let Some(i) = self.file_ref.cast::<HtmlInputElement>() {
                    i.click();
                }
                false
            }
            Msg::FileChosen => {
                if let Some(b) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
                    let _ = b.set_attribute("data-chosen-at", &format!("{:.0}", js_sys::Date::now()));
                }
                let Some(i) = self.file_ref.cast::<HtmlInputElement>() else { return false };
                let files = files_of(i.files());
                i.set_value("");
                ctx.link().send_message(Msg::OpenFiles(files));
                false
            }
            Msg::FilterInput(..)
            | Msg::FilterKey(_)
            | Msg::SetFilter(..)
            | Msg::ApplyFilter
            | Msg::ClearFilter
            | Msg::PickCompletion(_)
            | Msg::ToggleHistory
            | Msg::CloseDropdowns
            | Msg::StopJob
            | Msg::TreeMenu(..)
            | Msg::ListMenu(..)
            | Msg::CloseMenu
            | Msg::Menu(_)
            | Msg::Toast(_)
            | Msg::View(_)
            | Msg::RefreshStats
            | Msg::ToggleExport
            | Msg::Export(..)
            | Msg::ExportFields(_)
            | Msg::ExportDialog(_) => self.update_panels(ctx, msg),
            Msg::Sort(c) => {
                self.sort = if self.sort.0 == c { (c, !self.sort.1) } else { (c, false) };
                self.refresh_view();
                true
            }
            Msg::Scroll(p, top) => {
                let i = p as usize;
                let (row, total) = match p {
                    Pane::List => (ROW_H, self.view.len()),
                    Pane::Tree => (TREE_H, self.ex.as_ref().map_or(0, |x| x.tree.visible.len())),
                    Pane::Bytes => (BYTES_H, usize::MAX / 2),
                };
                let before = window_range(self.top[i], self.height[i], row, total);
                self.top[i] = top;
                before != window_range(top, self.height[i], row, total)
            }
            Msg::Redraw => true,
            Msg::SelectRow(r) => {
                self.active = Pane::List;
                if Some(r) != self.sel {
                    self.select_row(r);
                }
                true
            }
            Msg::SelectNode(i) => {
                self.active = Pane::Tree;
                self.select_node(i, false);
                true
            }
            Msg::ToggleNode(i) => {
                self.active = Pane::Tree;
                if let Some(x) = &mut self.ex {
                    let open = x.tree.expanded.get(i).copied().unwrap_or(false);
                    x.tree.set_expanded(i, !open);
                }
                true
            }
            Msg::ExpandAll(on) => {
                if let Some(x) = &mut self.ex {
                    x.tree.set_all(on);
                    if let Some(s) = x.sel {
                        if !x.tree.visible.contains(&s) {
                            x.sel = None;
                        }
                    }
                }
                true
            }
            Msg::Tab(s) => {
                self.tab = Some(s);
                self.fetch_bytes(s);
                self.want_scroll[2] = Some(0.0);
                true
            }
            Msg::ClickByte(off) => {
                self.active = Pane::Bytes;
                let Some(tab) = self.tab else { return false };
                let hit = self.ex.as_ref().and_then(|x| x.tree.node_at(tab, off));
                if let Some(i) = hit {
                    self.select_node(i, true);
                }
                true
            }
            Msg::Key(e) => self.key(e),
            Msg::Focus(p) => {
                let changed = self.active != p;
                self.active = p;
                changed
            }
            Msg::SplitStart(s, x, y) => {
                let size = match s {
                    Split::List => self.list_h,
                    Split::Tree => self.tree_w,
                    Split::Side => self.side_w,
                };
                self.drag = Some((s, x, y, size));
                self.dragging.set(true);
                true
            }
            Msg::SplitMove(x, y) => {
                let Some((s, x0, y0, size)) = self.drag else { return false };
                match s {
                    Split::List => self.list_h = (size + y - y0).clamp(60.0, 4000.0),
                    Split::Tree => self.tree_w = (size + x - x0).clamp(120.0, 4000.0),
                    Split::Side => self.side_w = (size - (x - x0)).clamp(160.0, 1200.0),
                }
                true
            }
            Msg::SplitEnd => {
                self.drag = None;
                self.dragging.set(false);
                true
            }
            Msg::Side(s) => {
                self.side = s;
                self.side_open = true;
                true
            }
            Msg::ToggleSide => {
                self.side_open = !self.side_open;
                true
            }
            Msg::DismissError => {
                self.error = None;
                true
            }
            Msg::SwitchFile(i) => {
                if i < self.files.len() && Some(i) != self.cur {
                    self.cur = Some(i);
                    self.sel = None;
                    self.ex = None;
                    if self.file().is_some_and(|f| f.matched != self.applied) {
                        self.run_filter();
                    }
                    self.refresh_view();
                    self.want_scroll[0] = Some(0.0);
                    if let Some(&first) = self.view.first() {
                        self.select_row(first);
                    }
                    self.ensure_stats();
                }
                true
            }
            Msg::BareType(t) => {
                if let Some(b) = &mut self.bare {
                    b.rtype = t;
                }
                false
            }
            Msg::BareDir(d) => {
                if let Some(b) = &mut self.bare {
                    b.dir = d;
                }
                true
            }
            Msg::BareOk => {
                let Some(b) = self.bare.take() else { return false };
                let mut fields: Vec<(&str, JsValue)> =
                    vec![("name", b.name.clone().into()), ("requestType", b.rtype.clone().into()), ("direction", b.dir.clone().into())];
                if let Some(f) = &b.file {
                    fields.push(("file", f.clone()));
                }
                if let Some(t) = &b.text {
                    fields.push(("text", t.clone().into()));
                }
                let id = self.send("bare", &fields);
                self.loading.push(Loading { id, name: b.name, phase: "decoding".into(), done: 0.0, total: 0.0, sample: false, file: None, text: None });
                true
            }
            Msg::BareCancel => {
                self.bare = None;
                true
            }
            Msg::Hash => {
                let (e, f, sample) = parse_hash();
                if self.files.is_empty() {
                    if sample && self.loading.is_empty() {
                        self.link = e.map(|e| (e, f));
                        self.start_open(SAMPLE.into(), None, None, true);
                    }
                    return true;
                }
                let Some(e) = e else { return false };
                if Some(e) != self.sel {
                    self.link = Some((e, f));
                    self.select_row(e);
                } else if let Some(p) = f {
                    if let Some(i) = self.ex.as_ref().and_then(|x| x.tree.by_path(&p)) {
                        if self.ex.as_ref().and_then(|x| x.sel) != Some(i) {
                            self.select_node(i, true);
                        }
                    }
                }
                true
            }
            Msg::DragOver(on) => {
                let changed = self.drag_over != on;
                self.drag_over = on;
                changed
            }
            Msg::JumpDiag(d) => {
                if let (Some(x), Some(s)) = (&self.ex, d.source) {
                    if let Some(i) = x.tree.node_at(s, d.offset.unwrap_or(0)) {
                        self.active = Pane::Tree;
                        self.select_node(i, true);
                        return true;
                    }
                }
                // Capture-level or transport diagnostic: show the exchange's expert node.
                if let Some(x) = &self.ex {
                    if let Some(i) = x.tree.nodes.iter().position(|n| n.severity.is_some() && n.display.ends_with(&d.message)) {
                        self.select_node(i, true);
                    }
                }
                true
            }
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, _first: bool) {
        // When the list of a newly opened capture is first in the DOM (timing for the browser tests).
        let shown = self.file().filter(|_| !self.view.is_empty()).map(|f| f.cap);
        if shown.is_some() && shown != self.list_marked {
            self.list_marked = shown;
            if let Some(b) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
                let _ = b.set_attribute("data-list-at", &format!("{:.0}", js_sys::Date::now()));
            }
        }
        let mut changed = false;
        for (i, r) in self.panes.iter().enumerate() {
            if let Some(el) = r.cast::<HtmlElement>() {
                let h = f64::from(el.client_height());
                if h > 0.0 && (h - self.height[i]).abs() > 0.5 {
                    self.height[i] = h;
                    changed = true;
                }
                if let Some(y) = self.want_scroll[i].take() {
                    el.set_scroll_top(y as i32);
                    let now_top = f64::from(el.scroll_top());
                    if (now_top - self.top[i]).abs() > 0.5 {
                        self.top[i] = now_top;
                        changed = true;
                    }
                }
            }
        }
        if let Some(root) = self.root.cast::<HtmlElement>() {
            set_var(&root, "--list-h", format!("{}px", self.list_h));
            set_var(&root, "--tree-w", format!("{}px", self.tree_w));
            set_var(&root, "--side-w", format!("{}px", self.side_w));
            let total = self.view.len() as f64 * ROW_H;
            let (first, _) = window_range(self.top[0], self.height[0], ROW_H, self.view.len());
            set_var(&root, "--list-total", format!("{total}px"));
            set_var(&root, "--list-top", format!("{}px", first as f64 * ROW_H));
            let tv = self.ex.as_ref().map_or(0, |x| x.tree.visible.len());
            let (tf, _) = window_range(self.top[1], self.height[1], TREE_H, tv);
            set_var(&root, "--tree-total", format!("{}px", tv as f64 * TREE_H));
            set_var(&root, "--tree-top", format!("{}px", tf as f64 * TREE_H));
            let lines = self.tab.and_then(|t| self.bytes.get(&t)).map_or(0, |b| b.len().div_ceil(16));
            let (bf, _) = window_range(self.top[2], self.height[2], BYTES_H, lines);
            set_var(&root, "--bytes-total", format!("{}px", lines as f64 * BYTES_H));
            set_var(&root, "--bytes-top", format!("{}px", bf as f64 * BYTES_H));
            let frac = |done: f64, total: f64| if total > 0.0 { (done / total).clamp(0.0, 1.0) } else { 0.0 };
            let p = match (self.loading.first(), &self.job) {
                (Some(l), _) => frac(l.done, l.total),
                (None, Some(j)) => frac(j.done, j.total),
                _ => 0.0,
            };
            set_var(&root, "--progress", format!("{:.3}", p));
        }
        self.rendered_panels();
        if changed {
            ctx.link().send_message(Msg::Redraw);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
        let mut cls = classes!("app");
        if self.drag.is_some() {
            cls.push("resizing");
        }
        if self.side_open {
            cls.push("side-open");
        }
        html! {
            <div class={cls} ref={self.root.clone()} {ondragover}>
                { self.view_header(ctx) }
                { self.view_progress(ctx) }
                { self.view_error(ctx) }
                <main class="main">
                    if self.main_view == MainView::Statistics {
                        { self.view_stats(ctx) }
                    }
                    <div class={classes!("panes", (self.main_view == MainView::Statistics).then_some("hidden"))}>
                        { self.view_list(ctx) }
                        <div class="split split-h" title="Drag to resize"
                            onmousedown={link.callback(|e: MouseEvent| { e.prevent_default(); Msg::SplitStart(Split::List, f64::from(e.client_x()), f64::from(e.client_y())) })}></div>
                        <div class="lower">
                            { self.view_tree(ctx) }
                            <div class="split split-v" title="Drag to resize"
                                onmousedown={link.callback(|e: MouseEvent| { e.prevent_default(); Msg::SplitStart(Split::Tree, f64::from(e.client_x()), f64::from(e.client_y())) })}></div>
                            { self.view_bytes(ctx) }
                        </div>
                    </div>
                    if self.side_open {
                        <div class="split split-v" title="Drag to resize"
                            onmousedown={link.callback(|e: MouseEvent| { e.prevent_default(); Msg::SplitStart(Split::Side, f64::from(e.client_x()), f64::from(e.client_y())) })}></div>
                        { self.view_side(ctx) }
                    }
                </main>
                { self.view_status() }
                if self.drag_over {
                    <div class="drop-overlay"><div>{ "Drop captures to open them (pcap, pcapng, HAR, SAZ, raw HTTP)" }</div></div>
                }
                { self.view_bare(ctx) }
                { self.view_menu(ctx) }
                { self.view_export_dialog(ctx) }
                if let Some((_, t)) = &self.toast {
                    <div class="toast" id="toast" role="status">{ t }</div>
                }
            </div>
        }
    }
}

impl App {
    fn view_header(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onchange = link.callback(|_e: Event| Msg::FileChosen);
        let count = self.count_text();
        html! {
            <header class="top">
                <div class="brand" title="mapiscope: MAPI over HTTP, dissected in your browser">
                    <span class="logo">{ "◉" }</span>{ "mapiscope" }
                </div>
                <button class="btn" onclick={link.callback(|_| Msg::PickFile)} title="Open pcap, pcapng, HAR, SAZ or raw HTTP files">{ "Open…" }</button>
                <button class="btn" id="open-sample" onclick={link.callback(|_| Msg::OpenSample)} title="Open the demo capture (Outlook ↔ Exchange)">{ "Sample" }</button>
                <input type="file" multiple=true class="hidden" ref={self.file_ref.clone()} {onchange} />
                if self.files.len() > 1 {
                    <select class="files" title="Opened captures"
                        onchange={link.callback(|e: Event| Msg::SwitchFile(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse().unwrap_or(0)))}>
                        { for self.files.iter().enumerate().map(|(i, f)| html! {
                            <option value={i.to_string()} selected={Some(i) == self.cur}>{ &f.name }</option>
                        }) }
                    </select>
                }
                { self.view_filter_bar(ctx) }
                <span class="count" id="count">{ count }</span>
                { self.view_view_switch(ctx) }
                { self.view_export_button(ctx) }
                <button class={classes!("btn", "ghost", self.side_open.then_some("on"))} onclick={link.callback(|_| Msg::ToggleSide)} title="Sessions, expert info, capture">{ "☰ Panels" }</button>
            </header>
        }
    }

    fn view_progress(&self, ctx: &Context<Self>) -> Html {
        let Some(l) = self.loading.first() else { return self.view_job(ctx) };
        let pct = if l.total > 0.0 { format!(" {:.0}%", 100.0 * l.done / l.total) } else { String::new() };
        let more = if self.loading.len() > 1 { format!(" (+{} more)", self.loading.len() - 1) } else { String::new() };
        html! {
            <div class="progress" role="progressbar">
                <div class="bar"></div>
                <span>{ format!("{} {}{}{}", if l.phase == "reading" { "Reading" } else { "Decoding" }, l.name, pct, more) }</span>
            </div>
        }
    }

    fn view_error(&self, ctx: &Context<Self>) -> Html {
        let Some(e) = &self.error else { return html! {} };
        html! {
            <div class="error" role="alert" id="error">
                <span class="icon">{ "⚠" }</span>
                <span class="msg">{ e }</span>
                <button class="btn ghost" onclick={ctx.link().callback(|_| Msg::DismissError)}>{ "Dismiss" }</button>
            </div>
        }
    }

    fn view_list(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onscroll = link.callback(|e: Event| Msg::Scroll(Pane::List, f64::from(e.target_unchecked_into::<Element>().scroll_top())));
        let onclick = link.batch_callback(|e: MouseEvent| closest_attr(&e, "data-i").and_then(|(_, v)| v.parse().ok()).map(Msg::SelectRow));
        let head = Col::ALL.iter().map(|&c| {
            let arrow = if self.sort.0 == c { if self.sort.1 { " ▼" } else { " ▲" } } else { "" };
            html! { <div class={classes!("cell", c.class())} onclick={link.callback(move |_| Msg::Sort(c))}>{ c.title() }{ arrow }</div> }
        });
        let Some(f) = self.file() else {
            return html! {
                <section class={classes!("pane", "list", (self.active == Pane::List).then_some("active"))}>
                    <div class="scroll" ref={self.panes[0].clone()}>
                        { self.view_welcome(ctx) }
                    </div>
                </section>
            };
        };
        let oncontextmenu = link.batch_callback(|e: MouseEvent| {
            let (_, v) = closest_attr(&e, "data-i")?;
            let row: usize = v.parse().ok()?;
            let t: Element = e.target()?.dyn_into().ok()?;
            let cell = t.closest(".cell").ok()??;
            let cl = cell.class_list();
            let col = (0..cl.length()).filter_map(|k| cl.item(k)).find_map(|c| Col::from_class(&c))?;
            e.prevent_default();
            Some(Msg::ListMenu(row, col, f64::from(e.client_x()), f64::from(e.client_y())))
        });
        let (first, last) = window_range(self.top[0], self.height[0], ROW_H, self.view.len());
        let rows = self.view.get(first..last).unwrap_or(&[]).iter().filter_map(|&i| f.rows.get(i)).map(|r| self.view_row(f, r));
        html! {
            <section class={classes!("pane", "list", (self.active == Pane::List).then_some("active"))}>
                <div class="scroll" ref={self.panes[0].clone()} {onscroll} {onclick} {oncontextmenu} id="list">
                    <div class="row head">{ for head }</div>
                    <div class="spacer list-spacer">
                        <div class="window list-window">{ for rows }</div>
                    </div>
                    if self.view.is_empty() {
                        <div class="hint">{ if f.rows.is_empty() { "No HTTP exchanges in this capture (see the Capture panel for why)." } else { "No exchange matches the filter." } }</div>
                    }
                </div>
            </section>
        }
    }

    fn view_row(&self, f: &Loaded, r: &Row) -> Html {
        let mut cls = classes!("row");
        let sev = severity_rank(r.severity.as_deref());
        let http_err = r.status.is_some_and(|s| s >= 400) || r.response_code.is_some_and(|c| c != 0);
        cls.push(match (sev, http_err) {
            (4, _) | (_, true) => "sev-error",
            (3, _) => "sev-warning",
            (2, _) => "sev-note",
            (1, _) => "sev-chat",
            _ => "",
        });
        match r.kind.as_deref() {
            Some("http") => cls.push("k-http"),
            Some("autodiscover") => cls.push("k-ad"),
            _ => {}
        }
        if r.endpoint.as_deref() == Some("nspi") {
            cls.push("ep-nspi");
        }
        if Some(r.index) == self.sel {
            cls.push("sel");
        }
        let time = match (r.time, f.t0) {
            (Some(t), Some(t0)) => format!("{:.3}", t - t0),
            _ => String::new(),
        };
        let title = r.time.map(fmt_time).unwrap_or_default();
        let status = match (r.status, r.response_code) {
            (Some(s), Some(c)) if c != 0 => format!("{s} · {}", r.response_code_name.clone().unwrap_or_else(|| c.to_string())),
            (Some(s), _) => s.to_string(),
            (None, _) if r.pending.unwrap_or(0) > 0 => "pending".into(),
            (None, _) => "—".into(),
        };
        let rtype = r.request_type.clone().or_else(|| r.method.clone()).unwrap_or_default();
        let sum = summary_text(r);
        let diag = if r.diagnostics > 0 { format!("{}", r.diagnostics) } else { String::new() };
        html! {
            <div class={cls} data-i={r.index.to_string()} key={r.index}>
                <div class="cell c-no">{ r.index }</div>
                <div class="cell c-time" title={title}>{ time }</div>
                <div class="cell c-sess">{ r.session.map(|s| s.to_string()).unwrap_or_default() }</div>
                <div class="cell c-ep">{ r.endpoint.clone().unwrap_or_default() }</div>
                <div class="cell c-type">{ rtype }</div>
                <div class="cell c-sum" title={sum.clone()}>
                    if !diag.is_empty() { <span class={classes!("badge", r.severity.clone())} title="diagnostics">{ diag }</span> }
                    { sum }
                </div>
                <div class="cell c-status">{ status }</div>
                <div class="cell c-dur">{ fmt_duration(r.duration) }</div>
            </div>
        }
    }

    fn view_welcome(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        html! {
            <div class="welcome">
                <h1>{ "MAPI over HTTP, dissected in your browser" }</h1>
                <p>{ "Drop a capture anywhere on this page — pcap, pcapng, HAR, Fiddler SAZ or raw HTTP — or paste (Ctrl+V) raw HTTP, a hex or base64 body, or files." }</p>
                <p class="actions">
                    <button class="btn primary" onclick={link.callback(|_| Msg::PickFile)}>{ "Open a capture…" }</button>
                    <button class="btn" onclick={link.callback(|_| Msg::OpenSample)}>{ "Open the sample capture" }</button>
                </p>
                <p class="muted">{ "Nothing leaves this tab: decoding runs locally, in WebAssembly, in a background worker. The page makes no network request after it has loaded." }</p>
                <p class="muted keys">{ "Keys: ↑ ↓ exchanges · Enter to the tree · ← → collapse / expand · / filter · Esc close" }</p>
            </div>
        }
    }

    fn view_tree(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onscroll = link.callback(|e: Event| Msg::Scroll(Pane::Tree, f64::from(e.target_unchecked_into::<Element>().scroll_top())));
        let onclick = link.batch_callback(|e: MouseEvent| {
            let (el, v) = closest_attr(&e, "data-n")?;
            let i: usize = v.parse().ok()?;
            let on_twisty = e.target().and_then(|t| t.dyn_into::<Element>().ok()).is_some_and(|t| t.class_list().contains("tw"));
            let _ = el;
            Some(if on_twisty { Msg::ToggleNode(i) } else { Msg::SelectNode(i) })
        });
        let ondblclick = link.batch_callback(|e: MouseEvent| closest_attr(&e, "data-n").and_then(|(_, v)| v.parse().ok()).map(Msg::ToggleNode));
        let oncontextmenu = link.batch_callback(|e: MouseEvent| {
            let i: usize = closest_attr(&e, "data-n")?.1.parse().ok()?;
            e.prevent_default();
            Some(Msg::TreeMenu(i, f64::from(e.client_x()), f64::from(e.client_y())))
        });
        let body = match (&self.ex, self.sel) {
            (Some(x), _) => {
                let (first, last) = window_range(self.top[1], self.height[1], TREE_H, x.tree.visible.len());
                let rows = x.tree.visible.get(first..last).unwrap_or(&[]).iter().filter_map(|&i| x.tree.nodes.get(i).map(|n| (i, n))).map(|(i, n)| {
                    let has = n.has_children(i);
                    let open = x.tree.expanded.get(i).copied().unwrap_or(false);
                    let tw = if !has { " " } else if open { "▾" } else { "▸" };
                    let mut cls = classes!("tn");
                    if x.sel == Some(i) {
                        cls.push("sel");
                    }
                    if let Some(s) = &n.severity {
                        cls.push(format!("sev-{s}"));
                    }
                    if n.source.is_none() && n.severity.is_none() {
                        cls.push("syn");
                    }
                    let key = n.abbrev.clone().unwrap_or_default();
                    // Long values are cut with an ellipsis; the tooltip has them whole.
                    let title = if n.display.chars().count() > 60 { format!("{key}\n{}", n.display) } else { key };
                    let ind = "\u{a0}\u{a0}".repeat(n.depth.min(60));
                    html! {
                        <div class={cls} data-n={i.to_string()} data-path={n.path.clone()} data-key={n.abbrev.clone()} key={i} title={title}
                            data-src={n.source.map(|s| s.to_string())} data-off={n.offset.to_string()} data-len={n.length.to_string()} data-depth={n.depth.to_string()}>
                            <span class="ind">{ ind }</span>
                            <span class="tw">{ tw }</span>
                            <span class="tt">{ &n.display }</span>
                        </div>
                    }
                });
                html! { <div class="spacer tree-spacer"><div class="window tree-window">{ for rows }</div></div> }
            }
            (None, Some(_)) => html! { <div class="hint">{ "Decoding…" }</div> },
            (None, None) => html! { <div class="hint">{ if self.file().is_some() { "Select an exchange to see its fields." } else { "" } }</div> },
        };
        html! {
            <section class={classes!("pane", "tree", (self.active == Pane::Tree).then_some("active"))}>
                <div class="pane-head">
                    <span class="title">{ "Fields" }</span>
                    if let Some(n) = self.ex.as_ref().and_then(|x| x.sel.and_then(|i| x.tree.nodes.get(i))) {
                        <span class="key" id="field-key" title="filter key">{ n.abbrev.clone().unwrap_or_default() }</span>
                        if n.length > 0 {
                            <span class="span-info">{ format!("{} bytes @ {}", n.length, n.offset) }</span>
                        }
                    }
                    <span class="grow"></span>
                    if let Some(i) = self.ex.as_ref().and_then(|x| x.sel) {
                        <button class="btn small ghost" id="node-menu" title="Apply as filter, copy… (or right-click the field)"
                            onclick={link.callback(move |e: MouseEvent| Msg::TreeMenu(i, f64::from(e.client_x()), f64::from(e.client_y())))}>{ "⋯ Field" }</button>
                    }
                    <button class="btn small ghost" id="expand-all" onclick={link.callback(|_| Msg::ExpandAll(true))} title="Expand all">{ "⊞ Expand" }</button>
                    <button class="btn small ghost" id="collapse-all" onclick={link.callback(|_| Msg::ExpandAll(false))} title="Collapse all">{ "⊟ Collapse" }</button>
                </div>
                <div class="scroll" ref={self.panes[1].clone()} id="tree" {onscroll} {onclick} {ondblclick} {oncontextmenu}
                    onmousedown={link.callback(|_| Msg::Focus(Pane::Tree))}>
                    { body }
                </div>
            </section>
        }
    }

    fn view_bytes(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let onscroll = link.callback(|e: Event| Msg::Scroll(Pane::Bytes, f64::from(e.target_unchecked_into::<Element>().scroll_top())));
        let onclick = link.batch_callback(|e: MouseEvent| closest_attr(&e, "data-o").and_then(|(_, v)| v.parse().ok()).map(Msg::ClickByte));
        let Some(x) = &self.ex else {
            return html! { <section class="pane bytes"><div class="pane-head"><span class="title">{ "Bytes" }</span></div><div class="scroll" ref={self.panes[2].clone()}></div></section> };
        };
        let tabs = x.x.sources.iter().map(|s| {
            let id = s.id;
            let cls = classes!("tab", (Some(id) == self.tab).then_some("on"));
            html! {
                <button class={cls} data-source={id.to_string()} onclick={link.callback(move |_| Msg::Tab(id))} title={format!("{} bytes", s.length)}>
                    { &s.name }
                </button>
            }
        });
        let hl = x.sel.and_then(|i| x.tree.nodes.get(i)).filter(|n| n.source == self.tab && n.length > 0).map(|n| (n.offset, n.offset + n.length));
        let body = match self.tab {
            None => html! { <div class="hint">{ "This exchange has no body." }</div> },
            Some(t) => match (self.bytes.get(&t), self.bytes_err.get(&t)) {
                (Some(b), _) => {
                    let lines = b.len().div_ceil(16);
                    let (first, last) = window_range(self.top[2], self.height[2], BYTES_H, lines);
                    let rows = (first..last).map(|l| {
                        let start = l * 16;
                        let chunk = b.get(start..(start + 16).min(b.len())).unwrap_or(&[]);
                        let cls = |o: usize| match hl {
                            Some((a, z)) if o >= a && o < z => "b hl",
                            _ => "b",
                        };
                        let hex = chunk.iter().enumerate().map(|(k, v)| {
                            let o = start + k;
                            html! { <span class={cls(o)} data-o={o.to_string()}>{ format!("{v:02x}") }</span> }
                        });
                        let asc = chunk.iter().enumerate().map(|(k, v)| {
                            let o = start + k;
                            let c = if (0x20..0x7f).contains(v) { char::from(*v) } else { '.' };
                            html! { <span class={cls(o)} data-o={o.to_string()}>{ c }</span> }
                        });
                        html! {
                            <div class="bl" key={l}>
                                <span class="bo">{ format!("{start:06x}") }</span>
                                <span class="bh">{ for hex }</span>
                                <span class="ba">{ for asc }</span>
                            </div>
                        }
                    });
                    html! { <div class="spacer bytes-spacer"><div class="window bytes-window">{ for rows }</div></div> }
                }
                (None, Some(e)) => html! { <div class="hint">{ e }</div> },
                (None, None) => html! { <div class="hint">{ "Loading bytes…" }</div> },
            },
        };
        html! {
            <section class={classes!("pane", "bytes", (self.active == Pane::Bytes).then_some("active"))}>
                <div class="pane-head tabs" id="tabs">{ for tabs }</div>
                <div class="scroll" ref={self.panes[2].clone()} id="bytes" {onscroll} {onclick}>{ body }</div>
            </section>
        }
    }

    fn view_side(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let tab = |s: Side, label: &str| {
            html! { <button class={classes!("tab", (self.side == s).then_some("on"))} onclick={link.callback(move |_| Msg::Side(s))}>{ label.to_string() }</button> }
        };
        let body = match self.side {
            Side::Sessions => self.view_sessions(ctx),
            Side::Expert => self.view_expert(ctx),
            Side::Capture => self.view_capture(ctx),
        };
        html! {
            <aside class="side">
                <div class="pane-head tabs">
                    { tab(Side::Sessions, "Sessions") }
                    { tab(Side::Expert, "Expert info") }
                    { tab(Side::Capture, "Capture") }
                </div>
                <div class="side-body" id="side">{ body }</div>
            </aside>
        }
    }

    fn view_sessions(&self, ctx: &Context<Self>) -> Html {
        let Some(f) = self.file() else { return html! { <div class="hint">{ "No capture open." }</div> } };
        if f.sessions.is_empty() {
            return html! { <div class="hint">{ "No MAPI/HTTP session in this capture." }</div> };
        }
        let cur_session = self.sel.and_then(|s| f.rows.get(s)).and_then(|r| r.session);
        // Cards for the first sessions only: a big capture has thousands (the list filter reaches all).
        const MAX_CARDS: usize = 200;
        let more = f.sessions.len().saturating_sub(MAX_CARDS);
        let items = f.sessions.iter().take(MAX_CARDS).map(|s| {
            let idx = s.index;
            let user = s.user.as_deref().map(|u| u.rsplit("cn=").next().unwrap_or(u).to_string());
            let span = match (s.first_time, s.last_time) {
                (Some(a), Some(b)) => format!("{:.1} s", b - a),
                _ => String::new(),
            };
            let problems = s.errors + s.reconnects + s.context_not_found + s.request_id_gaps;
            html! {
                <div class={classes!("sess", (cur_session == Some(idx)).then_some("sel"), (problems > 0).then_some("warn"))}
                    onclick={ctx.link().callback(move |_| Msg::SetFilter(format!("mapihttp.session == {idx}"), true))} title="Show this session's exchanges">
                    <div class="line1">
                        <span class="num">{ format!("#{idx}") }</span>
                        <span class="ep">{ s.endpoint.clone().unwrap_or_else(|| "?".into()) }</span>
                        <span class="user">{ user.unwrap_or_default() }</span>
                    </div>
                    <div class="line2">{ format!("{} requests · {span} · {} PENDING", s.requests, s.pending) }</div>
                    <div class="line2 mono" title="what grouped this session">{ &s.key }</div>
                    if problems > 0 {
                        <div class="line2 bad">{ format!("{} errors · {} reconnects · {} context-not-found · {} request-id gaps", s.errors, s.reconnects, s.context_not_found, s.request_id_gaps) }</div>
                    }
                </div>
            }
        });
        html! {
            <div class="sessions">
                { for items }
                if more > 0 { <div class="hint">{ format!("… and {more} more sessions: filter the list with session:N") }</div> }
            </div>
        }
    }

    fn view_expert(&self, ctx: &Context<Self>) -> Html {
        let Some(f) = self.file() else { return html! { <div class="hint">{ "No capture open." }</div> } };
        let link = ctx.link();
        let groups = ["error", "warning", "note", "chat"].into_iter().map(|sev| {
            let cap: Vec<&Diag> = f.diags.iter().filter(|d| d.severity == sev).collect();
            let rows: Vec<&Row> = f.rows.iter().filter(|r| r.severity.as_deref() == Some(sev)).collect();
            let this: Vec<&Diag> = self.ex.as_ref().map(|x| x.x.diagnostics.iter().filter(|d| d.severity == sev).collect()).unwrap_or_default();
            let n = cap.len() + rows.len();
            if n == 0 && this.is_empty() {
                return html! {};
            }
            let shown = rows.iter().take(500).map(|r| {
                let i = r.index;
                html! {
                    <div class="xi" onclick={link.callback(move |_| Msg::SelectRow(i))}>
                        <span class="num">{ format!("#{i}") }</span>
                        { format!(" {} — {} diagnostic{}", r.request_type.clone().unwrap_or_else(|| "HTTP".into()), r.diagnostics, if r.diagnostics == 1 { "" } else { "s" }) }
                    </div>
                }
            });
            let more = rows.len().saturating_sub(500);
            html! {
                <details class={classes!("xg", format!("sev-{sev}"))} open=true>
                    <summary>{ format!("{} — {} exchange{}{}", plural(sev), rows.len(), if rows.len() == 1 { "" } else { "s" }, if cap.is_empty() { String::new() } else { format!(", {} in the capture", cap.len()) }) }</summary>
                    if !this.is_empty() {
                        <div class="xi sub">{ format!("In exchange {}:", self.sel.unwrap_or(0)) }</div>
                    }
                    { for this.iter().map(|d| {
                        let d2 = (*d).clone();
                        html! { <div class="xi this" onclick={link.callback(move |_| Msg::JumpDiag(d2.clone()))} title="In the selected exchange: click to show the field">{ format!("▸ {}", d.message) }</div> }
                    }) }
                    { for cap.iter().map(|d| html! { <div class="xi cap">{ &d.message }</div> }) }
                    { for shown }
                    if more > 0 { <div class="xi muted">{ format!("… and {more} more (filter with mapihttp.expert.severity == {sev})") }</div> }
                </details>
            }
        });
        html! { <div class="expert">{ for groups }</div> }
    }

    fn view_capture(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let files = self.files.iter().enumerate().map(|(i, f)| {
            html! {
                <div class={classes!("xi", (Some(i) == self.cur).then_some("sel"))} onclick={link.callback(move |_| Msg::SwitchFile(i))}>
                    { format!("{} — {}, {}", f.name, f.format, fmt_bytes(f.bytes)) }
                </div>
            }
        });
        let Some(f) = self.file() else { return html! { <div class="hint">{ "No capture open." }</div> } };
        let s = &f.summary;
        html! {
            <div class="capinfo">
                <table>
                    <tr><th>{ "File" }</th><td>{ &f.name }</td></tr>
                    <tr><th>{ "Format" }</th><td>{ &f.format }</td></tr>
                    <tr><th>{ "Size" }</th><td>{ fmt_bytes(f.bytes) }</td></tr>
                    <tr><th>{ "Packets" }</th><td>{ s.packets }</td></tr>
                    <tr><th>{ "TLS connections" }</th><td>{ s.tls_connections }{ if s.tls_connections > 0 { " (encrypted: not decodable)" } else { "" } }</td></tr>
                    <tr><th>{ "Exchanges" }</th><td>{ f.rows.len() }</td></tr>
                    <tr><th>{ "Sessions" }</th><td>{ f.sessions.len() }</td></tr>
                    <tr><th>{ "Indexed in" }</th><td>{ format!("{:.0} ms", f.ms) }</td></tr>
                </table>
                if !f.diags.is_empty() {
                    <h3>{ "Capture diagnostics" }</h3>
                    { for f.diags.iter().map(|d| html! { <div class={classes!("xi", format!("sev-{}", d.severity))}>{ format!("[{}] {}", d.severity, d.message) }</div> }) }
                }
                <h3>{ "Opened captures" }</h3>
                { for files }
            </div>
        }
    }

    fn view_status(&self) -> Html {
        let left = match self.file() {
            Some(f) => format!("{} · {} · {} · {} exchanges · {} sessions", f.name, f.format, fmt_bytes(f.bytes), f.rows.len(), f.sessions.len()),
            None => "No capture".into(),
        };
        let displayed = match self.file() {
            Some(f) => format!("Displayed: {} of {}{}", self.view.len(), f.rows.len(), if f.matched.is_empty() { String::new() } else { format!(" ({})", f.matched) }),
            None => String::new(),
        };
        let sel = match (&self.ex, self.sel) {
            (Some(x), Some(s)) => format!("Exchange {s} · {} fields", x.tree.nodes.len()),
            _ => String::new(),
        };
        html! {
            <footer class="status">
                <span>{ left }</span>
                <span id="displayed" class="displayed">{ displayed }</span>
                <span class="grow"></span>
                <span>{ sel }</span>
                <span class="private" title="No network request is made after the page has loaded">{ "● local only" }</span>
            </footer>
        }
    }

    fn view_bare(&self, ctx: &Context<Self>) -> Html {
        let Some(b) = &self.bare else { return html! {} };
        let link = ctx.link();
        let onchange = link.callback(|e: Event| Msg::BareType(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()));
        let dir = |d: &'static str, label: &'static str| {
            html! {
                <label class="radio">
                    <input type="radio" name="dir" checked={b.dir == d} onchange={link.callback(move |_| Msg::BareDir(d.to_string()))} />
                    { label }
                </label>
            }
        };
        html! {
            <div class="modal-back">
                <div class="modal" role="dialog" id="bare-dialog">
                    <h2>{ "A bare MAPI/HTTP body" }</h2>
                    <p>{ format!("{} looks like a body in hex or base64. Nothing in a bare body says what it is: which request type, and which direction?", b.name) }</p>
                    <div class="form">
                        <select id="bare-type" {onchange}>
                            { for REQUEST_TYPES.iter().map(|t| html! { <option value={*t} selected={b.rtype == *t}>{ *t }</option> }) }
                        </select>
                        { dir("request", "Request") }
                        { dir("response", "Response") }
                    </div>
                    <div class="actions">
                        <button class="btn" onclick={link.callback(|_| Msg::BareCancel)}>{ "Cancel" }</button>
                        <button class="btn primary" id="bare-ok" onclick={link.callback(|_| Msg::BareOk)}>{ "Decode" }</button>
                    </div>
                </div>
            </div>
        }
    }
}
