// End-to-end tests of the web viewer in Debian's Chromium, driven by playwright-core.
//
//   BASE_URL=http://127.0.0.1:8000/ BIG_CAPTURE=target/big.pcapng node tests/e2e/viewer.mjs
//
// tests/e2e/run.sh sets everything up (tools, `cargo xtask dist`, the server, the big capture).
// Screenshots go to target/e2e/. Exit status 1 when any check fails.

import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const BASE = process.env.BASE_URL || "http://127.0.0.1:8000/";
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const OUT = path.join(ROOT, "target/e2e");
const BIG = process.env.BIG_CAPTURE || "";
const XSS = "<img src=x onerror=alert(1)>";
const SAMPLE = path.join(ROOT, "tests/samples/outlook.pcapng");

// The CLI on the same sample, for the expected numbers (MAPISCOPE: a built binary; else cargo run).
function cli(...args) {
  const bin = process.env.MAPISCOPE;
  const [cmd, pre] = bin ? [bin, []] : ["cargo", ["run", "-q", "-p", "mapiscope", "--"]];
  return execFileSync(cmd, [...pre, ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
}
// `mapiscope read -Y FILTER`: the number of exchanges its last line reports.
function cliCount(filter) {
  const out = cli("read", "-Y", filter, SAMPLE);
  const m = out.match(/^(\d+) exchanges?,/m);
  if (!m) throw new Error(`no count in the CLI output for ${filter}: ${out.slice(-300)}`);
  return parseInt(m[1], 10);
}
fs.mkdirSync(OUT, { recursive: true });

const origin = new URL(BASE).origin;
const results = [];
const external = [];
const pageErrors = [];
const dialogs = [];

async function check(name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - t0} ms)${note ? " — " + note : ""}`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "mapiscope-dl-"));
const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "mapiscope-e2e-"));
const context = await chromium.launchPersistentContext(userDir, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1440, height: 900 },
  acceptDownloads: true,
  permissions: ["clipboard-read", "clipboard-write"],
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
context.on("request", (r) => {
  const u = new URL(r.url());
  if (u.protocol === "data:" || u.protocol === "blob:") return;
  if (u.origin !== origin) external.push(r.url());
});
const page = context.pages()[0] || (await context.newPage());
page.on("pageerror", (e) => pageErrors.push(String(e)));
page.on("console", (m) => {
  if (m.type() === "error") pageErrors.push(m.text());
});
page.on("dialog", async (d) => {
  dialogs.push(d.message());
  await d.dismiss();
});

const rows = () => page.locator("#list .list-window .row");
const countText = () => page.locator("#count").textContent();
async function shot(name) {
  const p = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: p });
  return p;
}

// Drops files (name, bytes as base64 or text) on the page with a DataTransfer built in the page.
async function drop(files) {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = f.b64 !== undefined ? Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)) : new TextEncoder().encode(f.text);
      dt.items.add(new File([bytes], f.name));
    }
    document.body.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

await check("page loads with its CSP and the welcome screen", async () => {
  await page.goto(BASE);
  await page.locator(".welcome").waitFor();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  assert(csp.includes("default-src 'self'") && csp.includes("connect-src 'self'"), `CSP: ${csp}`);
  await shot("01-welcome");
});

await check("open the sample: the list shows every exchange", async () => {
  await page.click("#open-sample");
  await page.waitForFunction(() => /\d+ exchanges/.test(document.querySelector("#count")?.textContent || ""));
  const t = await countText();
  const n = parseInt(t, 10);
  assert(n === 37, `count text ${t}`);
  assert((await rows().count()) > 10, "rows rendered");
  return t;
});

let execRow;
await check("select an Execute exchange: the tree and the bytes appear", async () => {
  execRow = page.locator("#list .row", { has: page.locator(".c-type", { hasText: /^Execute$/ }) }).first();
  await execRow.click();
  await page.locator("#tree .tn").first().waitFor();
  await page.locator("#bytes .bl").first().waitFor();
  assert(await execRow.evaluate((e) => e.classList.contains("sel")), "row selected");
  const texts = await page.locator("#tree .tn .tt").allTextContents();
  assert(texts.some((t) => t.includes("Execute Request Type Request Body")), "request root shown");
  const tabs = await page.locator("#tabs .tab").allTextContents();
  assert(tabs.length >= 2, `source tabs: ${tabs}`);
  return `${texts.length} visible nodes, tabs: ${tabs.join(" | ")}`;
});

await check("expand a ROP", async () => {
  await page.click("#expand-all");
  // A ROP node (RopLogon, RopGetPropertiesSpecific, …) with children; not RopBuffer/RopsList/RopSize/RopId.
  const pick = () =>
    page.locator("#tree .tn").evaluateAll((els) => {
      const e = els.find((e) => /^Rop(?!Buffer|sList|Size|Id)[A-Z][A-Za-z]+$/.test(e.querySelector(".tt").textContent.trim()) && e.querySelector(".tw").textContent.trim() !== "");
      return e ? e.dataset.path : null;
    });
  const p = await pick();
  assert(p, "a ROP node with children");
  const rop = page.locator(`#tree .tn[data-path="${p}"]`);
  const name = (await rop.locator(".tt").textContent()).trim();
  const childPrefix = `${p}.`;
  const kids = () => page.locator("#tree .tn").evaluateAll((els, c) => els.filter((e) => e.dataset.path.startsWith(c)).length, childPrefix);
  // The DOM updates on Yew's next render: poll until the expected count shows (or time out).
  const until = async (want) => {
    for (let i = 0; i < 50; i++) {
      const n = await kids();
      if (n === want) return n;
      await page.waitForTimeout(40);
    }
    return kids();
  };
  const open = await kids();
  await rop.locator(".tw").click();
  const closed = await until(0);
  await rop.locator(".tw").click();
  const reopened = await until(open);
  assert(open > 0 && closed === 0 && reopened === open, `children ${open} → ${closed} → ${reopened}`);
  // Keyboard: ← collapses the selected node, → expands it again.
  await rop.click();
  await page.locator(`#tree .tn.sel[data-path="${p}"]`).waitFor();
  await page.keyboard.press("ArrowLeft");
  assert((await until(0)) === 0, "← collapses");
  await page.keyboard.press("ArrowRight");
  assert((await until(open)) === open, "→ expands");
  await shot("02-execute-rop");
  return `${name} (${open} fields below)`;
});

