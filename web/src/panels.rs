//! The parts of the viewer built on the display-filter engine (a child module of `app`, sharing
//! its `App`): the filter bar (validity colouring, the mistake underlined, key completion, history,
//! progress of a long filter), "Apply / Prepare / Copy as filter", "Copy value" and "Copy subtree as
//! text" (context menus on tree nodes and list cells), exports of the displayed exchanges (JSON,
//! CSV) and the Statistics view. Everything heavy runs in the worker (`web/worker.js`).

use super::*;
use crate::bridge::{parse_json, Json};
use crate::filter::{cell_filter, combine, complete, completions, header_filter, remember, split16, word_at};
use crate::filter::quote;
use crate::stats::{bar_chart, duration_chart, request_type_filter, rop_filter, srt_table, table, time_chart, Line, Report};

const HISTORY_KEY: &str = "mapiscope.filterHistory";
const COMPLETIONS_MAX: usize = 60;

/// A long worker job shown in the progress bar (filtering, statistics, export).
pub struct Job {
    pub id: u32,
    pub cap: u32,
    pub what: &'static str,
    pub label: String,
    pub done: f64,
    pub total: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainView {
    Packets,
    Statistics,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MenuTarget {
    Node(usize),
    /// A list cell: its row and the filter for its value (None when the column has none).
    Cell(usize, Option<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Menu {
    pub x: f64,
    pub y: f64,
    pub target: MenuTarget,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MenuAction {
    Apply(Combine),
    Prepare,
    CopyFilter,
    CopyValue,
    CopySubtree,
}

/// The statistics report of the displayed exchanges of one capture and filter.
pub struct StatsState {
    cap: u32,
    key: String,
    req: u32,
    count: usize,
    report: Option<Report>,
    error: Option<String>,
}

pub fn load_history() -> Vec<String> {
    window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(HISTORY_KEY).ok().flatten())
        .map(|j| parse_json(&j).items().iter().filter_map(Json::text).collect())
        .unwrap_or_default()
}

fn save_history(h: &[String]) {
    let arr = js_sys::Array::new();
    for t in h {
        arr.push(&JsValue::from_str(t));
    }
    if let (Some(s), Some(j)) = (window().and_then(|w| w.local_storage().ok().flatten()), js_sys::JSON::stringify(&arr).ok().and_then(|j| j.as_string())) {
        let _ = s.set_item(HISTORY_KEY, &j);
    }
}

fn body_attr(k: &str, v: &str) {
    if let Some(b) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let _ = b.set_attribute(k, v);
    }
}

/// Writes `text` to the clipboard (`navigator.clipboard.writeText`; the page is a secure context).
fn clipboard_write(text: &str) -> bool {
    let Some(w) = window() else { return false };
    let clip = get(&get(&w, "navigator"), "clipboard");
    let Ok(f) = get(&clip, "writeText").dyn_into::<js_sys::Function>() else { return false };
    match f.call1(&clip, &JsValue::from_str(text)) {
        Ok(p) => {
            // A refused write (no permission, page not focused) is reported, not thrown.
            if let Ok(p) = p.dyn_into::<js_sys::Promise>() {
                let c = Closure::once(|_e: JsValue| body_attr("data-copy-failed", "1"));
                let _ = p.catch(&c);
                // One small closure per copy, released by the JS garbage collector's side only.
                c.forget();
            }
            true
        }
        Err(_) => false,
    }
}

fn set_timeout(ms: i32, f: impl FnOnce() + 'static) {
    if let Some(w) = window() {
        let c = Closure::once_into_js(f);
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(c.unchecked_ref(), ms);
    }
}

fn u32_array(v: &[u32]) -> JsValue {
    js_sys::Uint32Array::from(v).into()
}

fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = base.rsplit_once('.').map_or(base, |(a, _)| a);
    let clean: String = stem.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).take(60).collect();
    if clean.is_empty() {
        "capture".into()
    } else {
        clean
    }
}

impl App {
    pub(super) fn count_text(&self) -> String {
        match self.file() {
            Some(f) if !f.matched.is_empty() => format!("Displayed: {} of {}", self.view.len(), f.rows.len()),
            Some(f) if f.complete => format!("{} exchanges", f.rows.len()),
            Some(f) => format!("{} exchanges (listing…)", f.rows.len()),
            None => String::new(),
        }
    }

    /// Runs the applied filter over the current capture in the worker (a newer run cancels an older one).
    pub(super) fn run_filter(&mut self) {
        let text = self.applied.clone();
        let Some(cap) = self.file().map(|f| f.cap) else { return };
        if text.is_empty() {
            self.send("cancel", &[("cap", cap.into()), ("what", "filter".into())]);
            if let Some(c) = self.cur {
                if let Some(f) = self.files.get_mut(c) {
                    f.matches = None;
                    f.matched.clear();
                    f.filter_req = 0;
                }
            }
            if self.job.as_ref().is_some_and(|j| j.what == "filter") {
                self.job = None;
            }
            self.after_filter();
            return;
        }
        let id = self.send("filter", &[("cap", cap.into()), ("text", text.clone().into())]);
        if let Some(f) = self.cur.and_then(|c| self.files.get_mut(c)) {
            f.filter_req = id;
        }
        self.job = Some(Job { id, cap, what: "filter", label: format!("Filtering: {text}"), done: 0.0, total: 0.0 });
    }

