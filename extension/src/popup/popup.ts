// The popup: the current site's entries with live codes, a search over every
// entry, fill and copy. `popup.html?tab=ID` targets another tab, so tests can
// open the popup as a normal page. The same page is the inline chooser
// (chooser.html?token=…): this site's exact matches only, fill only.

import { api, send } from "../shared/api";
import type { CodeResult, EntryRef, MatchEntry, PopupInit } from "../shared/messages";
import { showSetupOffer } from "./setup-offer";
import { showClockWarning } from "./clock";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const params = new URLSearchParams(location.search);
const inTab = params.has("tab");
/** chooser.html: shown in a frame on the page by the content script, as the inline chooser. */
const inline = location.pathname.endsWith("/chooser.html");
const token = params.get("token") ?? "";
let init: PopupInit | null = null;

interface Row {
  entry: EntryRef;
  strength?: MatchEntry["strength"];
  li: HTMLLIElement;
  fill: HTMLButtonElement;
  codeEl: HTMLElement;
  bar: HTMLElement;
  code?: CodeResult;
  loading?: Promise<CodeResult | null> | undefined;
}
const rows: Row[] = [];

function problem(text: string, doctor = true): void {
  const p = $("problem");
  p.replaceChildren(text + " ");
  if (doctor) {
    const c = document.createElement("code");
    c.textContent = "otpfill doctor";
    p.append("Run ", c, " in a terminal to see what is missing and how to fix it.");
  }
  p.hidden = false;
}

function notice(...parts: (string | Node)[]): void {
  const n = $("notice");
  n.replaceChildren(...parts);
  n.hidden = parts.length === 0;
}

function groupCode(code: string): string {
  if (code.length === 6) return `${code.slice(0, 3)} ${code.slice(3)}`;
  if (code.length === 8) return `${code.slice(0, 4)} ${code.slice(4)}`;
  return code;
}

async function loadCode(row: Row): Promise<CodeResult | null> {
  if (row.code && (row.code.type === "hotp" || (row.code.expires_at ?? 0) > Date.now() + 500)) return row.code;
  // The inline chooser asks only for the entries its token was given for.
  row.loading ??= (inline ? send({ type: "chooser-code", token, entry: row.entry }) : send({ type: "code", entry: row.entry }))
    .then((r) => {
      if ("error" in r) {
        row.codeEl.textContent = "—";
        row.codeEl.title = r.error;
        return null;
      }
      row.code = r;
      paint(row);
      return r;
    })
    .finally(() => {
      row.loading = undefined;
    });
  return row.loading;
}

function paint(row: Row): void {
  const c = row.code;
  if (!c) return;
  row.codeEl.textContent = groupCode(c.code);
  row.codeEl.setAttribute("aria-label", `code ${c.code.split("").join(" ")}`);
  const inner = row.bar.firstElementChild as HTMLElement;
  if (c.type === "totp" && c.expires_at && c.period) {
    const left = Math.max(0, c.expires_at - Date.now());
    inner.style.width = `${Math.min(100, (left / (c.period * 1000)) * 100)}%`;
    row.bar.classList.toggle("low", left < 5000);
    row.bar.hidden = false;
    row.bar.setAttribute("aria-valuenow", String(Math.ceil(left / 1000)));
  } else {
    row.bar.hidden = true;
  }
}