await check("a field's bytes are highlighted in its own source tab", async () => {
  // A field decoded from a derived payload (source ≥ 1): selecting it switches the bytes tab.
  const node = page.locator('#tree .tn[data-src]:not([data-src="0"])').filter({ hasNot: page.locator(".tt", { hasText: /^Payload$/ }) }).nth(3);
  const nodePath = await node.getAttribute("data-path");
  // The tree is virtualised: retry the click if a re-render moved the row under the pointer.
  for (let i = 0; i < 3; i++) {
    await page.locator(`#tree .tn[data-path="${nodePath}"]`).click();
    const ok = await page.locator(`#tree .tn.sel[data-path="${nodePath}"]`).waitFor({ timeout: 1500 }).then(() => true, () => false);
    if (ok) break;
  }
  const fixed = page.locator(`#tree .tn[data-path="${nodePath}"]`);
  const src = await fixed.getAttribute("data-src");
  const off = parseInt(await fixed.getAttribute("data-off"), 10);
  const len = parseInt(await fixed.getAttribute("data-len"), 10);
  await page.locator(`#tabs .tab.on[data-source="${src}"]`).waitFor();
  await page.waitForFunction(
    ([o, l]) => {
      const hl = [...document.querySelectorAll("#bytes .bh .b.hl")].map((e) => +e.dataset.o);
      return hl.length === l && hl[0] === o;
    },
    [off, len],
    { timeout: 5000 },
  ).catch(() => {});
  const hl = await page.locator("#bytes .bh .b.hl").evaluateAll((els) => els.map((e) => parseInt(e.dataset.o, 10)));
  assert(hl.length === len, `highlighted ${hl.length} bytes, field length ${len}`);
  assert(hl[0] === off && hl[hl.length - 1] === off + len - 1, `highlight ${hl[0]}..${hl[hl.length - 1]} vs ${off}+${len}`);
  const asc = await page.locator("#bytes .ba .b.hl").count();
  assert(asc === len, "ASCII column highlighted too");
  await shot("03-highlight-derived-source");
  return `source ${src}, offset ${off}, ${len} bytes`;
});

await check("click a byte: the deepest field covering it is selected", async () => {
  await page.click('#tabs .tab[data-source="0"]');
  await page.locator("#bytes .bh .b").first().waitFor();
  const target = 6; // inside RopBufferSize (offset 4, 4 bytes) of an Execute request
  await page.click(`#bytes .bh .b[data-o="${target}"]`);
  const sel = page.locator("#tree .tn.sel");
  await page.waitForFunction(
    (t) => {
      const e = document.querySelector("#tree .tn.sel");
      return e && e.dataset.src === "0" && +e.dataset.off <= t && t < +e.dataset.off + +e.dataset.len;
    },
    target,
    { timeout: 5000 },
  ).catch(() => {});
  const off = parseInt(await sel.getAttribute("data-off"), 10);
  const len = parseInt(await sel.getAttribute("data-len"), 10);
  const srcAttr = await sel.getAttribute("data-src");
  assert(srcAttr === "0" && off <= target && target < off + len, `selected ${srcAttr}:${off}+${len}`);
  // No deeper visible node on the same source covers the byte.
  const depth = parseInt(await sel.getAttribute("data-depth"), 10);
  const deeper = await page.locator('#tree .tn[data-src="0"]').evaluateAll(
    (els, [t, d]) => els.filter((e) => +e.dataset.off <= t && t < +e.dataset.off + +e.dataset.len && +e.dataset.len > 0 && +e.dataset.depth > d).length,
    [target, depth],
  );
  assert(deeper === 0, `${deeper} deeper nodes cover the byte`);
  const key = await page.locator("#field-key").textContent();
  assert(key.startsWith("mapihttp."), `filter key ${key}`);
  return key;
});