    fn after_filter(&mut self) {
        self.refresh_view();
        self.want_scroll[0] = Some(0.0);
        self.top[0] = 0.0;
        // Keep the selected exchange when it is still displayed (as Wireshark does), else the first.
        let keep = self.sel.is_some_and(|s| self.view.contains(&s));
        if !keep {
            match self.view.first().copied() {
                Some(first) => self.select_row(first),
                None => {
                    self.sel = None;
                    self.ex = None;
                }
            }
        } else if let Some(s) = self.sel {
            if let Some(pos) = self.view.iter().position(|&i| i == s) {
                self.want_scroll[0] = Some((pos as f64 * ROW_H - self.height[0] / 3.0).max(0.0));
            }
        }
    }

    fn apply_filter(&mut self) {
        if matches!(self.check, Check::Invalid { .. }) {
            return;
        }
        let text = self.filter_text.trim().to_string();
        remember(&mut self.history, &text);
        save_history(&self.history);
        self.applied = text;
        self.comp.clear();
        self.show_history = false;
        self.run_filter();
    }

    fn request_check(&mut self) {
        if self.filter_text.trim().is_empty() {
            self.check = Check::Empty;
            self.check_req = 0;
            return;
        }
        self.check = Check::Pending;
        let t = self.filter_text.clone();
        self.check_req = self.send("check", &[("text", t.into())]);
    }

    fn ensure_fields(&mut self) {
        if !self.fields_asked {
            self.fields_asked = true;
            self.send("fields", &[]);
        }
    }

    fn update_completion(&mut self) {
        self.comp_sel = None;
        self.comp.clear();
        let Some((start, end, word)) = word_at(&self.filter_text, self.filter_cursor) else { return };
        self.comp = completions(&self.fields, &word, COMPLETIONS_MAX);
        self.comp_word = (start, end);
    }

    fn pick_completion(&mut self, k: usize) {
        let Some(key) = self.comp.get(k).and_then(|&i| self.fields.get(i)).map(|f| f.key.clone()) else { return };
        let (text, cursor) = complete(&self.filter_text, self.comp_word.0, self.comp_word.1, &key);
        self.filter_text = text;
        self.filter_cursor = cursor;
        self.want_cursor = Some(cursor);
        self.comp.clear();
        self.comp_sel = None;
        self.request_check();
    }

    fn set_filter(&mut self, text: String, apply: bool) {
        self.filter_text = text;
        self.filter_cursor = self.filter_text.encode_utf16().count();
        self.comp.clear();
        self.show_history = false;
        if apply {
            // The text comes from the engine (or the user's history): apply at once; the check
            // colours the bar and would refuse a broken history entry in `apply_filter` next time.
            self.check = Check::Pending;
            let t = self.filter_text.clone();
            self.check_req = self.send("check", &[("text", t.into())]);
            let text = self.filter_text.trim().to_string();
            remember(&mut self.history, &text);
            save_history(&self.history);
            self.applied = text;
            self.run_filter();
        } else {
            self.request_check();
            self.want_cursor = Some(self.filter_cursor);
            if let Some(i) = self.filter_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        }
    }

    fn toast(&mut self, ctx: &Context<Self>, text: String) {
        let seq = self.toast.as_ref().map_or(1, |t| t.0 + 1);
        self.toast = Some((seq, text));
        let link = ctx.link().clone();
        set_timeout(2500, move || link.send_message(Msg::Toast(seq)));
    }

    pub(super) fn open_tree_menu_at_selection(&mut self) {
        let Some(i) = self.ex.as_ref().and_then(|x| x.sel) else { return };
        let rect = window().and_then(|w| w.document()).and_then(|d| d.query_selector("#tree .tn.sel").ok().flatten()).map(|e| e.get_bounding_client_rect());
        let (x, y) = rect.map_or((200.0, 200.0), |r| (r.left() + 40.0, r.bottom()));
        self.menu = Some(Menu { x, y, target: MenuTarget::Node(i) });
    }

    /// A menu action: filter actions on a node ask the worker for the node's filter first.
    fn menu_action(&mut self, ctx: &Context<Self>, a: MenuAction) -> bool {
        let Some(menu) = self.menu.take() else { return true };
        match menu.target {
            MenuTarget::Cell(_, None) => true,
            MenuTarget::Cell(_, Some(f)) => {
                self.filter_text_action(ctx, a, f);
                true
            }
            MenuTarget::Node(i) => {
                let Some(x) = &self.ex else { return true };
                let Some(n) = x.tree.nodes.get(i) else { return true };
                match a {
                    MenuAction::CopyValue => {
                        let v = x.tree.value_text(i);
                        self.copy(ctx, v, "value");
                    }
                    MenuAction::CopySubtree => {
                        let v = x.tree.subtree_text(i);
                        self.copy(ctx, v, "subtree");
                    }
                    _ if n.abbrev.is_none() && n.severity.is_none() => {
                        // An HTTP header line: its exchange-level key, built here.
                        if let Some(f) = header_filter(&n.display) {
                            self.filter_text_action(ctx, a, f);
                        }
                    }
                    _ => {
                        let (Some(key), Some(src)) = (n.abbrev.clone(), n.source) else { return true };
                        let (index, off, len) = (x.index, n.offset, n.length);
                        let Some(cap) = self.file().map(|f| f.cap) else { return true };
                        let id = self.send(
                            "nodeFilter",
                            &[
                                ("cap", cap.into()),
                                ("index", (index as f64).into()),
                                ("key", key.into()),
                                ("source", src.into()),
                                ("offset", (off as f64).into()),
                                ("length", (len as f64).into()),
                            ],
                        );
                        self.node_req = Some((id, a));
                    }
                }
                true
            }
        }
    }

