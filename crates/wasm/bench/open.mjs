// Capture.open throughput under Node: `node crates/wasm/bench/open.mjs FILE [PKG_DIR]`.
// Prints MB/s of Capture.open, the wasm memory at the end (wasm memory never shrinks, so it is the
// peak), the process's peak RSS, and the time of a few list/exchange calls.
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
}));
cap.free();