await check("deep link: the URL hash names the exchange and field, and a reload restores them", async () => {
  const hash = await page.evaluate(() => location.hash);
  assert(/e=\d+&f=q(\.\d+)*/.test(hash) && hash.includes("sample"), `hash ${hash}`);
  const key = await page.locator("#field-key").textContent();
  await page.reload();
  await page.locator("#tree .tn.sel").waitFor({ timeout: 10000 });
  const key2 = await page.locator("#field-key").textContent();
  assert(key === key2, `${key} vs ${key2}`);
  return hash;
});

await check("keyboard: ↓ moves in the list, / focuses the filter", async () => {
  await page.locator("#list .row.sel").click();
  const before = await page.locator("#list .row.sel .c-no").textContent();
  await page.keyboard.press("ArrowDown");
  await page.waitForFunction((b) => document.querySelector("#list .row.sel .c-no")?.textContent !== b, before);
  const after = await page.locator("#list .row.sel .c-no").textContent();
  await page.keyboard.press("/");
  const focused = await page.evaluate(() => document.activeElement?.id);
  assert(focused === "filter", `focus on ${focused}`);
  await page.keyboard.press("Escape");
  return `${before} → ${after}`;
});

// The filter bar: the display-filter language of `mapiscope read -Y`.
/** Waits until the filter `text` is applied (named in the status bar) and no filter job runs. */
const applied = (text, options) =>
  page.waitForFunction((t) => document.querySelector("#displayed")?.textContent.includes(`(${t})`) && !document.querySelector("#job"), text, options);
/** Clears the filter and waits until the whole sample shows again. */
const clearFilter = async () => {
  await page.click("#filter-clear");
  await page.waitForFunction(() => /^37 exchanges/.test(document.querySelector("#count")?.textContent || ""));
};
const displayed = async () => {
  const t = await page.locator("#displayed").textContent();
  const m = t.match(/Displayed: (\d+) of (\d+)/);
  return m ? [parseInt(m[1], 10), parseInt(m[2], 10)] : null;
};
// Types a filter, applies it with Enter and waits for the worker's answer.
async function applyFilter(text) {
  await page.fill("#filter", text);
  await page.locator("#filter-bar.f-ok").waitFor({ timeout: 5000 });
  await page.locator("#filter").press("Enter");
  await applied(text, { timeout: 20000 });
  return displayed();
}

await check("display filter: an invalid filter turns the bar red, marks the mistake and suggests the key", async () => {
  const text = 'mapihttp.request_typ == "Execute"';
  await page.fill("#filter", text);
  await page.locator("#filter-bar.f-bad").waitFor({ timeout: 5000 });
  const msg = await page.locator("#filter-msg").textContent();
  assert(msg.includes("did you mean") && msg.includes("mapihttp.request_type"), `message: ${msg}`);
  const bad = await page.locator("#filter-bar .bad-span").textContent();
  assert(bad === "mapihttp.request_typ", `marked span: ${bad}`);
  assert(await page.locator("#filter-apply").isDisabled(), "Apply disabled while invalid");
  await page.locator("#filter").press("Enter");
  const [n, total] = await displayed();
  assert(n === total && total === 37, `an invalid filter is not applied: ${n} of ${total}`);
  await shot("08-filter-invalid");
  return msg.trim();
});

await check("display filter: exchange-level and tree fields give the CLI's counts", async () => {
  const notes = [];
  for (const f of ['mapihttp.request_type == "Execute"', "mapihttp.rop.id == RopQueryRows", "mapihttp.rop.id == RopQueryRows && mapihttp.response_code == 0"]) {
    const want = cliCount(f);
    const [n, total] = await applyFilter(f);
    assert(n === want && total === 37, `${f}: displayed ${n} of ${total}, CLI ${want}`);
    notes.push(`${f} → ${n}`);
  }
  const types = await page.locator("#list .list-window .row .c-type").allTextContents();
  assert(types.length === 5 && types.every((t) => t === "Execute"), `rows ${types}`);
  const sums = await page.locator("#list .list-window .row .c-sum").allTextContents();
  assert(sums.every((s) => s.includes("RopQueryRows")), `summaries ${sums}`);
  assert(/Displayed: 5 of 37/.test(await countText()), await countText());
  await shot("09-filter-valid");
  return notes.join("; ");
});

