// The popup: the current site's entries with live codes, a search over every
// entry, fill and copy. On a site with no exact match it lists, as
// authenticator apps do, the recently used entries and then all of them: the
// names at once (from `list`, nothing decrypted), a row's code only once the
// row is in view or selected. `popup.html?tab=ID` targets another tab, so
// tests can open the popup as a normal page. The same page is the inline
// chooser (chooser.html?token=…): this site's exact matches only, fill only.

import { api, send } from "../shared/api";
import type { CodeResult, EntryRef, MatchEntry, PopupInit, TeachOffer } from "../shared/messages";
import { HOTP_KEY, hotpKeyOf } from "../shared/hotp";
import { parseRecent, presentRecent, RECENT_KEY } from "../shared/recent";
import { showSetupOffer } from "./setup-offer";
import { showClockWarning } from "./clock";
import { showEntryWarning, showTabWarnings } from "./warning";

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
  /** Its code is asked for only while it is in view (or selected); visible says whether it is. */
  lazy?: boolean;
  visible?: boolean;
  /** Set while the row waits to have been in view long enough to ask for its code. */
  timer?: number | undefined;
  /** A lazy row of an HOTP entry: its code only on Fill or Copy (each code advances the counter). */
  hotp?: boolean;
  /** The entry keeps recovery codes only: there is no code. */
  recoveryOnly?: boolean;
}

/** The entries learnt to be HOTP (read once): a list's rows never ask their codes by themselves. */
let hotpKnown: Set<string> | null = null;

async function knownHotp(): Promise<Set<string>> {
  if (!hotpKnown) {
    const got = ((await api.storage.local.get(HOTP_KEY).catch(() => ({}))) as Record<string, unknown>)[HOTP_KEY];
    hotpKnown = new Set(Array.isArray(got) ? got.filter((k): k is string => typeof k === "string") : []);
  }
  return hotpKnown;
}
const rows: Row[] = [];
const rowOfLi = new WeakMap<Element, Row>();

/** How long a row must stay in view before its code is asked for: scrolling past entries decrypts none. */
const IN_VIEW_MS = 150;
/** Rows added to "All entries" at a time; more as the end of the list scrolls into view. */
const CHUNK = 100;

/** `code` requests sent (the e2e build shows the count on <body>: none until a row is in view). */
let codeRequests = 0;

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

/** An entry of recovery codes only: no code to show or fill (`otpfill show NAME` prints the codes). */
function markRecoveryOnly(row: Row): void {
  row.recoveryOnly = true;
  row.li.dataset.type = "recovery";
  row.codeEl.textContent = "recovery codes only";
  row.codeEl.title = `No 2FA key: ${row.entry.name} keeps this site's recovery codes. Run \`otpfill show ${row.entry.name}\` in a terminal to see them.`;
  row.fill.setAttribute("aria-label", `${row.entry.name} (${row.entry.store}): recovery codes only, no code`);
}