function makeRow(entry: EntryRef, strength?: MatchEntry["strength"]): Row {
  const li = document.createElement("li");
  li.className = "entry";
  li.dataset.name = entry.name;
  li.dataset.store = entry.store;
  if (strength) li.dataset.strength = strength;

  const fill = document.createElement("button");
  fill.className = "fill";
  fill.type = "button";
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = entry.name;
  const store = document.createElement("span");
  store.className = "store";
  store.textContent = entry.store;
  // A quiet hint: the key is in one store only (`otpfill backup sync` copies it).
  const single = entry.backup === false;
  if (single) {
    store.textContent += " · no second copy";
    store.title = "Only in this store: run `otpfill backup sync` to copy it to the backup store";
    li.dataset.backup = "false";
  }
  const codeEl = document.createElement("span");
  codeEl.className = "code";
  codeEl.setAttribute("aria-live", "polite");
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.hidden = true;
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-label", "seconds left");
  bar.setAttribute("aria-valuemin", "0");
  bar.append(document.createElement("span"));
  fill.append(name, store, codeEl, bar);
  fill.setAttribute("aria-label", `Fill ${entry.name} (${entry.store}${single ? ", no second copy" : ""})`);

  const copy = document.createElement("button");
  copy.className = "copy";
  copy.type = "button";
  copy.textContent = "Copy";
  copy.setAttribute("aria-label", `Copy code of ${entry.name}`);

  li.append(fill, copy);
  const row: Row = { entry, li, fill, codeEl, bar, ...(strength ? { strength } : {}) };
  fill.addEventListener("click", () => void fillRow(row));
  copy.addEventListener("click", () => void copyRow(row));
  rows.push(row);
  return row;
}

async function fillRow(row: Row): Promise<void> {
  if (!init) return;
  notice();
  const code = await loadCode(row);
  const r = inline
    ? await send({ type: "chooser-fill", token, entry: row.entry, ...(code ? { code } : {}) })
    : await send({ type: "popup-fill", tabId: init.tabId, url: init.url, entry: row.entry, ...(code ? { code } : {}) });
  if (r.error) return problem(r.error, false);
  if (r.code) {
    row.code = r.code;
    paint(row);
  }
  if (!r.filled) {
    notice("No 2FA field to fill on this page. Use Copy instead.");
    return;
  }
  if (inline) return; // the content script closes the chooser once the field is filled
  if (row.strength === "weak") return offerRemember(row, "Filled.");
  if (!inTab) window.close();
  else notice("Filled.");
}

async function copyRow(row: Row): Promise<void> {
  if (inline) return; // a page could trick a click on a framed Copy, then read what is pasted
  notice();
  const code = await loadCode(row);
  if (!code) return;
  await navigator.clipboard.writeText(code.code);
  await send({ type: "clipboard-copied", code: code.code, ...(code.expires_at ? { expiresAt: code.expires_at } : {}) });
  if (row.strength === "weak" && !inline) return offerRemember(row, "Copied.");
  notice("Copied. It will be cleared from the clipboard when it expires.");
}

/** After a weak match was used: offer to make it exact for this site (host `alias`). */
function offerRemember(row: Row, done: string): void {
  if (!init?.site) return notice(done);
  const b = document.createElement("button");
  b.type = "button";
  b.className = "action";
  b.id = "remember";
  b.textContent = `Remember for ${init.site}`;
  b.addEventListener("click", async () => {
    const r = await send({ type: "alias", tabId: init!.tabId, entry: row.entry });
    if ("error" in r) return problem(r.error, false);
    notice(`${r.site} now uses ${row.entry.name}: it will be filled here from now on.`);
  });
  notice(`${done} Does ${init.site} use ${row.entry.name}? `, document.createElement("br"), b);
  b.focus();
}

function tickAll(): void {
  for (const row of rows) {
    if (!row.code) continue;
    if (row.code.type === "totp" && (row.code.expires_at ?? 0) <= Date.now()) void loadCode(row);
    else paint(row);
  }
}

// ---- search over every entry ----
let all: EntryRef[] | null = null;
async function loadAll(): Promise<EntryRef[]> {
  if (all) return all;
  const out: EntryRef[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await send({ type: "list", ...(cursor ? { cursor } : {}) });
    if ("error" in r) {
      problem(r.error, false);
      break;
    }
    out.push(...r.entries);
    cursor = r.cursor;
    if (!cursor) break;
  }
  all = out;
  return out;
}