    fn filter_text_action(&mut self, ctx: &Context<Self>, a: MenuAction, f: String) {
        match a {
            MenuAction::Apply(how) => {
                let t = combine(how, &self.applied, &f);
                self.set_filter(t, true);
            }
            MenuAction::Prepare => self.set_filter(f, false),
            MenuAction::CopyFilter => self.copy(ctx, f, "filter"),
            MenuAction::CopyValue | MenuAction::CopySubtree => {}
        }
    }

    fn copy(&mut self, ctx: &Context<Self>, text: String, what: &str) {
        body_attr("data-copied", &text);
        body_attr("data-copied-what", what);
        let ok = clipboard_write(&text);
        let shown: String = text.lines().next().unwrap_or("").chars().take(80).collect();
        let more = if text.lines().count() > 1 { format!(" (+{} lines)", text.lines().count() - 1) } else { String::new() };
        let msg = if ok { format!("Copied {what}: {shown}{more}") } else { format!("Could not copy (no clipboard access): {shown}") };
        self.toast(ctx, msg);
    }

    pub(super) fn ensure_stats(&mut self) -> bool {
        if self.main_view != MainView::Statistics {
            return false;
        }
        let Some(f) = self.file() else { return false };
        if f.matched != self.applied || !f.complete {
            return false; // wait for the filter (and the rows) first
        }
        let (cap, key) = (f.cap, f.matched.clone());
        if self.stats.as_ref().is_some_and(|s| s.cap == cap && s.key == key) {
            return false;
        }
        self.request_stats();
        true
    }

    fn request_stats(&mut self) {
        let Some(f) = self.file() else { return };
        let (cap, key) = (f.cap, f.matched.clone());
        let matches = f.matches.clone();
        let count = matches.as_ref().map_or(f.rows.len(), |m| m.len());
        let mut fields: Vec<(&str, JsValue)> = vec![("cap", cap.into())];
        if let Some(m) = &matches {
            fields.push(("indices", u32_array(m)));
        }
        let req = self.send("stats", &fields);
        self.stats = Some(StatsState { cap, key, req, count, report: None, error: None });
        self.job = Some(Job { id: req, cap, what: "stats", label: "Statistics".into(), done: 0.0, total: count as f64 });
    }

    fn start_export(&mut self, format: &'static str, fields: Option<Vec<String>>) {
        let Some(f) = self.file() else { return };
        let cap = f.cap;
        let name = format!("{}-displayed.{format}", file_stem(&f.name));
        // Capture order (as Wireshark exports), not the list's sort order: the worker's matches
        // (ascending) or every arrived row.
        let idx: Vec<u32> = match &f.matches {
            Some(m) => m.iter().copied().filter(|&i| (i as usize) < f.rows.len()).collect(),
            None => (0..f.rows.len() as u32).collect(),
        };
        let mut msg: Vec<(&str, JsValue)> = vec![("cap", cap.into()), ("format", format.into()), ("indices", u32_array(&idx))];
        if let Some(fl) = fields {
            let arr = js_sys::Array::new();
            for k in fl {
                arr.push(&JsValue::from_str(&k));
            }
            msg.push(("fields", arr.into()));
        }
        let id = self.send("export", &msg);
        self.export_req = Some((id, name));
        self.job = Some(Job { id, cap, what: "export", label: format!("Exporting {} exchanges as {}", idx.len(), format.to_uppercase()), done: 0.0, total: idx.len() as f64 });
    }

