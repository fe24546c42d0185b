// The content script: runs in every frame of every http(s) page, so it stays
// small and cheap. It finds the code field, asks the background what to do,
// and fills when told. It never sees a secret, only a code it is told to fill,
// and it leaves none behind: the test hooks on the page say what happened,
// never which entry or which code.

import { api, send } from "../shared/api";
import type { FieldState, FillHow, FillPlan, Message, Reply, SentChannel } from "../shared/messages";
import { isMessage } from "../shared/messages";
import { bestField, browserEnv, channelBox, CONFIDENT, sentChannel, shownAccounts, eligible, type Field, fieldInputs, findShadowRoots, collectInputs, loginName } from "./detect";
import { fillSingle, fillSplit, submitForm } from "./fill";
import { type Chooser, showChooser } from "./chooser";
import { type InlineIcon, showIcon } from "./icon";
import { startSetupProbe } from "../setup/probe";
import { parseTaught, pathMatches, taughtKeys } from "../shared/taught";
import { findTaught, TAUGHT_SCORE } from "./teach";

const root = document.documentElement;
const shadowRoots = new Set<ShadowRoot>();
/** Custom elements without a shadow root at the first look. */
const hostless: Element[] = [];
/**
 * What became of each field found (by its first input): each is offered to
 * the background, and so auto-filled, at most once; a field that comes back
 * (an SPA hiding and showing it) gets its state and inline button back.
 */
const known = new WeakMap<HTMLInputElement, FieldState | "asking">();
/** States in which the inline button is shown. */
const ICON_STATES = new Set<FieldState>(["offered", "chooser", "weak"]);
let current: Field | null = null;
/** The box whose text says which code the current field takes: a change in it may switch the method (app ↔ SMS). */
let currentBox: Element | null = null;
/**
 * Which code each field found takes, as the page said when last looked at:
 * a code the site sent, or null (the authenticator app's, or nothing says).
 */
const channels = new WeakMap<HTMLInputElement, SentChannel | null>();
let icon: InlineIcon | null = null;
let chooser: Chooser | null = null;
let lastContextTarget: HTMLInputElement | null = null;
/**
 * When this document was last auto-filled. A page that clears or re-renders
 * its field after a wrong code must not get the same code again (and again
 * submitted): one auto-fill per document per code period.
 */
let lastAutoFill = -Infinity;
const AUTOFILL_GAP_MS = 30_000;
/** Selectors of the fields the user taught for this site and path (src/shared/taught.ts). */
let taught: string[] = [];

// ---- cost accounting (read by the e2e speed report) ----
// Only the outermost measurement counts: nested ones would count twice, and
// Firefox's 1 ms clock steps make every extra measurement an extra rounding.
let cost = 0;
let depth = 0;
function measured<T>(fn: () => T): T {
  if (depth) return fn();
  depth++;
  const start = performance.now();
  try {
    return fn();
  } finally {
    depth--;
    cost += performance.now() - start;
    if (__OTPFILL_TEST_HOOKS__) root.setAttribute("data-otpfill-cost-ms", cost.toFixed(2));
  }
}

function setState(state: FieldState): void {
  if (__OTPFILL_TEST_HOOKS__) root.setAttribute("data-otpfill-state", state);
}

function markFilled(f: Field, how: FillHow): void {
  if (__OTPFILL_TEST_HOOKS__) for (const el of fieldInputs(f)) el.setAttribute("data-otpfill-filled", how);
}

function firstInput(f: Field | null): HTMLInputElement | null {
  return f ? fieldInputs(f)[0]! : null;
}

// ---- scanning ----

let pendingNodes: Element[] = [];
let scanTimer = 0;
let lastScan = 0;
const SCAN_GAP_MS = 300;