await check("display filter: key completion, keyboard pick, Clear", async () => {
  await page.fill("#filter", "");
  await page.locator("#filter").pressSequentially("mapihttp.rop.quer");
  const item = page.locator('#filter-complete li[data-key="mapihttp.rop.queryrows"]');
  await item.waitFor({ timeout: 5000 });
  const offered = await page.locator("#filter-complete li").count();
  await shot("10-filter-completion");
  // ↓ moves through the matches (sorted by key), Enter takes the highlighted one.
  const keys = await page.locator("#filter-complete li").evaluateAll((els) => els.map((e) => e.dataset.key));
  assert(keys.every((k) => k.startsWith("mapihttp.rop.quer")), `offered ${keys}`);
  const at = keys.indexOf("mapihttp.rop.queryrows");
  for (let i = 0; i <= at; i++) await page.locator("#filter").press("ArrowDown");
  const on = await page.locator("#filter-complete li.on").getAttribute("data-key");
  assert(on === "mapihttp.rop.queryrows", `highlighted ${on}`);
  await page.locator("#filter").press("Enter");
  const v = await page.inputValue("#filter");
  assert(v === "mapihttp.rop.queryrows", `picked ${v}`);
  await page.locator("#filter-bar.f-ok").waitFor();
  await page.locator("#filter").press("Enter");
  const want = cliCount("mapihttp.rop.queryrows");
  await page.waitForFunction(() => document.querySelector("#displayed")?.textContent.includes("(mapihttp.rop.queryrows)") && !document.querySelector("#job"));
  const [n] = await displayed();
  assert(n === want, `mapihttp.rop.queryrows: ${n}, CLI ${want}`);
  await clearFilter();
  return `${offered} keys offered; ${n} exchanges`;
});

await check("display filter: history remembers applied filters (most recent first) across a reload", async () => {
  await page.click("#filter-history-btn");
  const items = await page.locator("#filter-history li").allTextContents();
  assert(items[0] === "mapihttp.rop.queryrows" && items.includes('mapihttp.request_type == "Execute"'), `history ${items}`);
  assert(new Set(items).size === items.length, "no duplicates");
  await page.reload();
  await page.locator("#list .row.sel").waitFor({ timeout: 10000 });
  await page.click("#filter-history-btn");
  const again = await page.locator("#filter-history li").allTextContents();
  assert(JSON.stringify(again) === JSON.stringify(items), `after reload ${again}`);
  await page.locator("#filter-history li", { hasText: /^mapihttp\.rop\.id == RopQueryRows$/ }).click();
  await page.waitForFunction(() => document.querySelector("#displayed")?.textContent.includes("(mapihttp.rop.id == RopQueryRows)") && !document.querySelector("#job"));
  const [n] = await displayed();
  assert(n === 5, `history entry applied: ${n}`);
  await clearFilter();
  return `${items.length} entries`;
});

await check("tree: Apply as filter, Copy as filter, Copy value, Copy subtree as text", async () => {
  // The first Execute with a RopQueryRows: its RopId node.
  await page.locator("#list .row", { has: page.locator(".c-sum", { hasText: "RopQueryRows" }) }).first().click();
  await page.locator("#tree .tn").first().waitFor();
  await page.click("#expand-all");
  const node = page.locator('#tree .tn[data-key="mapihttp.rop.id"]', { has: page.locator(".tt", { hasText: "RopQueryRows" }) }).first();
  // The tree is virtualised: scroll until the node is rendered.
  for (let y = 0; (await node.count()) === 0 && y < 20000; y += 150) {
    await page.locator("#tree").evaluate((e, y) => (e.scrollTop = y), y);
    await page.waitForTimeout(40);
  }
  await node.scrollIntoViewIfNeeded();
  const shown = (await node.locator(".tt").textContent()).trim();
  // Copy value (right-click menu).
  await node.click({ button: "right" });
  await page.locator("#context-menu").waitFor();
  await shot("11-context-menu");
  await page.click("#menu-copy-value");
  await page.waitForFunction(() => document.body.dataset.copiedWhat === "value");
  const value = await page.evaluate(() => navigator.clipboard.readText());
  assert(shown.endsWith(value) && value.includes("RopQueryRows"), `value ${value} of ${shown}`);
  // Copy as filter.
  await page.locator('#tree .tn.sel[data-key="mapihttp.rop.id"]').click({ button: "right" });
  await page.click("#menu-copy-filter");
  await page.waitForFunction(() => document.body.dataset.copiedWhat === "filter");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert(/^mapihttp\.rop\.id == /.test(copied), `copied filter ${copied}`);
  // Copy subtree as text on the ROP (the RopId's parent): indented like read -V.
  const ropPath = (await page.locator("#tree .tn.sel").getAttribute("data-path")).replace(/\.\d+$/, "");
  await page.locator(`#tree .tn[data-path="${ropPath}"]`).click({ button: "right" });
  await page.click("#menu-copy-subtree");
  await page.waitForFunction(() => document.body.dataset.copiedWhat === "subtree");
  const sub = await page.evaluate(() => navigator.clipboard.readText());
  const lines = sub.trimEnd().split("\n");
  assert(lines.length > 2 && !lines[0].startsWith(" ") && lines.slice(1).every((l) => l.startsWith("    ")), `subtree:\n${sub}`);
  assert(lines.some((l) => /^    RopId: .*RopQueryRows/.test(l)), `RopId line in\n${sub}`);
  // Apply as filter: the bar gets the node's filter, and the list the CLI's count for it.
  await page.locator(`#tree .tn[data-key="mapihttp.rop.id"]`, { has: page.locator(".tt", { hasText: "RopQueryRows" }) }).first().click({ button: "right" });
  await page.click("#menu-apply");
  await applied(copied);
  assert((await page.inputValue("#filter")) === copied, "the bar holds the applied filter");
  const [n] = await displayed();
  const want = cliCount(copied);
  assert(n === want, `${copied}: ${n}, CLI ${want}`);
  // …and not selected, from the ⋯ button of the selected field.
  await page.locator('#tree .tn[data-key="mapihttp.rop.id"]').first().click();
  await page.click("#node-menu");
  await page.click("#menu-apply-andnot");
  const combined = `(${copied}) && !(${copied})`;
  await applied(combined);
  assert((await displayed())[0] === 0, "x && !x shows nothing");
  await clearFilter();
  return `${copied} → ${n}; ${lines.length} subtree lines`;
});

