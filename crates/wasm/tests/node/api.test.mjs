// The mapiscope-wasm JS API under Node: `cargo xtask wasm && node --test crates/wasm/tests/node/`.
// Loads the built package (target/wasm-pkg, or $MAPISCOPE_WASM_PKG) and checks it against the CLI
// (`cargo run -p mapiscope -- read FILE --json`) and the committed test vectors.

import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const pkg = process.env.MAPISCOPE_WASM_PKG ? path.resolve(process.env.MAPISCOPE_WASM_PKG) : path.join(root, "target/wasm-pkg");
const api = await import(pathToFileURL(path.join(pkg, "mapiscope_wasm.js")).href);
api.initSync({ module: fs.readFileSync(path.join(pkg, "mapiscope_wasm_bg.wasm")) });
const { version, decode, read, Capture, checkFilter, filterFields, DisplayFilter, StatsBuilder } = api;

const sample = (name) => new Uint8Array(fs.readFileSync(path.join(root, "tests/samples", name)));
const hex = (name) => {
  const text = fs.readFileSync(path.join(root, "tests/golden", name), "utf8");
  const digits = text.split("\n").filter((l) => !l.trimStart().startsWith("#")).join("").replace(/\s+/g, "");
  return Uint8Array.from(digits.match(/../g), (h) => parseInt(h, 16));
};