/** Finds the best field now; a new one is offered to the background unless offerNew is false. */
function scan(offerNew = true, thorough = false): void {
  scanTimer = 0;
  lastScan = performance.now();
  const field = measured(() => {
    const added = pendingNodes;
    pendingNodes = [];
    if (thorough) findShadowRoots(document, shadowRoots, undefined, true);
    for (const n of added) if (n.isConnected) findShadowRoots(n, shadowRoots);
    for (const sr of shadowRoots) {
      if (!sr.host.isConnected) shadowRoots.delete(sr);
      else if (!observed.has(sr)) observe(sr);
    }
    const found = bestField(collectInputs([document, ...shadowRoots]), browserEnv);
    // A field the user taught for this page counts as a confident one, where detection has none.
    if (taught.length && !(found && found.score >= CONFIDENT)) {
      const el = findTaught(document, taught);
      if (el && eligible(el, browserEnv)) return { kind: "single", input: el, score: TAUGHT_SCORE } satisfies Field;
    }
    return found;
  });
  const before = firstInput(current);
  const now = firstInput(field);
  if (before === now) {
    current = field;
    if (field) recheckChannel(field);
    return;
  }
  current = field;
  currentBox = field ? channelBox(now!) : null;
  icon?.remove();
  icon = null;
  if (!field) {
    setState("no-field");
    if (before) void send({ type: "field-lost" }).catch(() => {});
    return;
  }
  const was = known.get(now!);
  if (was === undefined && offerNew) {
    known.set(now!, "asking");
    void offer(field);
  } else if (was === undefined) {
    // Found while the user asked to fill: that fill decides what happens.
    known.set(now!, "offered");
    showInlineIcon(field);
  } else if (was !== "asking") {
    setState(was);
    if (ICON_STATES.has(was)) showInlineIcon(field);
  }
}

/** Reads which code the page asks for in f now, and says it in the test hooks. */
function readChannel(f: Field): SentChannel | null {
  const c = measured(() => sentChannel(f, browserEnv));
  channels.set(firstInput(f)!, c);
  if (__OTPFILL_TEST_HOOKS__) root.setAttribute("data-otpfill-channel", c ?? "app");
  return c;
}

/**
 * The page changed around a field already offered: a page that lets the user
 * switch method (authenticator app ↔ text message) is followed in its current
 * state. Back to the app's code, a field not filled yet is offered again (and
 * so may be auto-filled); to a sent code, the inline button says which.
 */
function recheckChannel(f: Field): void {
  const input = firstInput(f)!;
  if (!channels.has(input)) return;
  const was = channels.get(input);
  const state = known.get(input);
  if (state === "asking" || state === "filled") return;
  const c = readChannel(f);
  if (c === was) return;
  icon?.remove();
  icon = null;
  if (!c && state === "offered" && inputsEmpty(f)) {
    known.set(input, "asking");
    void offer(f);
  } else if (state && ICON_STATES.has(state)) {
    showInlineIcon(f);
  }
}

function remember(f: Field, state: FieldState): void {
  known.set(firstInput(f)!, state);
  setState(state);
}

function scheduleScan(): void {
  if (scanTimer) return;
  const wait = Math.max(0, SCAN_GAP_MS - (performance.now() - lastScan));
  scanTimer = setTimeout(() => scan(), wait) as unknown as number;
}

const observed = new WeakSet<Node>();
const observer = new MutationObserver((records) => {
  measured(() => {
    let relevant = false;
    for (const r of records) {
      if (r.type === "childList") {
        for (const n of Array.from(r.addedNodes)) if (n.nodeType === 1) pendingNodes.push(n as Element);
        relevant = true;
      } else if (r.type === "characterData") {
        // Text changed: it matters only where it says which code the field takes.
        if (currentBox?.contains(r.target)) relevant = true;
      } else {
        const t = r.target as Element;
        // A style or class change matters only where it can show or hide an
        // input, or show the text that says which code the field takes.
        if (t.tagName === "INPUT" || t.getElementsByTagName("input").length || currentBox?.contains(t)) relevant = true;
      }
    }
    if (relevant) scheduleScan();
  });
});
const ATTRS = ["type", "hidden", "style", "class", "disabled", "readonly", "autocomplete", "maxlength", "inputmode", "aria-hidden"];
function observe(n: Node): void {
  observed.add(n);
  observer.observe(n, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRS });
}

