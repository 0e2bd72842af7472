// Capture.open throughput under Node: `node crates/wasm/bench/open.mjs FILE [PKG_DIR]`.
// Prints MB/s of Capture.open, the wasm memory at the end (wasm memory never shrinks, so it is the
// peak), the process's peak RSS, the time of a few list/exchange calls, and of the viewer's display
// filters (exchange-level and tree) and statistics over the whole capture.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const file = process.argv[2];
const pkg = path.resolve(process.argv[3] || path.join(root, "target/wasm-pkg"));
if (!file) {
  console.error("usage: node crates/wasm/bench/open.mjs FILE [PKG_DIR]");
  process.exit(2);
}
const api = await import(pathToFileURL(path.join(pkg, "mapiscope_wasm.js")).href);
const wasm = api.initSync({ module: fs.readFileSync(path.join(pkg, "mapiscope_wasm_bg.wasm")) });
const bytes = new Uint8Array(fs.readFileSync(file));
const mb = bytes.length / 1e6;
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6;
const cpu0 = process.cpuUsage();
let t = process.hrtime.bigint();
let calls = 0;
let readMs = null;
const cap = api.Capture.open(bytes, (done, total) => {
  calls++;
  if (readMs === null && done >= Math.floor(total / 2)) readMs = ms(t);
});
const openMs = ms(t);
const cpu = process.cpuUsage(cpu0);
t = process.hrtime.bigint();
const rows = JSON.parse(cap.list(0, 100));
const listMs = ms(t);
t = process.hrtime.bigint();
const last = cap.exchange(cap.length - 1);
const lastMs = ms(t);
t = process.hrtime.bigint();
const next = cap.exchange(cap.length - 2);
const prevMs = ms(t);
// The viewer's filter bar: an exchange-level filter (index only) and a tree filter (every exchange
// decoded), in the worker's chunks of 500; then statistics over all exchanges.
const filterMs = (text) => {
  const f = api.DisplayFilter.compile(text);
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let s = 0; s < cap.length; s += 500) n += cap.matchRange(f, s, s + 500).length;
  f.free();
  return [ms(t0), n];
};
const [fx, nx] = filterMs('mapihttp.request_type == "Execute" && mapihttp.exchange.duration > 0.05');
const [ft, nt] = filterMs("mapihttp.rop.id == RopQueryRows && mapihttp.rop.returnvalue == 0");
t = process.hrtime.bigint();
const st = new api.StatsBuilder();
cap.statsAdd(st, Uint32Array.from({ length: cap.length }, (_, i) => i));
const statsJson = cap.statsReport(st);
const statsMs = ms(t);
st.free();
console.log(JSON.stringify({
  file: path.basename(file),
  mb: +mb.toFixed(1),
  exchanges: cap.length,
  open_ms: Math.round(openMs),
  open_mb_s: +(mb / (openMs / 1000)).toFixed(1),
  open_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
  open_mb_s_cpu: +(mb / ((cpu.user + cpu.system) / 1e6)).toFixed(1),
  read_phase_ms: Math.round(readMs),
  index_phase_ms: Math.round(openMs - readMs),
  progress_calls: calls,
  wasm_memory_mb: +(wasm.memory.buffer.byteLength / 1e6).toFixed(1),
  max_rss_mb: +(process.resourceUsage().maxRSS / 1e3).toFixed(1),
  list100_ms: +listMs.toFixed(2),
  rows: rows.length,
  last_exchange_ms: Math.round(lastMs),
  last_exchange_json_kb: Math.round(last.length / 1e3),
  previous_exchange_ms: Math.round(prevMs),
  previous_json_kb: Math.round(next.length / 1e3),
  filter_exchange_ms: Math.round(fx),
  filter_exchange_matches: nx,
  filter_tree_ms: Math.round(ft),
  filter_tree_mb_s: +(mb / (ft / 1000)).toFixed(1),
  filter_tree_matches: nt,
  stats_ms: Math.round(statsMs),
  stats_json_kb: Math.round(statsJson.length / 1e3),
}));
cap.free();