    fn download(&mut self, blob: &web_sys::Blob, name: &str) -> Result<(), JsValue> {
        let doc = window().and_then(|w| w.document()).ok_or("no document")?;
        let body = doc.body().ok_or("no body")?;
        let url = web_sys::Url::create_object_url_with_blob(blob)?;
        let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.dyn_into()?;
        a.set_href(&url);
        a.set_download(name);
        a.set_class_name("hidden");
        body.append_child(&a)?;
        a.click();
        body.remove_child(&a)?;
        // The previous export's URL is released now; this one stays until the next export.
        if let Some(old) = self.export_url.replace(url) {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        Ok(())
    }

    pub(super) fn update_panels(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let changed = self.update_panels_inner(ctx, msg);
        self.ensure_stats() || changed
    }

    fn update_panels_inner(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::FilterInput(t, cursor) => {
                self.filter_text = t;
                self.filter_cursor = cursor;
                self.show_history = false;
                self.ensure_fields();
                self.request_check();
                self.update_completion();
                true
            }
            Msg::FilterKey(e) => {
                let key = e.key();
                let open = !self.comp.is_empty();
                match key.as_str() {
                    "ArrowDown" | "ArrowUp" if open => {
                        e.prevent_default();
                        let n = self.comp.len();
                        self.comp_sel = Some(match (self.comp_sel, key == "ArrowDown") {
                            (None, true) => 0,
                            (None, false) => n - 1,
                            (Some(k), true) => (k + 1) % n,
                            (Some(k), false) => (k + n - 1) % n,
                        });
                        true
                    }
                    "ArrowDown" if !self.history.is_empty() && self.filter_text.is_empty() => {
                        e.prevent_default();
                        self.show_history = true;
                        true
                    }
                    "Tab" if open => {
                        e.prevent_default();
                        self.pick_completion(self.comp_sel.unwrap_or(0));
                        true
                    }
                    "Enter" => {
                        e.prevent_default();
                        match self.comp_sel {
                            Some(k) if open => self.pick_completion(k),
                            _ => self.apply_filter(),
                        }
                        true
                    }
                    "Escape" => {
                        if open || self.show_history {
                            self.comp.clear();
                            self.show_history = false;
                        } else if let Some(i) = self.filter_ref.cast::<HtmlElement>() {
                            let _ = i.blur();
                        }
                        true
                    }
                    _ => false,
                }
            }
            Msg::SetFilter(t, apply) => {
                self.set_filter(t, apply);
                true
            }
            Msg::ApplyFilter => {
                self.apply_filter();
                true
            }
            Msg::ClearFilter => {
                self.set_filter(String::new(), true);
                true
            }
            Msg::PickCompletion(k) => {
                self.pick_completion(k);
                if let Some(i) = self.filter_ref.cast::<HtmlInputElement>() {
                    let _ = i.focus();
                }
                true
            }
            Msg::ToggleHistory => {
                self.show_history = !self.show_history;
                self.comp.clear();
                true
            }
            Msg::CloseDropdowns => {
                let was = !self.comp.is_empty() || self.show_history;
                self.comp.clear();
                self.show_history = false;
                was
            }
            Msg::StopJob => {
                if let Some(j) = self.job.take() {
                    self.send("cancel", &[("cap", j.cap.into()), ("what", j.what.into())]);
                    if j.what == "filter" {
                        // Back to what the list shows.
                        if let Some(f) = self.files.iter_mut().find(|f| f.cap == j.cap) {
                            f.filter_req = 0;
                            self.applied = f.matched.clone();
                        }
                    }
                    if j.what == "stats" {
                        self.stats = None;
                        self.main_view = MainView::Packets;
                    }
                    if j.what == "export" {
                        self.export_req = None;
                    }
                }
                true
            }
            Msg::TreeMenu(i, x, y) => {
                self.active = Pane::Tree;
                if self.ex.as_ref().and_then(|x| x.sel) != Some(i) {
                    self.select_node(i, false);
                }
                self.menu = Some(Menu { x, y, target: MenuTarget::Node(i) });
                true
            }
            Msg::ListMenu(row, col, x, y) => {
                let f = self.file().and_then(|f| f.rows.get(row)).and_then(|r| cell_filter(col, r));
                if Some(row) != self.sel {
                    self.select_row(row);
                }
                self.active = Pane::List;
                self.menu = Some(Menu { x, y, target: MenuTarget::Cell(row, f) });
                true
            }
            Msg::CloseMenu => {
                self.menu = None;
                true
            }
            Msg::Menu(a) => self.menu_action(ctx, a),
            Msg::Toast(seq) => {
                if self.toast.as_ref().is_some_and(|t| t.0 == seq) {
                    self.toast = None;
                    return true;
                }
                false
            }
            Msg::View(v) => {
                self.main_view = v;
                true
            }
            Msg::RefreshStats => {
                self.request_stats();
                true
            }
            Msg::ToggleExport => {
                self.export_menu = !self.export_menu;
                true
            }
            Msg::Export(format, with_fields) => {
                self.export_menu = false;
                if with_fields {
                    self.export_dialog = Some((String::new(), None));
                    return true;
                }
                let fields = match (&self.export_dialog, format) {
                    (Some((t, _)), "csv") => Some(t.split([',', ' ', '\t', '\n']).filter(|s| !s.is_empty()).map(String::from).collect::<Vec<_>>()),
                    _ => None,
                };
                if fields.as_ref().is_some_and(|f| f.is_empty()) {
                    if let Some(d) = &mut self.export_dialog {
                        d.1 = Some("Type one or more filter keys, e.g. mapihttp.request_type, mapihttp.rop.id".into());
                    }
                    return true;
                }
                self.start_export(format, fields);
                true
            }
            Msg::ExportFields(t) => {
                if let Some(d) = &mut self.export_dialog {
                    d.0 = t;
                    d.1 = None;
                }
                false
            }
            Msg::ExportDialog(open) => {
                self.export_dialog = if open { Some((String::new(), None)) } else { None };
                true
            }
            _ => false,
        }
    }

