// mapiscope decoding worker (a module worker).
//
// The UI thread never links the codec: it posts requests here and gets JSON strings (the crates/wasm
// contract, parsed by the UI) or transferable byte buffers back, so decoding a big capture never
// freezes the page. Every request carries an `id`; every reply echoes it with `op` and the request's
// parameters, plus `ok` and either `result` or `error` (a one-line message).
//
// Requests:
//   {op:"open", id, name, file?: Blob, text?: string, url?: string}
//       → {cap, name, format, length, summary, rows, sessions, diagnostics} (JSON strings),
//         with {op:"progress", id, done, total} messages while reading and indexing.
//   {op:"exchange", id, cap, index} → {json}            (Capture.exchange)
//   {op:"source", id, cap, index, source} → {bytes}     (Capture.source, transferred)
//   {op:"bare", id, name, text, requestType, direction}  → a bare hex/base64 body (Capture.openBare)
//   {op:"close", id, cap}
//
// Display filters, statistics and exports (the engine of `mapiscope read -Y` / `stats` / `-T`):
//   {op:"fields", id} → {json}                           (filterFields(): every key, for completion,
//       with the descriptions from fields.json merged in)
//   {op:"check", id, text} → {json, text}                (checkFilter(text): valid, or the mistake's span)
//   {op:"filter", id, cap, text} → {indices: Uint32Array (transferred), total, matched, ms, needsDissection}
//       Runs Capture.matchRange in chunks (500 exchanges when the filter reads trees, else 50,000),
//       ~30 ms of work per slice, with {op:"progress", id, phase:"filtering", done, total} between
//       slices. A newer `filter` (or `cancel`) for the same capture stops it: its reply is
//       {ok:false, cancelled:true}. An empty text matches everything ({indices: null}).
//   {op:"stats", id, cap, indices?: Uint32Array} → {json}   (statsAdd in chunks + statsReport:
//       `mapiscope stats --json` over these exchanges, all when `indices` is missing; progress
//       phase "statistics"; cancelled by a newer `stats`)
//   {op:"export", id, cap, format:"json"|"csv", indices?: Uint32Array, fields?: string[]}
//       → {blob, count}: a Blob assembled from chunks (JSON: the `read --json` document of these
//       exchanges; CSV: the list columns, or the filter keys in `fields`); progress phase "exporting"
//   {op:"nodeFilter", id, cap, index, key, source, offset, length} → {text}   (Capture.filterForNode)
//   {op:"cancel", id, cap, what:"filter"|"stats"}

import init, * as wasm from "./pkg/mapiscope_wasm.js";

const ready = init({ module_or_path: new URL("./pkg/mapiscope_wasm_bg.wasm", import.meta.url) });
// Tell the page when the decoder is compiled (it shows on <body data-decoder="ready">).
ready.then(
  () => postMessage({ id: 0, op: "ready", ok: true, result: { version: wasm.version() } }),
  (e) => postMessage({ id: 0, op: "worker-error", ok: false, error: `the decoder could not start: ${oneLine(e)}` }),
);
const captures = new Map(); // cap id → {capture}
let nextCap = 1;

function reply(msg, extra, transfer) {
  postMessage(Object.assign({ id: msg.id, op: msg.op, cap: msg.cap, index: msg.index, source: msg.source }, extra), transfer || []);
}

function oneLine(e) {
  const s = e && e.message ? e.message : String(e);
  return s.split("\n")[0];
}