async function loadCode(row: Row): Promise<CodeResult | null> {
  if (row.recoveryOnly) return null;
  if (row.code && (row.code.type === "hotp" || (row.code.expires_at ?? 0) > Date.now() + 500)) return row.code;
  if (!row.loading) {
    codeRequests++;
    if (__OTPFILL_TEST_HOOKS__) document.body.dataset.codeRequests = String(codeRequests);
  }
  // The inline chooser asks only for the entries its token was given for.
  row.loading ??= (inline ? send({ type: "chooser-code", token, entry: row.entry }) : send({ type: "code", entry: row.entry }))
    .then((r) => {
      if ("error" in r) {
        if ("recoveryOnly" in r && r.recoveryOnly) {
          markRecoveryOnly(row);
          return null;
        }
        row.codeEl.textContent = "—";
        row.codeEl.title = r.error;
        return null;
      }
      row.code = r;
      if (r.type === "hotp") row.hotp = true;
      paint(row);
      if (r.warning) showEntryWarning(row.li, r.warning);
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
  // A selected row shows its code at once, in view or not.
  fill.addEventListener("focus", () => {
    if (row.lazy && !row.hotp) void loadCode(row);
  });
  rows.push(row);
  return row;
}

// ---- codes only for rows in view ----
const inView =
  typeof IntersectionObserver === "function"
    ? new IntersectionObserver((changes) => {
        for (const c of changes) {
          const row = rowOfLi.get(c.target);
          if (!row) continue;
          row.visible = c.isIntersecting;
          clearTimeout(row.timer);
          row.timer = undefined;
          if (c.isIntersecting) {
            row.timer = setTimeout(() => {
              row.timer = undefined;
              if (row.visible && !row.hotp) void loadCode(row);
            }, IN_VIEW_MS) as unknown as number;
          }
        }
      })
    : null;

/** A row whose code is asked for only once it is in view or selected. */
function lazyRow(entry: EntryRef): Row {
  const row = makeRow(entry);
  row.lazy = true;
  row.visible = false;
  if (entry.type === "recovery") markRecoveryOnly(row); // the host says so: no code to ask for
  else if (entry.type === "hotp" || (entry.type === undefined && hotpKnown?.has(hotpKeyOf(entry)))) {
    row.hotp = true;
    row.codeEl.textContent = "•••";
    row.codeEl.title = "A counter-based code: made when you fill or copy it";
  }
  rowOfLi.set(row.li, row);
  inView?.observe(row.li);
  return row;
}

function dropRows(list: HTMLElement): void {
  for (let i = rows.length - 1; i >= 0; i--) {
    const r = rows[i]!;
    if (r.li.parentElement !== list) continue;
    inView?.unobserve(r.li);
    clearTimeout(r.timer);
    rows.splice(i, 1);
  }
}

async function fillRow(row: Row): Promise<void> {
  if (!init) return;
  notice();
  if (row.recoveryOnly) return notice(row.codeEl.title);
  const code = await loadCode(row);
  if (row.recoveryOnly) return notice(row.codeEl.title);
  const r = inline
    ? await send({ type: "chooser-fill", token, entry: row.entry, ...(code ? { code } : {}) })
    : await send({ type: "popup-fill", tabId: init.tabId, url: init.url, entry: row.entry, ...(code ? { code } : {}) });
  if (r.error) return problem(r.error, false);
  if (r.code) {
    row.code = r.code;
    paint(row);
    if (r.code.warning) showEntryWarning(row.li, r.code.warning);
  }
  if ("teach" in r && r.teach) return offerTeach(r.teach, "Filled.");
  if (!r.filled) {
    notice("No 2FA field to fill on this page. Use Copy instead.");
    return;
  }
  if (inline) return; // the content script closes the chooser once the field is filled
  if (row.strength === "weak") return offerRemember(row, "Filled.");
  // A code the host warned about stays on screen with its warning, rather than closing the popup over it.
  if (!inTab && !row.code?.warning) window.close();
  else notice("Filled.");
}

async function copyRow(row: Row): Promise<void> {
  if (inline) return; // a page could trick a click on a framed Copy, then read what is pasted
  notice();
  const code = await loadCode(row);
  if (!code) return;
  await navigator.clipboard.writeText(code.code);
  await send({ type: "clipboard-copied", code: code.code, entry: { name: row.entry.name, store: row.entry.store }, ...(code.expires_at ? { expiresAt: code.expires_at } : {}) });
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

/**
 * After a fill by hand into a field otpfill did not recognise: offer to
 * remember it for the site, so it is filled by itself next time. Only here,
 * in the browser's own popup, which no page can cover or click for the user.
 */
function offerTeach(t: TeachOffer, done?: string): void {
  const box = $("teach");
  $("teach-text").textContent = `${done ? done + " " : ""}otpfill did not recognise this field on ${t.site}. Fill it by itself next time?`;
  box.hidden = false;
  const remember = $<HTMLButtonElement>("teach-remember");
  remember.onclick = async () => {
    if (!init) return;
    const r = await send({ type: "teach", tabId: init.tabId });
    box.hidden = true;
    if ("error" in r) return problem(r.error, false);
    notice(`Remembered: this field on ${r.site} is filled by itself from now on. Options lists it, with Forget.`);
  };
  $<HTMLButtonElement>("teach-dismiss").onclick = () => {
    box.hidden = true;
  };
  remember.focus();
}

function tickAll(): void {
  for (const row of rows) {
    if (!row.code) continue;
    // A row out of view keeps its last code until it is seen again.
    if (row.lazy && !row.visible && document.activeElement !== row.fill) continue;
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

/** Whether this popup lists recent and all entries (no exact match for the site). */
let browsing = false;

async function search(q: string): Promise<void> {
  const list = $("results");
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  // While searching, the results stand in for the recent and all lists.
  $("recent-section").hidden = !browsing || words.length > 0 || !$("recent").childElementCount;
  $("all-section").hidden = !browsing || words.length > 0;
  dropRows(list);
  if (!words.length) {
    list.replaceChildren();
    return;
  }
  const entries = (await loadAll()).filter((e) => words.every((w) => e.name.toLowerCase().includes(w)));
  await knownHotp();
  dropRows(list);
  list.replaceChildren(...entries.slice(0, 50).map((e) => lazyRow(e).li));
}

// ---- recent, then all entries ----
let listed: EntryRef[] = [];
let shown = 0;

function showMore(): void {
  const next = listed.slice(shown, shown + CHUNK);
  shown += next.length;
  $("all").append(...next.map((e) => lazyRow(e).li));
  $("more").hidden = shown >= listed.length;
}

/** Lists the recently used entries, then every entry: names only, codes as rows come into view. */
async function browse(): Promise<void> {
  browsing = true;
  const [entries, got] = await Promise.all([loadAll(), api.storage.local.get(RECENT_KEY).catch(() => ({})), knownHotp()]);
  listed = entries;
  const recent = presentRecent(parseRecent((got as Record<string, unknown>)[RECENT_KEY]), entries);
  $("recent").replaceChildren(...recent.map((e) => lazyRow(e).li));
  const searching = $<HTMLInputElement>("search").value.trim() !== "";
  $("recent-section").hidden = searching || !recent.length;
  $("all-section").hidden = searching;
  showMore();
  if (__OTPFILL_TEST_HOOKS__) {
    document.body.dataset.entries = String(entries.length);
    document.body.dataset.codeRequestsAtNames = String(codeRequests);
    document.body.dataset.namesMs = performance.now().toFixed(1);
    requestAnimationFrame(() => {
      document.body.dataset.namesPaintedMs = performance.now().toFixed(1);
    });
  }
  // The next rows once the end of those shown comes into view.
  if (typeof IntersectionObserver === "function") {
    new IntersectionObserver((changes) => {
      if (changes.some((c) => c.isIntersecting) && shown < listed.length) showMore();
    }).observe($("more"));
  }
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
    if (step > 0 && i === buttons.length - 1 && shown < listed.length) {
      showMore();
      buttons.splice(0, buttons.length, ...fillButtons());
    }
    const next = i < 0 ? (step > 0 ? 0 : buttons.length - 1) : i + step;
    if (next < 0) $("search").focus();
    else buttons[Math.min(next, buttons.length - 1)]?.focus();
  } else if (e.key === "Enter" && active?.id === "search") {
    e.preventDefault();
    const first = rows.find((r) => $("results").contains(r.fill));
    if (first && browsing && !init?.hasField) void copyRow(first);
    else first?.fill.click();
  } else if (e.key === "Enter" && browsing && !init?.hasField && rowOf()?.lazy && active?.classList.contains("fill")) {
    // No 2FA field on the page: Enter copies the selected entry's code instead.
    e.preventDefault();
    void copyRow(rowOf()!);
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
  if (init.exact.length) {
    $("matches").hidden = false;
    $("exact").replaceChildren(
      ...init.exact.map((m) => {
        const row = makeRow(m, "exact");
        if (m.type === "recovery") markRecoveryOnly(row);
        return row.li;
      }),
    );
  }
  if (init.weak.length) {
    $("possible").hidden = false;
    $("weak").replaceChildren(...init.weak.map((m) => makeRow(m, "weak").li));
  }
  if (init.site && !init.exact.length && !init.weak.length) $("none").hidden = false;
  // What the host warned about codes filled on this page since the popup was last opened on the tab.
  if (init.warnings?.length) {
    const shown = rows.slice();
    showTabWarnings($("warnings"), init.warnings, (w) => shown.find((r) => r.entry.name === w.name && r.entry.store === w.store)?.li);
  }
  // Live codes for this site's entries (a handful at most). The clock
  // warning goes by their periods: at once with those learnt before, again
  // once the codes came.
  const siteRows = rows.slice();
  const clockShown = showClockWarning($("clock"), init.tabId, init.site, siteRows);
  const loaded = siteRows.slice(0, 8).map((row) => loadCode(row));
  void Promise.allSettled([clockShown, ...loaded]).then(() => showClockWarning($("clock"), init!.tabId, init!.site, siteRows));
  setInterval(tickAll, 250);
  if (init.teach && !inline) offerTeach(init.teach);
  else (fillButtons()[0] ?? $("search")).focus();
  // No exact match: the recent entries, then all, as an authenticator app lists them.
  if (!inline && !init.exact.length) await browse();
}

$("search").addEventListener("input", (e) => void search((e.target as HTMLInputElement).value));
void start().catch((e: unknown) => problem(`otpfill's background did not answer (${String(e)}).`));