    pub(super) fn on_panel_reply(&mut self, ctx: &Context<Self>, r: Reply) -> bool {
        if self.job.as_ref().is_some_and(|j| j.id == r.id) {
            self.job = None;
        }
        match r.op.as_str() {
            "fields" => {
                let v: Vec<FieldInfo> = get_str(&r.result, "json").map(|s| parse_json(&s).items().iter().map(FieldInfo::read).collect()).unwrap_or_default();
                self.fields = Rc::new(v);
                self.update_completion();
                true
            }
            "check" => {
                if r.id != self.check_req {
                    return false;
                }
                let text = get_str(&r.result, "text").unwrap_or_default();
                self.check = match get_str(&r.result, "json") {
                    Some(j) if r.ok => Check::read(&text, &parse_json(&j)),
                    _ => Check::Invalid { start: 0, end: 0, headline: r.error.unwrap_or_default() },
                };
                true
            }
            "filter" => {
                let cap = get_f64(&r.data, "cap").map(|c| c as u32);
                let Some(k) = self.files.iter().position(|f| Some(f.cap) == cap) else { return false };
                let Some(f) = self.files.get_mut(k) else { return false };
                if r.id != f.filter_req {
                    return true;
                }
                if !r.ok {
                    if !get(&r.data, "cancelled").as_bool().unwrap_or(false) {
                        self.error = Some(format!("Filter failed: {}", r.error.unwrap_or_default()));
                    }
                    return true;
                }
                let idx = get(&r.result, "indices");
                f.matches = idx.dyn_ref::<js_sys::Uint32Array>().map(|a| Rc::new(a.to_vec()));
                f.matched = get_str(&r.data, "text").unwrap_or_default().trim().to_string();
                if f.matches.is_none() {
                    f.matched.clear();
                }
                let ms = get_f64(&r.result, "ms").unwrap_or(0.0);
                body_attr("data-filter-ms", &format!("{ms:.0}"));
                if Some(k) == self.cur {
                    self.after_filter();
                    self.ensure_stats();
                }
                true
            }
            "stats" => {
                let Some(s) = self.stats.as_mut().filter(|s| s.req == r.id) else { return false };
                if r.ok {
                    match get_str(&r.result, "json") {
                        Some(j) => s.report = Some(Report::read(&parse_json(&j))),
                        None => s.error = Some("no statistics".into()),
                    }
                } else if !get(&r.data, "cancelled").as_bool().unwrap_or(false) {
                    s.error = r.error;
                }
                true
            }
            "export" => {
                let Some((id, name)) = self.export_req.take() else { return false };
                if id != r.id {
                    self.export_req = Some((id, name));
                    return false;
                }
                if !r.ok {
                    let e = r.error.unwrap_or_default();
                    match &mut self.export_dialog {
                        Some(d) => d.1 = Some(e),
                        None => self.error = Some(format!("Export failed: {e}")),
                    }
                    return true;
                }
                self.export_dialog = None;
                let blob = get(&r.result, "blob");
                match blob.dyn_ref::<web_sys::Blob>().map(|b| self.download(b, &name)) {
                    Some(Ok(())) => body_attr("data-exported", &name),
                    Some(Err(e)) => self.error = Some(format!("Export failed: {e:?}")),
                    None => self.error = Some("Export failed: no data".into()),
                }
                true
            }
            "nodeFilter" => {
                let Some((id, a)) = self.node_req.take() else { return false };
                if id != r.id {
                    self.node_req = Some((id, a));
                    return false;
                }
                match (r.ok, get_str(&r.result, "text")) {
                    (true, Some(t)) => {
                        match a {
                            MenuAction::Apply(how) => {
                                let t = combine(how, &self.applied, &t);
                                self.set_filter(t, true);
                            }
                            MenuAction::Prepare => self.set_filter(t, false),
                            MenuAction::CopyFilter => self.copy(ctx, t, "filter"),
                            MenuAction::CopyValue | MenuAction::CopySubtree => {}
                        }
                        self.ensure_stats();
                    }
                    _ => self.error = Some(format!("No filter for this field: {}", r.error.unwrap_or_default())),
                }
                true
            }
            _ => false,
        }
    }

    pub(super) fn rendered_panels(&mut self) {
        if let Some(c) = self.want_cursor.take() {
            if let Some(i) = self.filter_ref.cast::<HtmlInputElement>() {
                let c = c as u32;
                let _ = i.set_selection_range(c, c);
            }
        }
        if let (Some(i), Some(m)) = (self.filter_ref.cast::<HtmlElement>(), self.mirror_ref.cast::<HtmlElement>()) {
            m.set_scroll_left(i.scroll_left());
        }
        if let (Some(root), Some(m)) = (self.root.cast::<HtmlElement>(), &self.menu) {
            let w = window().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1200.0);
            let h = window().and_then(|w| w.inner_height().ok()).and_then(|v| v.as_f64()).unwrap_or(800.0);
            set_var(&root, "--menu-x", format!("{}px", m.x.min(w - 300.0).max(0.0)));
            set_var(&root, "--menu-y", format!("{}px", m.y.min(h - 250.0).max(0.0)));
        }
    }

    // ── views ────────────────────────────────────────────────────────────────────────────────

