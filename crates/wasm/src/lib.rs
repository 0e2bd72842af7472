//! # mapiscope-wasm
//!
//! The mapiscope decoder for JavaScript (browsers, Web Workers, Node), built with wasm-bindgen
//! (`cargo xtask wasm` → `target/wasm-pkg/mapiscope_wasm.js` + `mapiscope_wasm_bg.wasm`, ES module,
//! `--target web`). Everything returns JSON text (parse it with `JSON.parse`); the shapes are the
//! CLI's contracts and are written out as TypeScript interfaces in `types.d.ts`:
//!
//! - [`decode`]`(requestType, request?, response?)` — exactly `mapiscope decode --json`
//!   ([`mapiscope_codec::json`]).
//! - [`read`]`(bytes)` — exactly `mapiscope read FILE --json` ([`mapiscope_capture::json`]): every
//!   exchange with its full tree.
//! - [`Capture`] — the indexed form for big files and viewers: `Capture.open(bytes, progress?)` builds
//!   the exchange list at indexing speed ([`mapiscope_capture::lazy::LazyCapture`]); `list(start,
//!   end)` returns rows, `exchange(i)` the tree of one exchange (decoded then, with its session's ROP
//!   context), `source(i, id)` the bytes a node's span points into; `Capture.openBare(text,
//!   requestType, isResponse)` does the same for one body pasted as hex or base64.
//!
//! Errors (an unknown request type, a file in no known format) are thrown as JavaScript `Error`s
//! whose message is the one-line reason the CLI prints. Nothing here panics on input: the decoders
//! bound every size and count read from the data.
//!
//! The functions below the `#[wasm_bindgen]` wrappers (`*_json`) are plain Rust and tested natively.

#![forbid(unsafe_code)]

use mapiscope_capture::lazy::{self, LazyCapture};
use mapiscope_capture::mapi::Mode;
use mapiscope_capture::Limits;
use mapiscope_codec::RequestType;
use wasm_bindgen::prelude::*;

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// [`decode`] as Rust: the `decode --json` document, or the error message.
pub fn decode_json(request_type: &str, request: Option<&[u8]>, response: Option<&[u8]>) -> Result<String, String> {
    let t = RequestType::from_token(request_type)
        .ok_or_else(|| format!("unknown request type {request_type:?}; expected one of the X-RequestType values (Connect, Execute, Bind, …)"))?;
    if request.is_none() && response.is_none() {
        return Err(String::from("decode needs a request body and/or a response body"));
    }
    let (d, _) = mapiscope_codec::decode_exchange(t, request, response);
    Ok(mapiscope_codec::json::document(&d, request.is_some(), response.is_some()))
}

/// Decodes a request and/or response body of one MAPI/HTTP exchange ([MS-OXCMAPIHTTP] 2.2.4, 2.2.5:
/// `requestType` is the X-RequestType token, e.g. `"Execute"`). Returns the JSON of
/// `mapiscope decode --json`: `{"request", "response", "diagnostics", "sources"}`. Throws an `Error`
/// for an unknown request type or when both bodies are missing.
#[wasm_bindgen]
pub fn decode(request_type: &str, request: Option<Vec<u8>>, response: Option<Vec<u8>>) -> Result<String, JsError> {
    decode_json(request_type, request.as_deref(), response.as_deref()).map_err(|e| JsError::new(&e))
}

