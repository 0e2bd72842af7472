// The JSON shapes returned (as text) by the mapiscope-wasm API. wasm-bindgen writes the function
// signatures to mapiscope_wasm.d.ts; this file describes what `JSON.parse` of their results gives.
//
//   import init, { initSync, version, decode, read, Capture } from "./mapiscope_wasm.js";
//   import type { DecodeDocument, ReadDocument, Row, Session, Diag, Summary, ExchangeDetail } from "./types";
//
//   initSync({ module: wasmBytes });            // or: await init();  (fetches mapiscope_wasm_bg.wasm)
//   const doc: DecodeDocument = JSON.parse(decode("Execute", requestBody, responseBody));
//   const cap = Capture.open(fileBytes, (done, total) => bar.value = done / total);
//   const rows: Row[] = JSON.parse(cap.list(0, 100));
//   const x: ExchangeDetail = JSON.parse(cap.exchange(rows[3].index));
//   const bytes: Uint8Array = cap.source(x.index, x.request!.source);
//   cap.free();
//
// Errors are thrown as `Error` whose message is the one-line reason the CLI prints (unknown request
// type; a file in no known format names the formats tried: "not a pcap, pcapng, HAR, Fiddler SAZ
// or raw HTTP file: …").

/** Severity of a diagnostic (Wireshark's expert info). */
export type Severity = "error" | "warning" | "note";

/**
 * One field of the decoded tree. `source`/`offset`/`length` are the exact bytes it was read from:
 * `source` indexes the `sources` of the document or exchange it belongs to.
 */
export interface Node {
  /** The field's name as the specification spells it ("RopId", "UserDn"). */
  name: string;
  /** The registered filter key ("mapihttp.rop.id"). */
  abbrev: string;
  /** The display line ("RopId: RopLogon (0xFE)"). */
  display: string;
  /**
   * The typed value: a number for integers up to 2^53 (a decimal string beyond), boolean, text,
   * bytes as lowercase hex, a GUID as "{…}", null for structures.
   */
  value: number | string | boolean | null;
  source: number;
  offset: number;
  length: number;
  children: Node[];
}

/**
 * A diagnostic. Decoder diagnostics have a span in a source; transport and capture diagnostics have
 * `source: null`, `offset` the byte offset in the capture file (or null) and `length: 0`.
 */
export interface Diag {
  severity: Severity;
  message: string;
  source: number | null;
  offset: number | null;
  length: number;
}

/** A source: the HTTP request body, the response body, or a derived payload (de-obfuscated, decompressed). */
export interface SourceInfo {
  id: number;
  name: string;
  length: number;
}

/** `decode(...)`: exactly `mapiscope decode --json`. */
export interface DecodeDocument {
  request: Node | null;
  response: Node | null;
  diagnostics: Diag[];
  sources: SourceInfo[];
}

/** One exchange of `read(...)` (exactly `mapiscope read FILE --json`). */
export interface ReadExchange {
  index: number;
  /** Seconds since the Unix epoch (fractional), or null. */
  time: number | null;
  session: number | null;
  endpoint: "emsmdb" | "nspi" | null;
  /** X-RequestType token, "Autodiscover", or null for other HTTP. */
  request_type: string | null;
  status: number | null;
  response_code: number | null;
  request: Node | null;
  response: Node | null;
  /** Transport diagnostics first, then the decoder's. */
  diagnostics: Diag[];
}

/** A session (a Session Context and its re-establishments), as in `read --json`. */
export interface Session {
  index: number;
  endpoint: "emsmdb" | "nspi" | null;
  /** What grouped it: "cookie MapiContext=…", "X-RequestId {GUID}", "X-ClientInfo {GUID}:n", "connection n", … */
  key: string;
  user: string | null;
  client_info: string | null;
  cookies: string[];
  first_time: number | null;
  last_time: number | null;
  requests: number;
  /** Indices of its exchanges, in order. */
  exchanges: number[];
  /** X-RequestId counter steps that skipped or went back: [previous, next]. */
  request_id_gaps: [number, number][];
  reconnects: number;
  context_not_found: number;
  expiration_info: number | null;
  pending_period: number | null;
  pending: number;
  server_time_ms: number;
  /** Sum of the exchanges' durations, seconds. */
  response_time: number | null;
  errors: number;
}

/** `read(...)`: exactly `mapiscope read FILE --json`. */
export interface ReadDocument {
  exchanges: ReadExchange[];
  sessions: Session[];
  diagnostics: Diag[];
}