// ---- acting on the background's answer ----
function inputsEmpty(f: Field): boolean {
  return fieldInputs(f).every((el) => el.value === "");
}

async function fillField(f: Field, code: string, how: FillHow): Promise<boolean> {
  const ok = f.kind === "single" ? fillSingle(f.input, code) : await fillSplit(f.inputs, code);
  if (ok) {
    markFilled(f, how);
    remember(f, "filled");
    icon?.remove();
    icon = null;
    closeChooser();
  }
  return ok;
}

async function apply(f: Field, plan: FillPlan, how: FillHow): Promise<void> {
  if (plan.action === "fill") {
    // The code was picked for the document that asked; never fill another (the frame navigated meanwhile).
    if (plan.origin !== location.origin) return;
    // The user may have typed while the code was being fetched: never write over that.
    if (how === "auto" && !inputsEmpty(f)) {
      remember(f, "offered");
      return showInlineIcon(f);
    }
    if (how === "auto") lastAutoFill = performance.now();
    if (await fillField(f, plan.code, how)) {
      if (plan.submit) submitForm(fieldInputs(f)[0]!);
    } else if (how === "auto") {
      // The widget did not take the code (boxes of another length): offer it by hand.
      remember(f, "offered");
      showInlineIcon(f);
    }
    return;
  }
  remember(f, plan.state);
  if (ICON_STATES.has(plan.state)) showInlineIcon(f);
  if (plan.chooser && how === "manual") openChooser(f, plan.chooser);
}

function closeChooser(): void {
  chooser?.remove();
  chooser = null;
}

function openChooser(f: Field, token: string): void {
  closeChooser();
  const inputs = fieldInputs(f);
  const src = `${api.runtime.getURL("chooser.html")}?token=${encodeURIComponent(token)}`;
  chooser = showChooser(inputs[inputs.length - 1]!, src, () => {
    chooser = null;
  });
}

async function offer(f: Field): Promise<void> {
  const confident = f.score >= CONFIDENT && inputsEmpty(f) && performance.now() - lastAutoFill > AUTOFILL_GAP_MS;
  let plan: FillPlan;
  try {
    const channel = readChannel(f);
    const accounts = measured(() => shownAccounts(f, browserEnv));
    plan = await send({ type: "field-found", score: f.score, confident, ...(channel ? { channel } : {}), ...(accounts.length ? { accounts } : {}) });
  } catch {
    return remember(f, "error");
  }
  if (firstInput(current) !== firstInput(f)) {
    // The page moved on meanwhile: keep the answer for when the field comes back.
    if (plan.action === "show") known.set(firstInput(f)!, plan.state);
    else known.set(firstInput(f)!, "offered");
    return;
  }
  await apply(f, plan, "auto");
}

const ASKED: Record<SentChannel, string> = {
  sms: "sent by text message",
  email: "sent by e-mail",
  voice: "given by a voice call",
  device: "shown on another device",
};

/** The inline button's title: which code it fills, and which one the page asked for when that is another. */
function iconTitle(c: SentChannel | null): string {
  return c ? `Fill the authenticator-app code (this page asked for a code ${ASKED[c]})` : "Fill 2FA code (otpfill)";
}

function showInlineIcon(f: Field): void {
  if (icon) return;
  const inputs = fieldInputs(f);
  icon = showIcon(inputs[inputs.length - 1]!, iconTitle(channels.get(inputs[0]!) ?? null), () => {
    void send({ type: "fill-request" })
      .then((plan) => apply(f, plan, "manual"))
      .catch(() => setState("error"));
  });
}

// ---- commands from the background (keyboard shortcut, context menu, popup) ----
function deepActiveInput(): HTMLInputElement | null {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a?.tagName === "INPUT" ? (a as HTMLInputElement) : null;
}