    pub(super) fn view_filter_bar(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let oninput = link.callback(|e: InputEvent| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let cursor = i.selection_start().ok().flatten().unwrap_or(0) as usize;
            Msg::FilterInput(i.value(), cursor)
        });
        let onkeydown = link.batch_callback(|e: KeyboardEvent| matches!(e.key().as_str(), "ArrowDown" | "ArrowUp" | "Tab" | "Enter" | "Escape").then_some(Msg::FilterKey(e)));
        let onblur = link.callback(|_e: FocusEvent| Msg::CloseDropdowns);
        let onfocus = link.callback(|_e: FocusEvent| Msg::Redraw);
        let keep_focus = Callback::from(|e: MouseEvent| e.prevent_default());
        let text = &self.filter_text;
        let (before, bad, after) = match &self.check {
            Check::Invalid { start, end, .. } => split16(text, *start, *end),
            _ => (text.as_str(), "", ""),
        };
        let invalid = matches!(self.check, Check::Invalid { .. });
        let edited = self.filter_text.trim() != self.applied;
        let dropdown = if !self.comp.is_empty() {
            let items = self.comp.iter().enumerate().filter_map(|(k, &i)| self.fields.get(i).map(|f| (k, f))).map(|(k, f)| {
                html! {
                    <li class={classes!((self.comp_sel == Some(k)).then_some("on"))} data-key={f.key.clone()} title={f.description.clone()}
                        onmousedown={keep_focus.clone()} onclick={link.callback(move |_| Msg::PickCompletion(k))}>
                        <span class="k">{ &f.key }</span><span class="n">{ format!("{} · {}", f.name, f.ty) }</span>
                    </li>
                }
            });
            html! { <ul class="dropdown" id="filter-complete" role="listbox">{ for items }</ul> }
        } else if self.show_history {
            let items = self.history.iter().map(|h| {
                let t = h.clone();
                html! { <li onmousedown={keep_focus.clone()} onclick={link.callback(move |_| Msg::SetFilter(t.clone(), true))}><span class="k">{ h }</span></li> }
            });
            html! {
                <ul class="dropdown" id="filter-history" role="listbox">
                    if self.history.is_empty() { <li class="muted">{ "No filter applied yet" }</li> }
                    { for items }
                </ul>
            }
        } else if let Check::Invalid { headline, .. } = &self.check {
            html! { <div class="filter-msg" id="filter-msg" role="alert">{ format!("⚠ {headline}") }</div> }
        } else {
            html! {}
        };
        let title = match &self.check {
            Check::Valid { needs_dissection: true } => "Valid filter (reads decoded fields: slower on big captures). Enter to apply.",
            Check::Valid { .. } => "Valid filter. Enter to apply.",
            Check::Invalid { .. } => "Invalid filter",
            _ => "Display filter (Wireshark syntax): mapihttp.request_type == \"Execute\" && mapihttp.rop.id == RopQueryRows",
        };
        html! {
            <div class={classes!("filter", self.check.class(), edited.then_some("edited"))} id="filter-bar">
                <div class="filter-field">
                    <div class="filter-mirror" ref={self.mirror_ref.clone()} aria-hidden="true">
                        { before }<span class="bad-span">{ if invalid && bad.is_empty() { "\u{a0}" } else { bad } }</span>{ after }
                    </div>
                    <input id="filter" type="text" ref={self.filter_ref.clone()} value={self.filter_text.clone()} {oninput} {onkeydown} {onblur} {onfocus}
                        spellcheck="false" autocomplete="off" {title}
                        placeholder="Display filter …   mapihttp.request_type == \"Execute\" && mapihttp.rop.id == RopQueryRows   ( / )" />
                </div>
                <button class="btn small ghost" id="filter-history-btn" title="Recent filters" onmousedown={keep_focus.clone()} onclick={link.callback(|_| Msg::ToggleHistory)}>{ "▾" }</button>
                <button class="btn small" id="filter-apply" disabled={invalid} title="Apply the filter (Enter)" onclick={link.callback(|_| Msg::ApplyFilter)}>{ "Apply" }</button>
                <button class="btn small ghost" id="filter-clear" title="Clear the filter" onclick={link.callback(|_| Msg::ClearFilter)}>{ "✕" }</button>
                { dropdown }
            </div>
        }
    }

    pub(super) fn view_view_switch(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let b = |v: MainView, id: &'static str, label: &'static str| {
            html! { <button class={classes!("tab", (self.main_view == v).then_some("on"))} id={id} onclick={link.callback(move |_| Msg::View(v))}>{ label }</button> }
        };
        html! { <div class="views">{ b(MainView::Packets, "view-packets", "Exchanges") }{ b(MainView::Statistics, "view-stats", "Statistics") }</div> }
    }

    pub(super) fn view_export_button(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let n = self.view.len();
        html! {
            <div class="export">
                <button class="btn" id="export-btn" disabled={self.file().is_none()} onclick={link.callback(|_| Msg::ToggleExport)} title="Export the displayed exchanges">{ "Export ▾" }</button>
                if self.export_menu {
                    <ul class="dropdown menu-list" id="export-menu">
                        <li id="export-json" onclick={link.callback(|_| Msg::Export("json", false))}>{ format!("Displayed ({n}) as JSON — full trees") }</li>
                        <li id="export-csv" onclick={link.callback(|_| Msg::Export("csv", false))}>{ format!("Displayed ({n}) as CSV — list columns") }</li>
                        <li id="export-csv-fields" onclick={link.callback(|_| Msg::Export("csv", true))}>{ "Displayed as CSV — filter keys as columns…" }</li>
                    </ul>
                }
            </div>
        }
    }

    pub(super) fn view_export_dialog(&self, ctx: &Context<Self>) -> Html {
        let Some((text, err)) = &self.export_dialog else { return html! {} };
        let link = ctx.link();
        let oninput = link.callback(|e: InputEvent| Msg::ExportFields(e.target_unchecked_into::<HtmlInputElement>().value()));
        let onkeydown = link.batch_callback(|e: KeyboardEvent| match e.key().as_str() {
            "Enter" => Some(Msg::Export("csv", false)),
            "Escape" => Some(Msg::ExportDialog(false)),
            _ => None,
        });
        html! {
            <div class="modal-back">
                <div class="modal" role="dialog" id="export-dialog">
                    <h2>{ "Export the displayed exchanges as CSV" }</h2>
                    <p>{ "Columns: filter keys, separated by commas or spaces (like mapiscope read -T fields -e KEY). A field that occurs several times gives its values joined by commas." }</p>
                    <input id="export-fields" class="wide" type="text" value={text.clone()} {oninput} {onkeydown} spellcheck="false" autocomplete="off"
                        placeholder="mapihttp.exchange.number, mapihttp.request_type, mapihttp.rop.id" />
                    if let Some(e) = err { <p class="bad" id="export-error">{ e }</p> }
                    <div class="actions">
                        <button class="btn" onclick={link.callback(|_| Msg::ExportDialog(false))}>{ "Cancel" }</button>
                        <button class="btn primary" id="export-ok" onclick={link.callback(|_| Msg::Export("csv", false))}>{ "Export CSV" }</button>
                    </div>
                </div>
            </div>
        }
    }

    pub(super) fn view_job(&self, ctx: &Context<Self>) -> Html {
        let Some(j) = &self.job else { return html! {} };
        let pct = if j.total > 0.0 { format!(" {:.0}%", 100.0 * j.done / j.total) } else { String::new() };
        html! {
            <div class="progress" role="progressbar" id="job">
                <div class="bar"></div>
                <span>{ format!("{}…{pct}", j.label) }</span>
                <button class="btn small ghost stop" id="job-stop" onclick={ctx.link().callback(|_| Msg::StopJob)}>{ "Stop" }</button>
            </div>
        }
    }

    pub(super) fn view_menu(&self, ctx: &Context<Self>) -> Html {
        let Some(m) = &self.menu else { return html! {} };
        let link = ctx.link();
        let item = |id: &'static str, label: String, a: MenuAction, on: bool| {
            html! {
                <li id={id} class={classes!((!on).then_some("off"))} onclick={link.batch_callback(move |_| on.then_some(Msg::Menu(a)))}>{ label }</li>
            }
        };
        let (filterable, head, tree) = match &m.target {
            MenuTarget::Node(i) => {
                let n = self.ex.as_ref().and_then(|x| x.tree.nodes.get(*i));
                let header = n.filter(|n| n.abbrev.is_none() && n.severity.is_none()).and_then(|n| header_filter(&n.display));
                let ok = header.is_some() || n.is_some_and(|n| n.abbrev.is_some() && n.source.is_some());
                let head = n.and_then(|n| n.abbrev.clone()).or(header).unwrap_or_else(|| "(no filter key)".into());
                (ok, head, true)
            }
            MenuTarget::Cell(_, f) => (f.is_some(), f.clone().unwrap_or_else(|| "(no filter for this column)".into()), false),
        };
        let and_or = !self.applied.is_empty();
        html! {
            <>
                <div class="menu-back" onmousedown={link.callback(|_| Msg::CloseMenu)}
                    oncontextmenu={link.callback(|e: MouseEvent| { e.prevent_default(); Msg::CloseMenu })}></div>
                <ul class="menu" id="context-menu" role="menu">
                    <li class="head">{ head }</li>
                    { item("menu-apply", "Apply as filter".into(), MenuAction::Apply(Combine::Selected), filterable) }
                    { item("menu-apply-not", "Apply as filter: not selected".into(), MenuAction::Apply(Combine::NotSelected), filterable) }
                    { item("menu-apply-and", "… and selected".into(), MenuAction::Apply(Combine::And), filterable && and_or) }
                    { item("menu-apply-or", "… or selected".into(), MenuAction::Apply(Combine::Or), filterable && and_or) }
                    { item("menu-apply-andnot", "… and not selected".into(), MenuAction::Apply(Combine::AndNot), filterable && and_or) }
                    <li class="sep"></li>
                    { item("menu-prepare", "Prepare as filter".into(), MenuAction::Prepare, filterable) }
                    { item("menu-copy-filter", "Copy as filter".into(), MenuAction::CopyFilter, filterable) }
                    if tree {
                        <li class="sep"></li>
                        { item("menu-copy-value", "Copy value".into(), MenuAction::CopyValue, true) }
                        { item("menu-copy-subtree", "Copy subtree as text".into(), MenuAction::CopySubtree, true) }
                    }
                </ul>
            </>
        }
    }

    pub(super) fn view_stats(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let Some(f) = self.file() else {
            return html! { <section class="stats" id="stats"><div class="hint">{ "Open a capture to see its statistics." }</div></section> };
        };
        let apply = link.callback(|t: String| Msg::SetFilter(t, true));
        let head = html! {
            <div class="stats-head">
                <span class="title">{ "Statistics" }</span>
                <span id="stats-scope">{ format!("{} displayed exchange{} of {}", self.view.len(), if self.view.len() == 1 { "" } else { "s" }, f.rows.len()) }</span>
                if !f.matched.is_empty() { <span class="key">{ format!("filter: {}", f.matched) }</span> }
                <span class="grow"></span>
                <button class="btn small" onclick={link.callback(|_| Msg::RefreshStats)}>{ "Recompute" }</button>
            </div>
        };
        let state = self.stats.as_ref().filter(|s| s.cap == f.cap);
        let body = match state.map(|s| (&s.report, &s.error)) {
            Some((_, Some(e))) => html! { <div class="hint bad">{ format!("Statistics failed: {e}") }</div> },
            Some((Some(r), None)) => self.view_report(r, f, &apply),
            _ => html! { <div class="hint">{ format!("Computing statistics of {} exchanges…", state.map_or(self.view.len(), |s| s.count)) }</div> },
        };
        let rows: Vec<&Row> = self.view.iter().filter_map(|&i| f.rows.get(i)).collect();
        html! {
            <section class="stats" id="stats">
                { head }
                <div class="charts">
                    <div class="card">{ time_chart(&rows, f.t0) }</div>
                    <div class="card">{ duration_chart(&rows) }</div>
                </div>
                { body }
            </section>
        }
    }

    fn view_report(&self, r: &Report, f: &Loaded, apply: &Callback<String>) -> Html {
        let mut rops: Vec<(String, u64)> = r.rops.iter().map(|s| (s.name.clone(), s.count)).collect();
        rops.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let codes: Vec<(String, u64)> = r.response_codes.iter().map(|c| (format!("{} {}", c.code, c.name), c.count)).collect();
        let rvs: Vec<(String, u64)> = r.return_values.iter().map(|c| (format!("0x{:08X} {}", c.code, c.name), c.count)).collect();
        let opt = |v: Option<String>| v.unwrap_or_default();
        let sessions: Vec<Line> = r
            .sessions
            .iter()
            .take(500)
            .map(|s| {
                let cells = vec![
                    s.index.to_string(),
                    opt(s.endpoint.clone()),
                    opt(s.user.clone()),
                    opt(s.duration.map(|d| format!("{d:.1} s"))),
                    s.requests.to_string(),
                    s.reconnects.to_string(),
                    s.pending.to_string(),
                ];
                (cells, Some(format!("mapihttp.session == {}", s.index)))
            })
            .collect();
        let bytes: Vec<Line> = r
            .bytes
            .iter()
            .map(|b| (vec![b.endpoint.clone(), b.exchanges.to_string(), b.request.to_string(), b.response.to_string()], Some(format!("mapihttp.endpoint == {}", quote(&b.endpoint)))))
            .collect();
        let comp: Vec<Line> = ["request", "response"]
            .iter()
            .zip(&r.compression)
            .map(|(d, x)| {
                let ratio = x.ratio.map_or("—".to_string(), |v| format!("{v:.2} ×"));
                (vec![d.to_string(), x.units.to_string(), x.compressed.to_string(), x.size.to_string(), x.size_actual.to_string(), ratio], None)
            })
            .collect();
        html! {
            <div class="report" id="stats-report" data-exchanges={r.exchanges.to_string()}>
                <div class="charts">
                    <div class="card">{ bar_chart("chart-rops", &format!("ROPs ({} kinds, {} in all)", rops.len(), rops.iter().map(|x| x.1).sum::<u64>()), &rops, "ROPs") }</div>
                    <div class="card">
                        { bar_chart("chart-codes", "X-ResponseCode", &codes, "responses") }
                        { bar_chart("chart-rv", "ROP ReturnValue", &rvs, "ROP responses") }
                    </div>
                </div>
                <h3>{ format!("Service response time per request type ({} exchanges)", r.exchanges) }</h3>
                { srt_table("srt-types", "Request type", &r.request_types, request_type_filter, apply) }
                <h3>{ "Service response time per ROP (the Execute's response time)" }</h3>
                { srt_table("srt-rops", "ROP", &r.rops, rop_filter, apply) }
                <div class="two">
                    <div>
                        <h3>{ format!("Sessions ({})", r.sessions.len()) }</h3>
                        { table("stats-sessions", &["#", "Endpoint", "User", "Duration", "Requests", "Reconnects", "PENDING"], 0b111_1001, sessions, apply) }
                    </div>
                    <div>
                        <h3>{ "Bytes per endpoint and direction" }</h3>
                        { table("stats-bytes", &["Endpoint", "Exchanges", "Request bytes", "Response bytes"], 0b1110, bytes, apply) }
                        <h3>{ "RopBuffer compression (RPC_HEADER_EXT units)" }</h3>
                        { table("stats-compression", &["Direction", "Units", "Compressed", "Size", "SizeActual", "Ratio"], 0b11_1110, comp, apply) }
                    </div>
                </div>
                <p class="muted">{ format!("Capture: {} · the numbers of mapiscope stats --json{}", f.name, if f.matched.is_empty() { String::new() } else { format!(" -Y '{}'", f.matched) }) }</p>
            </div>
        }
    }
}