/** `mapiscope read FILE --json`, from the workspace's CLI. */
const cliRead = (file) => {
  const cargo = process.env.CARGO || "cargo";
  return execFileSync(cargo, ["run", "--quiet", "-p", "mapiscope", "--", "read", path.join(root, "tests/samples", file), "--json"], {
    cwd: root,
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
};

/** `mapiscope ARGS…` from the workspace's CLI (stdout). */
const cli = (...args) =>
  execFileSync(process.env.CARGO || "cargo", ["run", "--quiet", "-p", "mapiscope", "--", ...args], { cwd: root, maxBuffer: 1 << 30, encoding: "utf8" });

/** Every node of a tree, depth first. */
function* nodes(n) {
  if (!n) return;
  yield n;
  for (const c of n.children) yield* nodes(c);
}

function assertSpansInside(doc) {
  let count = 0;
  for (const root of [doc.request, doc.response, doc.autodiscover]) {
    for (const n of nodes(root)) {
      const src = doc.sources[n.source];
      assert.ok(src, `${n.abbrev}: source ${n.source} exists`);
      assert.ok(n.offset + n.length <= src.length, `${n.abbrev} ends at ${n.offset + n.length} > ${src.length}`);
      count++;
    }
  }
  return count;
}

const formatsTried = /not a pcap, pcapng, HAR, Fiddler SAZ or raw HTTP file/;

test("version is the workspace version", () => {
  const manifest = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const want = manifest.match(/\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/)[1];
  assert.equal(version(), want);
});

test("decode gives the decode --json document", () => {
  const req = hex("connect.Connect.req.hex");
  const resp = hex("connect.Connect.resp.hex");
  const doc = JSON.parse(decode("Connect", req, resp));
  assert.deepEqual(Object.keys(doc), ["request", "response", "diagnostics", "sources"]);
  assert.equal(doc.sources[0].length, req.length);
  assert.equal(doc.sources[1].length, resp.length);
  const userDn = [...nodes(doc.request)].find((n) => n.name === "UserDn");
  assert.equal(userDn.value, "/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=alice");
  assert.equal(userDn.abbrev.startsWith("mapihttp."), true);
  assert.equal(new TextDecoder().decode(req.subarray(userDn.offset, userDn.offset + userDn.length)).startsWith("/o=Contoso"), true);
  assert.ok(assertSpansInside(doc) > 10);

  // Only a response; null and undefined both mean "absent".
  const only = JSON.parse(decode("Connect", null, resp));
  assert.equal(only.request, null);
  assert.equal(only.sources.length >= 1, true);
  assert.deepEqual(JSON.parse(decode("Connect", undefined, resp)), only);

  // A compressed, obfuscated Execute: derived sources after the two bodies.
  const ex = JSON.parse(decode("Execute", hex("execute_compressed.Execute.req.hex"), hex("execute_compressed.Execute.resp.hex")));
  assert.ok(ex.sources.length > 2, JSON.stringify(ex.sources));
  assert.ok([...nodes(ex.request)].some((n) => n.abbrev === "mapihttp.rop.id" && /RopLogon/.test(n.display)));
  assertSpansInside(ex);
});

test("decode rejects an unknown request type with an Error", () => {
  assert.throws(() => decode("Frobnicate", new Uint8Array([1, 2, 3])), (e) => e instanceof Error && /unknown request type "Frobnicate"/.test(e.message));
  assert.throws(() => decode("Execute"), Error);
});

for (const file of ["outlook.har", "outlook.pcapng"]) {
  test(`read(${file}) is the CLI's read --json`, () => {
    const got = read(sample(file));
    const want = cliRead(file);
    const g = JSON.parse(got);
    const w = JSON.parse(want);
    assert.equal(g.exchanges.length, w.exchanges.length);
    assert.ok(g.exchanges.length > 20);
    assert.equal(got, want.trimEnd());
  });
}

test("read of garbage throws an Error naming the formats tried", () => {
  assert.throws(() => read(new TextEncoder().encode("hello, this is not a capture")), (e) => e instanceof Error && formatsTried.test(e.message) && !e.message.includes("\n"));
});

test("Capture: open with progress, list, sessions, exchange trees and source bytes", () => {
  const bytes = sample("outlook.pcapng");
  const full = JSON.parse(read(bytes));
  const calls = [];
  const cap = Capture.open(bytes, (done, total) => calls.push([done, total]));
  try {
    // Progress: called, monotonic, ends at the file size.
    assert.ok(calls.length >= 3, JSON.stringify(calls));
    for (let k = 1; k < calls.length; k++) assert.ok(calls[k][0] >= calls[k - 1][0]);
    assert.deepEqual(calls.at(-1), [bytes.length, bytes.length]);

    assert.equal(cap.length, full.exchanges.length);
    assert.equal(cap.format(), "pcapng");
    const summary = JSON.parse(cap.summary());
    assert.equal(summary.format, "pcapng");
    assert.equal(summary.exchanges, cap.length);
    assert.equal(summary.sessions, full.sessions.length);
    assert.deepEqual(JSON.parse(cap.sessions()), full.sessions);
    assert.deepEqual(JSON.parse(cap.diagnostics()), full.diagnostics);

    const rows = JSON.parse(cap.list(0, cap.length));
    assert.equal(rows.length, cap.length);
    rows.forEach((r, i) => {
      assert.equal(r.index, i);
      assert.equal(r.request_type, full.exchanges[i].request_type);
      assert.equal(r.session, full.exchanges[i].session);
      assert.ok(["mapi", "autodiscover", "http"].includes(r.kind));
    });
    assert.deepEqual(JSON.parse(cap.list(2, 5)).map((r) => r.index), [2, 3, 4]);
    assert.deepEqual(JSON.parse(cap.list(cap.length, cap.length + 10)), []);

    // Every exchange's tree equals read()'s (decoded with its session's ROP context).
    let executes = 0;
    for (let i = cap.length - 1; i >= 0; i--) {
      const x = JSON.parse(cap.exchange(i));
      const w = full.exchanges[i];
      assert.equal(x.index, i);
      assert.deepEqual(x.request, w.request, `request of ${i}`);
      assert.deepEqual(x.response, w.response, `response of ${i}`);
      assert.deepEqual(x.diagnostics, w.diagnostics, `diagnostics of ${i}`);
      assertSpansInside(x);
      if (rows[i].kind === "mapi" && rows[i].request_type === "Execute" && x.request) {
        executes++;
        assert.ok(x.request_headers.some(([n, v]) => n.toLowerCase() === "x-requesttype" && v === "Execute"));
        // The bytes behind a ROP's id are that RopId.
        const rop = [...nodes(x.request)].find((n) => n.abbrev === "mapihttp.rop.id");
        const src = cap.source(i, rop.source);
        assert.ok(src instanceof Uint8Array);
        assert.equal(src.length, x.sources[rop.source].length);
        assert.equal(src[rop.offset], rop.value);
        // Source 0 is the HTTP request body.
        assert.equal(cap.source(i, 0).length, x.sources[0].length);
      }
      if (rows[i].kind === "autodiscover") {
        assert.equal(x.autodiscover.abbrev, "mapihttp.autodiscover");
        assert.ok(x.autodiscover.children.length > 0);
      }
    }
    assert.ok(executes > 3, `${executes} Execute exchanges`);
    assert.throws(() => cap.exchange(cap.length), Error);
    assert.throws(() => cap.source(0, 999), Error);
  } finally {
    cap.free();
  }
});

test("Capture.open of a HAR without progress callback", () => {
  const cap = Capture.open(sample("outlook.har"));
  assert.equal(cap.format(), "har");
  assert.equal(cap.length, JSON.parse(read(sample("outlook.har"))).exchanges.length);
  cap.free();
});

test("Capture.open of garbage throws an Error naming the formats tried; a throwing callback is ignored", () => {
  assert.throws(() => Capture.open(new Uint8Array([0, 1, 2, 3, 4, 5])), (e) => e instanceof Error && formatsTried.test(e.message));
  const cap = Capture.open(sample("outlook.har"), () => {
    throw new Error("callback failure");
  });
  assert.ok(cap.length > 0);
  cap.free();
});

test("Capture.openBare: a pasted hex body, with its decompressed payload as a source", () => {
  const req = hex("execute_compressed.Execute.req.hex");
  const text = new TextEncoder().encode([...req].map((b) => b.toString(16).padStart(2, "0")).join(" "));
  const cap = Capture.openBare(text, "Execute", false);
  try {
    assert.equal(cap.length, 1);
    const x = JSON.parse(cap.exchange(0));
    assert.ok(x.sources.length > 1, JSON.stringify(x.sources));
    assert.deepEqual(cap.source(0, 0), req);
    assert.equal(cap.source(0, 1).length, x.sources[1].length);
    assertSpansInside(x);
  } finally {
    cap.free();
  }
  assert.throws(() => Capture.openBare(new TextEncoder().encode("zz!"), "Execute", false), /not a bare body in hex or base64/);
});

test("display filters: checkFilter spans, filterFields, matchRange = read -Y", () => {
  const ok = JSON.parse(checkFilter('mapihttp.rop.id == RopQueryRows'));
  assert.deepEqual(ok, { valid: true, empty: false, needs_dissection: true });
  assert.deepEqual(JSON.parse(checkFilter("")), { valid: true, empty: true, needs_dissection: false });
  // The span is in UTF-16 units of the JS string: after "ü" and an emoji (2 units).
  const text = 'mapihttp.exchange.summary contains "ü😀" && mapihttp.rop.querrows';
  const bad = JSON.parse(checkFilter(text));
  assert.equal(bad.valid, false);
  assert.equal(text.slice(bad.start, bad.end), "mapihttp.rop.querrows");
  assert.equal(bad.suggestion, "mapihttp.rop.queryrows");
  assert.match(bad.headline, /did you mean "mapihttp\.rop\.queryrows"/);
  assert.throws(() => DisplayFilter.compile("mapihttp.rop.id == "), Error);

  const fields = JSON.parse(filterFields());
  const keys = fields.map((f) => f.key);
  assert.deepEqual([...keys].sort(), keys);
  assert.ok(keys.includes("mapihttp.rop.queryrows") && keys.includes("mapihttp.request_type"));
  const cliKeys = cli("fields").trim().split("\n").map((l) => l.split("\t")[0]);
  assert.deepEqual(new Set(keys), new Set(cliKeys), "the CLI's fields are the completion keys");

  const file = path.join(root, "tests/samples/outlook.pcapng");
  const cap = Capture.open(sample("outlook.pcapng"));
  try {
    for (const f of ['mapihttp.request_type == "Execute"', "mapihttp.rop.id == RopQueryRows", "mapihttp.endpoint == nspi || mapihttp.exchange.status >= 400"]) {
      const want = JSON.parse(cli("read", file, "--json", "-Y", f)).exchanges.map((x) => x.index);
      const df = DisplayFilter.compile(f);
      const got = [];
      for (let s = 0; s < cap.length; s += 5) got.push(...cap.matchRange(df, s, s + 5));
      df.free();
      assert.deepEqual(got, want, f);
      assert.ok(want.length > 0 && want.length < cap.length, `${f}: ${want.length}`);
    }
  } finally {
    cap.free();
  }
});

test("statistics, CSV and JSON exports and Apply-as-filter over the displayed exchanges", () => {
  const file = path.join(root, "tests/samples/outlook.pcapng");
  const cap = Capture.open(sample("outlook.pcapng"));
  try {
    const all = Uint32Array.from({ length: cap.length }, (_, i) => i);
    const st = new StatsBuilder();
    cap.statsAdd(st, all.subarray(0, 10));
    cap.statsAdd(st, all.subarray(10));
    assert.deepEqual(JSON.parse(cap.statsReport(st)), JSON.parse(cli("stats", file, "--json")));
    st.free();
    const f = 'mapihttp.request_type == "Execute"';
    const shown = cap.matchRange(DisplayFilter.compile(f), 0, cap.length);
    const st2 = new StatsBuilder();
    cap.statsAdd(st2, shown);
    assert.deepEqual(JSON.parse(cap.statsReport(st2)), JSON.parse(cli("stats", file, "--json", "-Y", f)));

    const doc = JSON.parse(`{"exchanges":[${cap.exchangesJson(shown)}]}`);
    assert.deepEqual(doc.exchanges, JSON.parse(cli("read", file, "--json", "-Y", f)).exchanges);
    const csv = cap.csvHeader(null) + cap.csvRows(shown, null);
    const lines = csv.split("\r\n").filter((l) => l);
    assert.equal(lines.length, shown.length + 1);
    assert.match(lines[1], /^\d+,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6},\d+,emsmdb,Execute,200,/);
    const keys = ["mapihttp.exchange.number", "mapihttp.rop.id"];
    const fieldsCsv = cap.csvRows(shown, keys).split("\r\n").filter((l) => l);
    const tshark = cli("read", file, "-Y", f, "-T", "fields", "-e", keys[0], "-e", keys[1], "-E", "separator=,", "-E", "quote=d").trim().split("\n");
    assert.equal(fieldsCsv.length, tshark.length);
    assert.equal(fieldsCsv[0].split(",")[0], tshark[0].split(",")[0].replaceAll('"', ""));
    assert.throws(() => cap.csvHeader(["mapihttp.rop.querrows"]), /did you mean/);

    const x = JSON.parse(cap.exchange(shown[0]));
    const rop = [...nodes(x.request)].find((n) => n.abbrev === "mapihttp.rop.id");
    const text = cap.filterForNode(shown[0], rop.abbrev, rop.source, rop.offset, rop.length);
    assert.match(text, /^mapihttp\.rop\.id == 0x[0-9A-F]+$/);
    assert.ok(cap.matchRange(DisplayFilter.compile(text), 0, cap.length).includes(shown[0]));
    assert.throws(() => cap.filterForNode(shown[0], "no.such", 0, 0, 0), Error);
  } finally {
    cap.free();
  }
});