async function fillCommand(msg: Extract<Message, { type: "fill" }>): Promise<Reply<"fill">> {
  // The background picked the code for a document of this origin: a frame that
  // navigated to another site since must not receive it (docs/DECISIONS.md).
  if (msg.origin !== location.origin) return { filled: false };
  scan(false, true); // the user asked: look everywhere, and no auto-fill racing this fill
  let f: Field | null = current;
  const chosen = msg.target === "context" ? lastContextTarget : null;
  if (chosen && !(f && fieldInputs(f).includes(chosen))) {
    f = eligible(chosen, browserEnv) ? { kind: "single", input: chosen, score: 0 } : f;
  }
  if (!f) {
    const active = deepActiveInput();
    if (active && eligible(active, browserEnv)) f = { kind: "single", input: active, score: 0 };
  }
  if (!f) return { filled: false };
  const filled = await fillField(f, msg.code, msg.how);
  if (filled && msg.submit) submitForm(fieldInputs(f)[0]!);
  // Filled by hand where detection found no confident field: the user may teach it. The
  // background injects teach.js (content/pick.ts), which builds its selector from this.
  if (filled && f.kind === "single" && f.score < CONFIDENT && f.input.getRootNode() === document) {
    (globalThis as { otpfillTeachInput?: HTMLInputElement }).otpfillTeachInput = f.input;
    return { filled, teach: true };
  }
  return { filled };
}

/** Reads the fields taught for this site (its own storage key only) and path; a scan follows when there are any. */
async function loadTaught(): Promise<void> {
  const keys = taughtKeys(location.hostname);
  const got = (await api.storage.local.get(keys).catch(() => ({}))) as Record<string, unknown>;
  const found: string[] = [];
  for (const k of keys) for (const t of parseTaught(got[k])) if (pathMatches(t.path, location.pathname)) found.push(t.selector);
  if (!found.length) return;
  taught = found;
  scheduleScan();
}

// ---- start (once per frame, even if the background injects us again) ----
function start(): void {
  api.runtime.onMessage.addListener((msg: unknown, sender, reply) => {
    if (sender.id !== api.runtime.id || !isMessage(msg)) return false;
    if (msg.type === "fill") {
      void fillCommand(msg).then(reply, () => reply({ filled: false }));
      return true; // answered later
    }
    if (msg.type === "set-state") setState(msg.state);
    if (msg.type === "close-chooser") closeChooser();
    return false;
  });

  // A login form sent: its user name, so the 2FA step that follows can pick
  // that account's entry (docs/DECISIONS.md). The password is never read.
  addEventListener(
    "submit",
    (e) => {
      const u = loginName(e.target as HTMLFormElement);
      if (u) void send({ type: "login-submitted", username: u }).catch(() => {});
    },
    { capture: true, passive: true },
  );

  document.addEventListener(
    "contextmenu",
    (e) => {
      const t = e.composedPath()[0] as Element | undefined;
      lastContextTarget = t?.tagName === "INPUT" ? (t as HTMLInputElement) : null;
    },
    { capture: true, passive: true },
  );

  measured(() => {
    setState("no-field");
    findShadowRoots(document, shadowRoots, hostless);
    observe(document);
    scan();
  });
  void loadTaught();
  // A custom element may attach its shadow root after we looked, without any
  // DOM change we would see: look at those elements again a little later.
  setTimeout(() => {
    const found = measured(() => {
      const before = shadowRoots.size;
      for (const el of hostless) if (el.isConnected && el.shadowRoot) findShadowRoots(el, shadowRoots);
      hostless.length = 0;
      return shadowRoots.size > before;
    });
    if (found) scheduleScan();
  }, 1500);
}

const flag = globalThis as { otpfillStarted?: boolean };
if (!flag.otpfillStarted) {
  flag.otpfillStarted = true;
  start();
}
// The cheap "is this a 2FA setup page?" check (every frame; the background scans the same-site ones); the scanner itself is injected on demand.
startSetupProbe();