/// [`read`] as Rust: the `read --json` document, or the one-line reason the file is unreadable.
pub fn read_json(bytes: Vec<u8>) -> Result<String, String> {
    let capture = mapiscope_capture::sniff::read(&bytes, &Limits::default()).map_err(|e| e.message)?;
    drop(bytes);
    let mut out = Vec::new();
    mapiscope_capture::json::write_streaming(capture, Mode::Full, &mut out).map_err(|e| e.to_string())?;
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Reads a capture (pcap, pcapng, HAR, Fiddler SAZ or raw HTTP, detected from the content) and
/// returns the JSON of `mapiscope read FILE --json`: `{"exchanges", "sessions", "diagnostics"}`
/// with every exchange's full tree. Throws an `Error` naming the formats tried when the bytes are
/// none of them. For big captures use [`Capture`].
#[wasm_bindgen]
pub fn read(bytes: Vec<u8>) -> Result<String, JsError> {
    read_json(bytes).map_err(|e| JsError::new(&e))
}

/// Grows the heap by `n` bytes at once (then frees them for the allocator to reuse). Without it,
/// reading a big capture grows the wasm memory a few pages at a time, and every `memory.grow`
/// costs the JS engine a garbage collection: measured in Node 20 on a 100 MB pcapng, 2/3 of the
/// reading time went to growing (12 s instead of 2 s). Reading needs about this much beside the file
/// anyway, so the peak stays the same. Does nothing when the memory cannot grow that much.
fn reserve_heap(n: usize) {
    let mut v: Vec<u8> = Vec::new();
    if v.try_reserve_exact(n).is_ok() {
        // Keep the optimiser from removing the allocation.
        std::hint::black_box(&mut v);
    }
}

/// A capture opened for viewing: the exchange list is built when it is opened, the tree of an
/// exchange when it is asked for.
#[wasm_bindgen]
pub struct Capture {
    inner: LazyCapture,
}

impl Capture {
    /// [`Capture::open`] as Rust, with a Rust progress callback.
    pub fn open_with(bytes: Vec<u8>, progress: &mut dyn FnMut(u64, u64)) -> Result<Capture, String> {
        reserve_heap(bytes.len().saturating_add(bytes.len() / 4));
        let total = bytes.len() as u64;
        let half = total / 2;
        let capture = lazy::read_with_progress(&bytes, &Limits::default(), &mut |d, _| progress(d / 2, total)).map_err(|e| e.message)?;
        // The file is read: its bytes are no longer needed.
        drop(bytes);
        let inner = LazyCapture::index(capture, &mut |d, n| {
            let done = if n == 0 { total } else { half + (u128::from(d) * u128::from(total - half) / u128::from(n)) as u64 };
            progress(done.min(total), total)
        });
        Ok(Capture { inner })
    }

    /// [`Capture::open_bare`] as Rust.
    pub fn open_bare_with(text: &[u8], request_type: &str, is_response: bool) -> Result<Capture, String> {
        let t = RequestType::from_token(request_type)
            .ok_or_else(|| format!("unknown request type {request_type:?}; expected one of the X-RequestType values (Connect, Execute, Bind, …)"))?;
        let capture = mapiscope_capture::body::read_bare_body(text, t, is_response).map_err(|e| e.message)?;
        Ok(Capture { inner: LazyCapture::index(capture, &mut |_, _| {}) })
    }

    /// The lazily built capture.
    pub fn inner(&self) -> &LazyCapture {
        &self.inner
    }

    /// [`Capture::list`] as Rust.
    pub fn list_json(&self, start: usize, end: usize) -> String {
        let xs = &self.inner.capture().exchanges;
        let end = end.min(xs.len());
        let start = start.min(end);
        let mut out = String::with_capacity((end - start) * 400 + 2);
        out.push('[');
        for (k, x) in xs.get(start..end).unwrap_or(&[]).iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            lazy::row(&mut out, x);
        }
        out.push(']');
        out
    }

    /// [`Capture::exchange`] as Rust; None for an index out of range.
    pub fn exchange_json(&mut self, index: usize) -> Option<String> {
        self.inner.exchange(index)?;
        let x = self.inner.last()?;
        let mut out = String::new();
        lazy::detail(&mut out, x, self.inner.message(index));
        Some(out)
    }

    /// [`Capture::source`] as Rust; None when the exchange or source does not exist.
    pub fn source_bytes(&mut self, index: usize, source: usize) -> Option<Vec<u8>> {
        let x = self.inner.exchange(index)?;
        x.dissection.as_ref()?.sources.get(source).map(|s| s.data.to_vec())
    }
}

#[wasm_bindgen]
impl Capture {
    /// Reads and indexes a capture (any supported format, detected from the content). `progress`,
    /// if given, is called as `progress(done, total)` with byte counts of the file while it is read
    /// and indexed (about every MiB, and at the end with `done == total`). Throws an `Error` naming
    /// the formats tried when the bytes are none of them.
    pub fn open(bytes: Vec<u8>, progress: Option<js_sys::Function>) -> Result<Capture, JsError> {
        let mut report = |done: u64, total: u64| {
            if let Some(f) = &progress {
                // A throwing callback does not stop the reading.
                let _ = f.call2(&JsValue::NULL, &JsValue::from_f64(done as f64), &JsValue::from_f64(total as f64));
            }
        };
        Capture::open_with(bytes, &mut report).map_err(|e| JsError::new(&e))
    }