async function search(q: string): Promise<void> {
  const list = $("results");
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) {
    list.replaceChildren();
    return;
  }
  const entries = (await loadAll()).filter((e) => words.every((w) => e.name.toLowerCase().includes(w)));
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.li.parentElement === list) rows.splice(i, 1);
  list.replaceChildren(...entries.slice(0, 50).map((e) => makeRow(e).li));
}

// ---- keyboard ----
function fillButtons(): HTMLButtonElement[] {
  return Array.from(document.querySelectorAll<HTMLButtonElement>("li.entry button.fill")).filter((b) => b.offsetParent);
}

document.addEventListener("keydown", (e) => {
  const buttons = fillButtons();
  const active = document.activeElement as HTMLElement | null;
  const i = buttons.indexOf(active as HTMLButtonElement);
  const rowOf = () => rows.find((r) => r.li.contains(active));
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const step = e.key === "ArrowDown" ? 1 : -1;
    const next = i < 0 ? (step > 0 ? 0 : buttons.length - 1) : i + step;
    if (next < 0) $("search").focus();
    else buttons[Math.min(next, buttons.length - 1)]?.focus();
  } else if (e.key === "Enter" && active?.id === "search") {
    e.preventDefault();
    buttons.find((b) => $("results").contains(b))?.click();
  } else if (e.key === "Escape" && inline && init) {
    void send({ type: "chooser-cancel", token });
  } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "c" && rowOf()) {
    e.preventDefault();
    void copyRow(rowOf()!);
  }
});

// ---- start ----
async function targetTab(): Promise<number | undefined> {
  const p = params.get("tab");
  if (p) return Number(p);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

async function start(): Promise<void> {
  // The inline chooser shows this site's entries only: no search over every
  // entry and no "Remember" (aliases are made from the toolbar popup alone).
  if (inline) document.body.classList.add("inline");
  else if (inTab) document.body.classList.add("tab");
  if (inline) {
    const r = await send({ type: "chooser-init", token });
    if ("error" in r) return problem(r.error, false);
    init = r;
  } else {
    const tabId = await targetTab();
    if (tabId === undefined || Number.isNaN(tabId)) return problem("No tab to work on.", false);
    init = await send({ type: "popup-init", tabId });
    showSetupOffer(tabId); // a 2FA key or recovery codes on that tab's page: offered here too
  }
  document.body.dataset.state = init.host.ok ? "ready" : "host-error";
  $("site").textContent = init.site;
  if (!init.host.ok) {
    problem(`otpfill cannot reach its helper program on this computer (${init.host.error}).`);
    $<HTMLInputElement>("search").disabled = true;
    return;
  }
  // A default store the user never set up (say, no keyring on this desktop)
  // is not a problem while another store works.
  const stores = init.host.stores ?? [];
  const anyOK = stores.some((s) => s.ok);
  const broken = stores.filter((s) => !s.ok && !(s.optional && anyOK));
  if (broken.length) problem(`Store ${broken.map((s) => `${s.id}: ${s.error ?? "unavailable"}`).join("; ")}.`);
  void showClockWarning($("clock"), init.tabId, init.site);
  if (init.exact.length) {
    $("matches").hidden = false;
    $("exact").replaceChildren(...init.exact.map((m) => makeRow(m, "exact").li));
  }
  if (init.weak.length) {
    $("possible").hidden = false;
    $("weak").replaceChildren(...init.weak.map((m) => makeRow(m, "weak").li));
  }
  if (init.site && !init.exact.length && !init.weak.length) $("none").hidden = false;
  // Live codes for this site's entries (a handful at most).
  for (const row of rows.slice(0, 8)) void loadCode(row);
  setInterval(tickAll, 250);
  (fillButtons()[0] ?? $("search")).focus();
}

$("search").addEventListener("input", (e) => void search((e.target as HTMLInputElement).value));
void start().catch((e: unknown) => problem(`otpfill's background did not answer (${String(e)}).`));