async function readInput(msg) {
  if (msg.text !== undefined) return new TextEncoder().encode(msg.text);
  if (msg.url !== undefined) {
    const r = await fetch(msg.url);
    if (!r.ok) throw new Error(`could not load ${msg.url}: HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  }
  const total = msg.file.size;
  postMessage({ id: msg.id, op: "progress", phase: "reading", done: 0, total });
  return new Uint8Array(await msg.file.arrayBuffer());
}

async function open(msg) {
  const tRead0 = performance.now();
  const bytes = await readInput(msg);
  const readMs = performance.now() - tRead0;
  const t0 = performance.now();
  let lastPost = 0;
  const capture = wasm.Capture.open(bytes, (done, total) => {
    const now = performance.now();
    if (now - lastPost > 50 || done >= total) {
      lastPost = now;
      postMessage({ id: msg.id, op: "progress", phase: "decoding", done, total });
    }
  });
  const tOpen = performance.now() - t0;
  const cap = nextCap++;
  captures.set(cap, { capture });
  const length = capture.length;
  // The first rows go out with the reply so the list shows at once; the rest follows in one
  // {op:"rows"} message (sorting and filtering then apply to all of them).
  const first = Math.min(length, FIRST_ROWS);
  const result = {
    cap,
    name: msg.name,
    format: capture.format(),
    length,
    bytes: bytes.length,
    summary: capture.summary(),
    rows: capture.list(0, first),
    more: length > first,
    sessions: capture.sessions(),
    diagnostics: capture.diagnostics(),
    ms: tOpen,
    timing: `read ${readMs.toFixed(0)} ms, Capture.open ${tOpen.toFixed(0)} ms, first rows ${(performance.now() - t0 - tOpen).toFixed(0)} ms`,
  };
  if (length > first) {
    pendingRows.push({ id: msg.id, cap, start: first, end: length });
  }
  return result;
}

const FIRST_ROWS = 300;
const pendingRows = [];

// The rest of the rows, in chunks with a pause between them so that the UI thread paints the
// first rows and stays responsive while it parses the others.
const CHUNK_ROWS = 4000;
function sendPendingRows() {
  const p = pendingRows[0];
  if (!p) return;
  const c = captures.get(p.cap);
  if (!c) {
    pendingRows.shift();
  } else {
    const end = Math.min(p.end, p.start + CHUNK_ROWS);
    const last = end >= p.end;
    postMessage({ id: p.id, op: "rows", cap: p.cap, ok: true, result: { rows: c.capture.list(p.start, end), last } });
    p.start = end;
    if (last) pendingRows.shift();
  }
  if (pendingRows.length) setTimeout(sendPendingRows, 60);
}

// A bare body pasted as hex (plain, 0x-prefixed, comma separated, or a hex dump with offset and
// ASCII columns) or base64 (standard or URL-safe, padding optional).
function decodeBodyText(text) {
  const t = text.trim();
  const lines = t.split(/\r?\n/);
  const dump = /^[0-9a-fA-F]{4,8}:?\s{1,3}(?:[0-9a-fA-F]{2}\s{1,2}){1,16}/;
  let hex = "";
  if (lines.every((l) => l.trim() === "" || dump.test(l))) {
    for (const l of lines) {
      const m = l.replace(/^[0-9a-fA-F]{4,8}:?\s+/, "").replace(/\s{2,}\|.*$/, "").replace(/\s{3,}.*$/, "");
      hex += m;
    }
  } else {
    hex = t;
  }
  hex = hex.replace(/0x/gi, "").replace(/[\s,;:]/g, "");
  if (hex.length > 0 && hex.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(hex)) {
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }
  let b = t.replace(/\s/g, "").replace(/-/g, "+").replace(/_/g, "/");
  while (b.length % 4 !== 0) b += "=";
  let bin;
  try {
    bin = atob(b);
  } catch (_) {
    throw new Error("not hex or base64 text");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (out.length === 0) throw new Error("the body text is empty");
  return out;
}

function bare(msg) {
  const body = decodeBodyText(msg.text);
  const isResponse = msg.direction === "response";
  // Normalised to plain hex, then opened as a one-exchange capture: its decompressed and
  // de-obfuscated payloads are sources with bytes, as for any exchange of a capture.
  let hex = "";
  for (const b of body) hex += b.toString(16).padStart(2, "0");
  const t0 = performance.now();
  const capture = wasm.Capture.openBare(new TextEncoder().encode(hex), msg.requestType, isResponse);
  const cap = nextCap++;
  captures.set(cap, { capture });
  return {
    cap, name: msg.name, format: "bare body", length: capture.length, bytes: body.length,
    summary: capture.summary(), rows: capture.list(0, capture.length), sessions: capture.sessions(),
    diagnostics: capture.diagnostics(), ms: performance.now() - t0,
  };
}

// Every filter key for completion. The decoder wasm leaves the descriptions out (size): they come
// from fields.json next to this file (written by `cargo xtask dist`), fetched once, when present.
async function fieldsJson() {
  const list = JSON.parse(wasm.filterFields());
  if (list.some((f) => !f.description)) {
    try {
      const r = await fetch(new URL("./fields.json", import.meta.url));
      if (r.ok) {
        const d = await r.json();
        for (const f of list) if (!f.description && typeof d[f.key] === "string") f.description = d[f.key];
      }
    } catch (_) {
      // Completion works without descriptions.
    }
  }
  return JSON.stringify(list);
}

function cap(msg) {
  const c = captures.get(msg.cap);
  if (!c) throw new Error("this capture is closed");
  return c;
}

const SLICE_MS = 30;
const yieldNow = () => new Promise((r) => setTimeout(r, 0));
const cancelled = () => Object.assign(new Error("cancelled"), { cancelled: true });

// Starts a cancellable job of kind `what` on capture `c`: any older job of that kind stops.
function startJob(c, what) {
  const token = { cancelled: false };
  c.jobs = c.jobs || {};
  if (c.jobs[what]) c.jobs[what].cancelled = true;
  c.jobs[what] = token;
  return token;
}

function allIndices(n) {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}

async function filter(msg) {
  const c = cap(msg);
  const token = startJob(c, "filter");
  const total = c.capture.length;
  if (!msg.text || !msg.text.trim()) return { indices: null, total, matched: total, ms: 0, needsDissection: false };
  const t0 = performance.now();
  const f = wasm.DisplayFilter.compile(msg.text);
  try {
    const needsDissection = f.needsDissection;
    const chunk = needsDissection ? 500 : 50000;
    const parts = [];
    let matched = 0;
    let start = 0;
    while (start < total) {
      const s0 = performance.now();
      while (start < total && performance.now() - s0 < SLICE_MS) {
        const end = Math.min(total, start + chunk);
        const m = c.capture.matchRange(f, start, end);
        parts.push(m);
        matched += m.length;
        start = end;
      }
      if (start < total) {
        postMessage({ id: msg.id, op: "progress", phase: "filtering", cap: msg.cap, done: start, total });
        await yieldNow();
        if (token.cancelled) throw cancelled();
      }
    }
    const indices = new Uint32Array(matched);
    let at = 0;
    for (const p of parts) {
      indices.set(p, at);
      at += p.length;
    }
    return { indices, total, matched, ms: performance.now() - t0, needsDissection };
  } finally {
    f.free();
  }
}

async function stats(msg) {
  const c = cap(msg);
  const token = startJob(c, "stats");
  const indices = msg.indices || allIndices(c.capture.length);
  const b = new wasm.StatsBuilder();
  try {
    let start = 0;
    while (start < indices.length) {
      const s0 = performance.now();
      while (start < indices.length && performance.now() - s0 < SLICE_MS) {
        const end = Math.min(indices.length, start + 300);
        c.capture.statsAdd(b, indices.subarray(start, end));
        start = end;
      }
      if (start < indices.length) {
        postMessage({ id: msg.id, op: "progress", phase: "statistics", cap: msg.cap, done: start, total: indices.length });
        await yieldNow();
        if (token.cancelled) throw cancelled();
      }
    }
    return { json: c.capture.statsReport(b), count: indices.length };
  } finally {
    b.free();
  }
}

async function exportOp(msg) {
  const c = cap(msg);
  const indices = msg.indices || allIndices(c.capture.length);
  const csv = msg.format === "csv";
  const fields = csv && msg.fields && msg.fields.length ? msg.fields : null;
  const parts = [];
  if (csv) parts.push(c.capture.csvHeader(fields));
  else parts.push('{"exchanges":[');
  const step = csv ? 1000 : 200;
  let first = true;
  for (let start = 0; start < indices.length; start += step) {
    const chunk = indices.subarray(start, Math.min(indices.length, start + step));
    if (csv) {
      parts.push(c.capture.csvRows(chunk, fields));
    } else {
      const s = c.capture.exchangesJson(chunk);
      if (s) {
        if (!first) parts.push(",");
        parts.push(s);
        first = false;
      }
    }
    if (start + step < indices.length) {
      postMessage({ id: msg.id, op: "progress", phase: "exporting", cap: msg.cap, done: start + step, total: indices.length });
      await yieldNow();
    }
  }
  if (!csv) parts.push(`],"sessions":${c.capture.sessions()},"diagnostics":${c.capture.diagnostics()}}\n`);
  const blob = new Blob(parts, { type: csv ? "text/csv" : "application/json" });
  return { blob, count: indices.length };
}

function exchange(msg) {
  const c = captures.get(msg.cap);
  if (!c) throw new Error("this capture is closed");
  return { json: c.capture.exchange(msg.index) };
}

function source(msg) {
  const c = captures.get(msg.cap);
  if (!c) throw new Error("this capture is closed");
  return { bytes: c.capture.source(msg.index, msg.source) };
}

onmessage = async (ev) => {
  const msg = ev.data;
  try {
    await ready;
    let result;
    switch (msg.op) {
      case "open": result = await open(msg); break;
      case "bare": result = bare(msg); break;
      case "exchange": result = exchange(msg); break;
      case "source": {
        const r = source(msg);
        reply(msg, { ok: true, result: r }, [r.bytes.buffer]);
        return;
      }
      case "close": {
        const c = captures.get(msg.cap);
        if (c && c.capture && c.capture.free) c.capture.free();
        captures.delete(msg.cap);
        result = {};
        break;
      }
      case "version": result = { version: wasm.version() }; break;
      case "fields": result = { json: await fieldsJson() }; break;
      case "check": result = { json: wasm.checkFilter(msg.text), text: msg.text }; break;
      case "filter": {
        const r = await filter(msg);
        reply(msg, { ok: true, result: r, text: msg.text }, r.indices ? [r.indices.buffer] : []);
        return;
      }
      case "stats": result = await stats(msg); break;
      case "export": result = await exportOp(msg); break;
      case "nodeFilter": {
        result = { text: cap(msg).capture.filterForNode(msg.index, msg.key, msg.source, msg.offset, msg.length) };
        break;
      }
      case "cancel": {
        const c = captures.get(msg.cap);
        if (c && c.jobs && c.jobs[msg.what]) c.jobs[msg.what].cancelled = true;
        result = {};
        break;
      }
      default: throw new Error(`unknown request ${msg.op}`);
    }
    reply(msg, { ok: true, result });
    if (msg.op === "open") setTimeout(sendPendingRows, 60);
  } catch (e) {
    reply(msg, { ok: false, error: oneLine(e), name: msg.name, cancelled: !!(e && e.cancelled), text: msg.text });
  }
};