await check("list: Apply as filter on a cell", async () => {
  const cell = page.locator("#list .row .c-type", { hasText: /^Bind$/ }).first();
  await cell.click({ button: "right" });
  await page.click("#menu-apply");
  const f = 'mapihttp.request_type == "Bind"';
  await applied(f);
  const [n] = await displayed();
  assert(n === cliCount(f), `${f}: ${n}`);
  await clearFilter();
  return `${f} → ${n}`;
});

await check("tree: Apply as filter on an HTTP header line uses its exchange-level key", async () => {
  await page.locator("#list .row", { has: page.locator(".c-type", { hasText: /^Execute$/ }) }).first().click();
  await page.locator("#tree .tn").first().waitFor();
  await page.click("#expand-all");
  await page.locator("#tree").evaluate((e) => (e.scrollTop = 0));
  const line = page.locator("#tree .tn .tt", { hasText: /^X-RequestType: Execute$/ }).first();
  await line.click({ button: "right" });
  await page.click("#menu-apply");
  const f = 'mapihttp.request_type == "Execute"';
  await applied(f);
  const [n] = await displayed();
  assert(n === cliCount(f), `${f}: ${n}`);
  await clearFilter();
  return `${f} → ${n}`;
});

await check("Statistics: charts and the per-request-type counts of mapiscope stats --json", async () => {
  const want = JSON.parse(cli("stats", "--json", SAMPLE));
  await page.click("#view-stats");
  await page.locator("#stats-report").waitFor({ timeout: 20000 });
  for (const id of ["#chart-time", "#chart-duration", "#chart-rops", "#chart-codes"]) {
    const bars = await page.locator(`${id} rect`).count();
    assert(bars > 0, `${id}: ${bars} bars`);
  }
  const tips = await page.locator("#chart-time rect title").count();
  assert(tips > 0, "tooltips");
  const got = await page.locator("#srt-types tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.dataset.key, parseInt(tr.children[1].textContent, 10), parseInt(tr.children[2].textContent, 10)]));
  const exp = want.request_types.map((t) => [t.name, t.count, t.errors]);
  assert(JSON.stringify(got) === JSON.stringify(exp), `per request type ${JSON.stringify(got)} vs ${JSON.stringify(exp)}`);
  const rops = await page.locator("#srt-rops tbody tr").count();
  assert(rops === want.rops.length, `${rops} ROP lines, CLI ${want.rops.length}`);
  const sessions = await page.locator("#stats-sessions tbody tr").count();
  assert(sessions === want.sessions.length, `${sessions} sessions`);
  await shot("12-statistics");
  // Over a filter: the same numbers as stats -Y.
  const f = "mapihttp.endpoint == \"nspi\"";
  const wantF = JSON.parse(cli("stats", "--json", "-Y", f, SAMPLE));
  await applyFilter(f);
  await page.waitForFunction((n) => document.querySelector("#stats-report")?.dataset.exchanges === String(n), wantF.exchanges, { timeout: 20000 });
  const gotF = await page.locator("#srt-types tbody tr").evaluateAll((trs) => trs.map((tr) => [tr.dataset.key, parseInt(tr.children[1].textContent, 10)]));
  assert(JSON.stringify(gotF) === JSON.stringify(wantF.request_types.map((t) => [t.name, t.count])), `filtered ${JSON.stringify(gotF)}`);
  await page.emulateMedia({ colorScheme: "dark" });
  await shot("13-statistics-dark");
  await page.emulateMedia({ colorScheme: "light" });
  // A click on a line applies its filter.
  await page.locator("#srt-types tbody tr").first().click();
  await page.waitForFunction(() => /mapihttp\.request_type == /.test(document.querySelector("#displayed")?.textContent || "") && !document.querySelector("#job"));
  await page.click("#view-packets");
  await clearFilter();
  return `${exp.length} request types, ${rops} ROPs; nspi: ${wantF.exchanges} exchanges`;
});

await check("Export the displayed exchanges as JSON and CSV (downloads)", async () => {
  const f = 'mapihttp.request_type == "Execute"';
  const [n] = await applyFilter(f);
  const save = async (item) => {
    await page.click("#export-btn");
    const [dl] = await Promise.all([page.waitForEvent("download", { timeout: 20000 }), page.click(item)]);
    const p = path.join(downloads, dl.suggestedFilename());
    await dl.saveAs(p);
    return [dl.suggestedFilename(), fs.readFileSync(p, "utf8")];
  };
  const [jn, json] = await save("#export-json");
  const doc = JSON.parse(json);
  assert(jn.endsWith(".json") && doc.exchanges.length === n && doc.exchanges.every((x) => x.request_type === "Execute"), `${jn}: ${doc.exchanges.length} exchanges`);
  assert(doc.exchanges.every((x) => x.request && x.request.children), "full trees");
  const cliJson = JSON.parse(cli("read", "--json", "-Y", f, SAMPLE));
  assert(JSON.stringify(doc.exchanges) === JSON.stringify(cliJson.exchanges), "the exchanges equal read --json -Y");
  const [cn, csv] = await save("#export-csv");
  const lines = csv.trimEnd().split("\r\n");
  assert(cn.endsWith(".csv") && lines.length === n + 1 && lines[0].startsWith("No.,Time,Session"), `${cn}: ${lines.length} lines: ${lines[0]}`);
  // CSV with filter keys as columns.
  await page.click("#export-btn");
  await page.click("#export-csv-fields");
  await page.fill("#export-fields", "mapihttp.exchange.number, mapihttp.nosuchkey");
  await page.click("#export-ok");
  const err = await page.locator("#export-error").textContent();
  assert(err.includes("mapihttp.nosuchkey"), `unknown key: ${err}`);
  await page.fill("#export-fields", "mapihttp.exchange.number mapihttp.request_type");
  const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#export-ok")]);
  const p = path.join(downloads, "fields.csv");
  await dl.saveAs(p);
  const fl = fs.readFileSync(p, "utf8").trimEnd().split("\r\n");
  assert(fl.length === n + 1 && fl[0] === "mapihttp.exchange.number,mapihttp.request_type" && fl.slice(1).every((l) => l.endsWith(",Execute")), `fields CSV ${fl.slice(0, 3)}`);
  await clearFilter();
  return `${n} exchanges: ${json.length} bytes of JSON, ${csv.length} of CSV`;
});

await check("sort the list by a column; resize the panes", async () => {
  const dur = (t) => (t.endsWith(" s") ? parseFloat(t) * 1000 : parseFloat(t));
  await page.click("#list .row.head .c-dur");
  await page.click("#list .row.head .c-dur"); // descending
  await page.waitForFunction(() => document.querySelector("#list .row.head .c-dur")?.textContent.includes("▼"));
  const d = (await page.locator("#list .list-window .row .c-dur").allTextContents()).filter((t) => t).map(dur);
  assert(d.length > 5 && d.every((v, i) => i === 0 || d[i - 1] >= v), `durations ${d.slice(0, 6)}`);
  await page.click("#list .row.head .c-no");
  await page.waitForFunction(() => document.querySelector("#list .row.head .c-no")?.textContent.includes("▲"));
  const first = await page.locator("#list .list-window .row .c-no").first().textContent();
  assert(first === "0", `first row after sorting by No.: ${first}`);
  const h0 = await page.locator(".pane.list").evaluate((e) => e.getBoundingClientRect().height);
  const box = await page.locator(".split-h").boundingBox();
  await page.mouse.move(box.x + 50, box.y + 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 50, box.y + 122, { steps: 4 });
  await page.mouse.up();
  const h1 = await page.locator(".pane.list").evaluate((e) => e.getBoundingClientRect().height);
  assert(Math.abs(h1 - h0 - 120) < 3, `list pane ${h0} → ${h1}`);
  return `longest ${d[0]} ms; list pane ${h0} → ${h1} px`;
});

await check("sessions and expert info panels", async () => {
  await page.click(".side .tab >> text=Sessions");
  const sessions = await page.locator("#side .sess").count();
  assert(sessions >= 2, `${sessions} sessions`);
  await page.locator("#side .sess").first().click();
  await page.waitForFunction(() => document.querySelector("#displayed")?.textContent.includes("(mapihttp.session == 0)") && !document.querySelector("#job"));
  assert((await page.inputValue("#filter")) === "mapihttp.session == 0", "session click filters");
  const [n] = await displayed();
  assert(n === cliCount("mapihttp.session == 0"), `session 0: ${n}`);
  await page.click("#filter-clear");
  await page.click(".side .tab >> text=Expert info");
  await page.locator("#side .expert").waitFor();
  await shot("04-panels");
  return `${sessions} sessions`;
});

await check("open a file by drop (HAR)", async () => {
  const har = fs.readFileSync(path.join(ROOT, "tests/samples/outlook.har")).toString("base64");
  await drop([{ name: "outlook.har", b64: har }]);
  await page.waitForFunction(() => document.querySelector(".status")?.textContent.includes("outlook.har"));
  const t = await countText();
  assert(parseInt(t, 10) > 0, `count ${t}`);
  assert((await page.locator("select.files option").count()) === 2, "two captures open");
  return t;
});

await check("an unreadable file gets a clear message and the app stays usable", async () => {
  await drop([{ name: "notes.txt", text: "hello, this is not a capture" }]);
  const err = page.locator("#error");
  await err.waitFor();
  const msg = await err.textContent();
  assert(msg.includes("notes.txt") && msg.includes("pcap") && msg.includes("HAR"), msg);
  assert((await rows().count()) > 0, "list still there");
  await page.click("#error button");
  return msg.trim();
});

await check(`the XSS string ${XSS} renders as text`, async () => {
  const body = `garbage ${XSS} garbage`;
  const raw =
    `POST /mapi/emsmdb/?MailboxId=x@example.com HTTP/1.1\r\nHost: mail.example.com\r\nUser-Agent: ${XSS}\r\n` +
    `X-RequestType: Execute\r\nContent-Type: application/mapi-http\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
    `HTTP/1.1 200 OK\r\nX-ResponseCode: 0\r\nContent-Type: application/mapi-http\r\nContent-Length: 0\r\n\r\n`;
  await drop([{ name: `${XSS}.txt`, text: raw }]);
  await page.waitForFunction(() => /1 exchanges/.test(document.querySelector("#count")?.textContent || ""));
  await page.locator("#list .row").nth(1).click();
  await page.locator("#tree .tn").first().waitFor();
  await page.click("#expand-all");
  const texts = await page.locator("#tree .tt").allTextContents();
  assert(texts.some((t) => t.includes(XSS)), `tree texts ${texts.slice(0, 8)}`);
  const ascii = await page.locator("#bytes .ba").allTextContents();
  assert(ascii.join("").includes("<img src=x onerror"), "bytes pane ASCII shows the characters");
  const status = await page.locator(".status").textContent();
  assert(status.includes(XSS), "file name shown as text");
  const imgs = await page.locator("img").count();
  assert(imgs === 0, `${imgs} img elements`);
  assert(dialogs.length === 0, `dialogs: ${dialogs}`);
  await shot("05-xss-as-text");
});

await check("paste a bare hex body: pick its request type, read its tree", async () => {
  const hex = fs.readFileSync(path.join(ROOT, "tests/samples/execute.request.bin")).toString("hex").replace(/(.{32})/g, "$1\n");
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.setData("text/plain", text);
    document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, hex);
  await page.locator("#bare-dialog").waitFor();
  await page.selectOption("#bare-type", "Execute");
  await page.click("#bare-ok");
  await page.waitForFunction(() => document.querySelector(".status")?.textContent.includes("pasted text"));
  await page.locator("#tree .tn").first().waitFor();
  const texts = await page.locator("#tree .tt").allTextContents();
  assert(texts.some((t) => t.includes("Execute Request Type Request Body")), `tree ${texts.slice(0, 5)}`);
  await page.locator("#bytes .bl").first().waitFor();
  // The derived payload (de-obfuscated / decompressed RopBuffer) has its bytes too.
  const tabs = await page.locator("#tabs .tab").allTextContents();
  assert(tabs.length >= 2 && tabs.some((t) => /payload/i.test(t)), `source tabs ${tabs}`);
  await page.locator("#tabs .tab", { hasText: /payload/i }).first().click();
  await page.locator("#bytes .bl").first().waitFor();
  const shown = await page.locator("#bytes .bl").count();
  assert(shown > 0, "no bytes shown for the derived payload");
});

await check("dark theme follows the system", async () => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.selectOption("select.files", "0");
  await page.locator("#list .row.sel").first().waitFor();
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert(bg === "rgb(20, 23, 28)", `background ${bg}`);
  await shot("06-dark");
  await page.emulateMedia({ colorScheme: "light" });
});

if (BIG) {
  await check("a large generated capture shows its list within 3 s", async () => {
    const size = fs.statSync(BIG).size;
    await page.goto(BASE);
    await page.locator(".welcome").waitFor();
    // The clock starts when the page is ready (its decoder compiled), as when a person drops a file.
    await page.locator('body[data-decoder="ready"]').waitFor();
    const t0 = await page.evaluate(() => Date.now());
    await page.setInputFiles('input[type="file"]', BIG);
    await rows().first().waitFor({ timeout: 120000 });
    // The page's own clock: when the file was handed over, and when its first rows were in the DOM.
    await page.waitForFunction(() => document.body.dataset.listAt);
    const ms = (await page.evaluate(() => Number(document.body.dataset.listAt))) - t0;
    await page.waitForFunction(() => /^\d+ exchanges$/.test(document.querySelector("#count")?.textContent || ""), null, { timeout: 120000 });
    const msAll = Date.now() - t0;
    const t = await countText();
    const indexed = await page.evaluate((t0) => `${document.body.dataset.timing}; file chosen +${document.body.dataset.chosenAt - t0} ms, reply +${document.body.dataset.replyAt - t0} ms`, t0);
    // Scroll to the end: the virtualised list renders the last rows.
    await page.locator("#list").evaluate((e) => (e.scrollTop = e.scrollHeight));
    await page.waitForTimeout(100);
    const lastNo = await rows().last().locator(".c-no").textContent();
    assert(parseInt(lastNo, 10) === parseInt(t, 10) - 1, `last row ${lastNo} of ${t}`);
    assert((await rows().count()) < 200, "only a window of rows is in the DOM");
    await shot("07-big");
    console.log(`BIG: ${(size / 1e6).toFixed(1)} MB, ${t}; list shown after ${ms} ms, all rows after ${msAll} ms (worker: ${indexed})`);
    const limit = Number(process.env.E2E_BIG_LIMIT_MS || 3000);
    assert(ms < limit, `list shown after ${ms} ms (limit ${limit} ms)`);
    return `${(size / 1e6).toFixed(1)} MB → ${t} in ${ms} ms`;
  });

  await check("a filter that reads trees runs over the large capture in chunks, with progress, and gives way to a newer one", async () => {
    const total = parseInt(await countText(), 10);
    const slow = "mapihttp.rop.id == RopQueryRows";
    await page.fill("#filter", slow);
    await page.locator("#filter-bar.f-ok").waitFor();
    const t0 = Date.now();
    await page.locator("#filter").press("Enter");
    // The progress bar shows how far the worker is, with a percentage.
    await page.waitForFunction(() => /Filtering: .* \d+%/.test(document.querySelector("#job")?.textContent || ""), null, { timeout: 20000 });
    const during = await page.locator("#job").textContent();
    // A newer filter cancels it: the list ends with the newer filter's answer.
    const fast = 'mapihttp.request_type == "Connect"';
    await page.fill("#filter", fast);
    await page.locator("#filter-bar.f-ok").waitFor();
    await page.locator("#filter").press("Enter");
    await applied(fast, { timeout: 60000 });
    const [nFast] = await displayed();
    const types = await page.locator("#list .list-window .row .c-type").allTextContents();
    assert(nFast > 0 && types.every((x) => x === "Connect"), `Connect: ${nFast}, ${types.slice(0, 3)}`);
    // The slow one to the end: its time, and every displayed row carries the ROP.
    await page.fill("#filter", slow);
    await page.locator("#filter-bar.f-ok").waitFor();
    const t1 = Date.now();
    await page.locator("#filter").press("Enter");
    await applied(slow, { timeout: 180000 });
    const msSlow = Date.now() - t1;
    const [n, tot] = await displayed();
    const sums = await page.locator("#list .list-window .row .c-sum").allTextContents();
    assert(n > 0 && n < tot && tot === total && sums.every((x) => x.includes("RopQueryRows")), `${n} of ${tot}`);
    await shot("14-big-filtered");
    console.log(`BIG filter: ${slow} → ${n} of ${tot} in ${msSlow} ms (worker ${await page.evaluate(() => document.body.dataset.filterMs)} ms); cancelled after ${t1 - t0} ms: "${during.trim()}"`);
    await page.click("#filter-clear");
    return `${n} of ${tot} in ${msSlow} ms`;
  });
}

await check("no network request beyond the page's own origin; no page errors", async () => {
  assert(external.length === 0, `external requests: ${external}`);
  const errs = pageErrors.filter((e) => !e.includes("favicon"));
  assert(errs.length === 0, `page errors: ${errs}`);
});

await context.close();
fs.rmSync(userDir, { recursive: true, force: true });
fs.rmSync(downloads, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed; screenshots in ${OUT}`);
process.exit(failed.length ? 1 : 0);