    /// Opens a bare body pasted as text — hex (with or without spaces) or base64 — as a capture of
    /// one exchange, like `mapiscope read --body-type T [--body-response]`: the request body of
    /// `requestType`, or its response body when `isResponse`. Unlike [`decode`], its derived
    /// payloads (de-obfuscated, decompressed) are available from `source()`. Throws an `Error` for
    /// an unknown request type or text that is neither hex nor base64.
    #[wasm_bindgen(js_name = openBare)]
    pub fn open_bare(
        text: &[u8],
        #[wasm_bindgen(js_name = requestType)] request_type: &str,
        #[wasm_bindgen(js_name = isResponse)] is_response: bool,
    ) -> Result<Capture, JsError> {
        Capture::open_bare_with(text, request_type, is_response).map_err(|e| JsError::new(&e))
    }

    /// Number of exchanges.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// The format detected: `"pcap"`, `"pcapng"`, `"har"`, `"saz"`, `"raw-http"`.
    pub fn format(&self) -> String {
        lazy::format_token(self.inner.capture().format).to_string()
    }

    /// JSON array of the rows of exchanges `start..end` (clamped to the capture):
    /// `{"index","time","session","endpoint","request_type","kind","method","uri","status",
    /// "response_code","response_code_name","elapsed_ms","pending","duration","summary","rops",
    /// "severity","diagnostics"}`.
    pub fn list(&self, start: usize, end: usize) -> String {
        self.list_json(start, end)
    }

    /// JSON array of the sessions, as in `read --json`.
    pub fn sessions(&self) -> String {
        let mut out = String::from("[");
        for (k, s) in self.inner.capture().sessions.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            mapiscope_capture::json::session(&mut out, s);
        }
        out.push(']');
        out
    }

    /// JSON array of the capture-level diagnostics (`Diag` with `"source": null` and `"offset"` the
    /// byte offset in the file when known).
    pub fn diagnostics(&self) -> String {
        let mut out = String::from("[");
        for (k, d) in self.inner.capture().diagnostics.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            mapiscope_capture::json::capture_diagnostic(&mut out, d);
        }
        out.push(']');
        out
    }

    /// JSON `{"format","format_name","packets","tls_connections","exchanges","sessions"}`.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        lazy::summary(&mut out, self.inner.capture());
        out
    }

    /// JSON of one exchange with its tree: `{"index","request","response","diagnostics","sources",
    /// "request_headers","response_headers","autodiscover"}`. Throws for an index out of range.
    pub fn exchange(&mut self, index: usize) -> Result<String, JsError> {
        self.exchange_json(index).ok_or_else(|| JsError::new(&format!("no exchange {index} (the capture has {})", self.inner.len())))
    }

    /// The bytes of source `sourceId` of exchange `index` (the ids of `exchange(index).sources`):
    /// the HTTP request body, the response body, each de-obfuscated or decompressed payload.
    /// Throws when there is no such source.
    pub fn source(&mut self, index: usize, #[wasm_bindgen(js_name = sourceId)] source_id: usize) -> Result<Vec<u8>, JsError> {
        self.source_bytes(index, source_id).ok_or_else(|| JsError::new(&format!("exchange {index} has no source {source_id}")))
    }
}

/// Checks a display filter as the user types it (the Wireshark display-filter language of
/// `mapiscope read -Y`): `{"valid":true,"empty","needs_dissection"}`, or
/// `{"valid":false,"start","end","message","suggestion","headline"}` where `start..end` is the span of
/// the mistake in UTF-16 offsets of `text`.
#[wasm_bindgen(js_name = checkFilter)]
pub fn check_filter(text: &str) -> String {
    view::check_filter_json(text)
}

/// Every filter key, sorted: `[{"key","name","type","description"}]` (for completion).
#[wasm_bindgen(js_name = filterFields)]
pub fn filter_fields() -> String {
    view::fields_json()
}