/** A row of `Capture.list(start, end)`. */
export interface Row {
  index: number;
  /** Seconds since the Unix epoch (fractional), or null. */
  time: number | null;
  session: number | null;
  endpoint: "emsmdb" | "nspi" | null;
  /** X-RequestType token, "Autodiscover", or null for other HTTP. */
  request_type: string | null;
  kind: "mapi" | "autodiscover" | "http";
  /** HTTP method ("" when only the response was captured). */
  method: string;
  uri: string;
  status: number | null;
  /** X-ResponseCode, and its name ("Success", "ContextNotFound", …). */
  response_code: number | null;
  response_code_name: string | null;
  /** X-ElapsedTime (server processing time), ms. */
  elapsed_ms: number | null;
  /** PENDING keep-alives in the response. */
  pending: number;
  /** Seconds from the request to the last response byte. */
  duration: number | null;
  summary: string;
  /** ROP names of an Execute, in order. */
  rops: string[];
  /**
   * The worst diagnostic known without decoding the tree (transport: HTTP errors, X-ResponseCode,
   * missing/truncated messages, X-RequestId gaps, reconnects), or null. Decoder diagnostics are in
   * `ExchangeDetail.diagnostics`.
   */
  severity: Severity | null;
  /** Number of those diagnostics. */
  diagnostics: number;
}

/** `Capture.exchange(index)`: one exchange's tree, decoded with its session's ROP context. */
export interface ExchangeDetail {
  index: number;
  /** As in `read --json` (for Autodiscover: the Autodiscover request/response trees). */
  request: Node | null;
  response: Node | null;
  /** Transport diagnostics (source null) first, then the decoder's (with spans). */
  diagnostics: Diag[];
  /** What node and diagnostic `source` ids point at; bytes from `Capture.source(index, id)`. */
  sources: SourceInfo[];
  /** HTTP header fields in order, names as sent; null when that message was not captured. */
  request_headers: [string, string][] | null;
  response_headers: [string, string][] | null;
  /** Autodiscover exchanges: a summary node whose children are the tree's nodes for the URLs and user. */
  autodiscover: Node | null;
}

/** `Capture.summary()`. */
export interface Summary {
  /** "pcap" | "pcapng" | "har" | "saz" | "raw-http" */
  format: string;
  /** For people: "pcapng", "HAR", "Fiddler SAZ", "raw HTTP". */
  format_name: string;
  packets: number;
  tls_connections: number;
  exchanges: number;
  sessions: number;
}

// ---- Display filters, statistics and exports (the viewer's filter bar, Statistics view, exports) ----
//
//   const check: FilterCheck = JSON.parse(checkFilter(text));      // as the user types
//   const keys: FilterField[] = JSON.parse(filterFields());          // completion, once
//   const f = DisplayFilter.compile(text);                           // throws Error(headline)
//   let shown = []; for (let s = 0; s < cap.length; s += 500) shown.push(...cap.matchRange(f, s, s + 500));
//   const st = new StatsBuilder(); cap.statsAdd(st, Uint32Array.from(shown));
//   const report: StatsReport = JSON.parse(cap.statsReport(st));
//   const csv = cap.csvHeader(null) + cap.csvRows(Uint32Array.from(shown), null);
//   const json = `{"exchanges":[${cap.exchangesJson(Uint32Array.from(shown))}],"sessions":${cap.sessions()}}`;
//   const filterText = cap.filterForNode(x.index, node.abbrev, node.source, node.offset, node.length);

/** `checkFilter(text)`: a valid filter, or where and why it is wrong (offsets in UTF-16 units of `text`). */
export type FilterCheck =
  | { valid: true; empty: boolean; needs_dissection: boolean }
  | { valid: false; start: number; end: number; message: string; suggestion: string | null; headline: string };

/** `filterFields()`: every filter key (as `mapiscope fields` lists them), sorted by key. */
export interface FilterField {
  key: string;
  /** The field's name as the specification spells it (`RopId`), or the column name. */
  name: string;
  /** Storage type: "uint8", "uint32", "string", "bool", "none" (structure: presence only), … */
  type: string;
  description: string;
}

/** Service response time of a group: counts and seconds (null when no duration is known). */
export interface Srt {
  name: string;
  count: number;
  errors: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** RopBuffer compression in one direction ([MS-OXCRPC] 2.2.2.1 RPC_HEADER_EXT). */
export interface Compression {
  units: number;
  compressed: number;
  /** Bytes on the wire (Size) and after decompression (SizeActual). */
  size: number;
  size_actual: number;
  ratio: number | null;
}

/** `Capture.statsReport(builder)`: exactly `mapiscope stats --json`. */
export interface StatsReport {
  exchanges: number;
  request_types: Srt[];
  rops: Srt[];
  response_codes: { code: number; name: string; count: number }[];
  return_values: { value: number; name: string; count: number }[];
  sessions: { index: number; user: string; endpoint: string; duration: number | null; requests: number; reconnects: number; pending: number }[];
  bytes: { endpoint: string; exchanges: number; request: number; response: number }[];
  compression: { request: Compression; response: Compression };
}