/// A compiled display filter, for [`Capture::match_range`].
#[wasm_bindgen]
pub struct DisplayFilter {
    inner: mapiscope_filter::Filter,
}

#[wasm_bindgen]
impl DisplayFilter {
    /// Compiles a filter; throws an `Error` whose message is the mistake with its suggestion
    /// (use [`check_filter`] for the span).
    pub fn compile(text: &str) -> Result<DisplayFilter, JsError> {
        mapiscope_filter::Filter::compile(text).map(|inner| DisplayFilter { inner }).map_err(|e| JsError::new(&e.headline()))
    }

    /// Whether the filter reads decoded trees (slower) rather than exchange-level values only.
    #[wasm_bindgen(getter, js_name = needsDissection)]
    pub fn needs_dissection(&self) -> bool {
        self.inner.needs_dissection()
    }

    /// The filter's text.
    #[wasm_bindgen(getter)]
    pub fn text(&self) -> String {
        self.inner.text().to_string()
    }
}

/// Statistics being gathered over chosen exchanges ([`Capture::stats_add`]).
#[wasm_bindgen]
pub struct StatsBuilder {
    inner: mapiscope_filter::stats::Stats,
}

#[wasm_bindgen]
impl StatsBuilder {
    /// No exchange counted yet.
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> StatsBuilder {
        StatsBuilder { inner: mapiscope_filter::stats::Stats::default() }
    }
}

#[wasm_bindgen]
impl Capture {
    /// The indices in `start..end` (clamped to the capture) of the exchanges that match `filter`.
    /// Trees are decoded only when the filter needs them; call it in chunks to show progress.
    #[wasm_bindgen(js_name = matchRange)]
    pub fn match_range_js(&mut self, filter: &DisplayFilter, start: usize, end: usize) -> Vec<u32> {
        self.match_range(&filter.inner, start, end)
    }

    /// Adds these exchanges (decoded in full) to the statistics.
    #[wasm_bindgen(js_name = statsAdd)]
    pub fn stats_add_js(&mut self, stats: &mut StatsBuilder, indices: &[u32]) {
        self.stats_add(&mut stats.inner, indices);
    }

    /// The statistics gathered, as `mapiscope stats --json` writes them (the sessions table has the
    /// sessions of the counted exchanges).
    #[wasm_bindgen(js_name = statsReport)]
    pub fn stats_report_js(&self, stats: &StatsBuilder) -> String {
        self.stats_report(&stats.inner)
    }

    /// The exchange objects of `read --json` (with their trees) for these indices, joined by
    /// commas without brackets: an export assembles `{"exchanges":[…],"sessions":…,"diagnostics":…}`
    /// from chunks.
    #[wasm_bindgen(js_name = exchangesJson)]
    pub fn exchanges_json_js(&mut self, indices: &[u32]) -> String {
        self.exchanges_json(indices)
    }

    /// The header line of a CSV export: the list columns (`fields` null) or the filter keys given.
    /// Throws for an unknown key.
    #[wasm_bindgen(js_name = csvHeader)]
    pub fn csv_header_js(&self, fields: Option<Vec<String>>) -> Result<String, JsError> {
        Capture::csv_header(fields.as_deref()).map_err(|e| JsError::new(&e))
    }

    /// CSV lines (RFC 4180, CRLF) of these exchanges: the list columns, or the values of the filter
    /// keys given (several occurrences joined by commas, like `read -T fields`).
    #[wasm_bindgen(js_name = csvRows)]
    pub fn csv_rows_js(&mut self, indices: &[u32], fields: Option<Vec<String>>) -> Result<String, JsError> {
        self.csv_rows(indices, fields.as_deref()).map_err(|e| JsError::new(&e))
    }

    /// "Apply as filter": the filter text that selects the node of exchange `index` with this key
    /// (`abbrev`) and span (`source`, `offset`, `length` as in the tree JSON), e.g.
    /// `mapihttp.rop.id == 0x15`. Throws when there is no such node.
    #[wasm_bindgen(js_name = filterForNode)]
    pub fn filter_for_node_js(&mut self, index: usize, key: &str, source: usize, offset: usize, length: usize) -> Result<String, JsError> {
        self.filter_for_node(index, key, source, offset, length).map_err(|e| JsError::new(&e))
    }
}

mod view;

#[cfg(test)]
mod tests;
