// The background: the only part of the extension that talks to the otpfill
// host. It answers the content scripts (what to do with a field), the popup
// and the options page, and handles the keyboard shortcut and context menu.

import { isOwnUrl } from "../shared/exturl";
import { api } from "../shared/api";
import type { CodeResult, EntryRef, FillPlan, HostParams, Message, MessageType, PopupInit, Reply, SentChannel, TeachOffer } from "../shared/messages";
import { isMessage, SENT_CHANNELS } from "../shared/messages";
import { loadOptions } from "../shared/options";
import { checkChooser, grantChooser, isCandidate } from "./chooser";
import { clearLater, closeOffscreen } from "./clipboard";
import { bestFrame, forgetField, forgetTab, frameTarget, originOf, recordField } from "./frames";
import { autofillCode, learn, takeKept, withLearntTypes } from "./hotp";
import { noteRecoveryOnly, withRecoveryOnly } from "./recoveryonly";
import { errorText, HostClient, HostError } from "./host";
import { decide, oneCopyEach, waitBeforeFill } from "./policy";
import { fromContentScript, fromPopup, framedPage } from "./senders";
import { forgetLogin, rememberLogin, submittedLogin } from "./logins";
import { registrableDomain, sameSite, siteOf } from "./site";
import { registerSetup } from "./setup";
import { noteUsed } from "./recent";
import { dropPending, notePending, pendingFor, rememberPending } from "./teach";
import { learnPeriod, registerClock } from "./clock";
import { registerGuard } from "./guard";
import { noteCode, registerWarnings, takeWarnings } from "./warnings";

const host = new HostClient();

/** The context menu item's id (documented for the e2e tests). */
export const MENU_ID = "otpfill-fill";
/** The fill command's name in the manifest. */
export const COMMAND_FILL = "fill-code";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A code that will still be valid for a few seconds once filled: near the end of its period, the next one. */
async function freshCode(params: HostParams["code"]): Promise<CodeResult> {
  let c: CodeResult;
  try {
    c = await host.request("code", params);
  } catch (e) {
    // An entry of recovery codes only: remembered, so that auto-fill skips it from now on.
    if (e instanceof HostError && e.code === "recovery_only" && "name" in params) await noteRecoveryOnly({ name: params.name, store: params.store ?? "" }, true);
    throw e;
  }
  await learn(c);
  await learnPeriod(c); // the period the site's clock is held to (src/background/clock.ts)
  await noteRecoveryOnly(c, false); // it has a key now (saved since), if it had none
  if (c.type === "totp") {
    const wait = waitBeforeFill(c.expires_at, Date.now());
    if (wait) {
      await sleep(wait);
      c = await host.request("code", params);
    }
  }
  return c;
}

async function submitFor(url: string): Promise<boolean> {
  return (await loadOptions()).autoSubmitSites.includes(siteOf(url));
}

function hostProblem(e: unknown): FillPlan {
  return { action: "show", state: "error", message: errorText(e) };
}

type Sender = chrome.runtime.MessageSender;

/** A content script's frame may be filled: it is the top frame or same-site with it. */
function frameAllowed(sender: Sender): boolean {
  if (!sender.tab?.url) return false;
  return sender.frameId === 0 || sameSite(sender.url, sender.tab.url);
}

// ---- content script requests ----

async function onFieldFound(sender: Sender, confident: boolean, score: number, channel: SentChannel | undefined, accounts: string[]): Promise<FillPlan> {
  const tab = sender.tab!;
  if (!frameAllowed(sender)) return { action: "show", state: "blocked" };
  await recordField(tab.id!, sender.frameId ?? 0, score, sender.url ?? tab.url!, (sender as { documentId?: string }).documentId);
  const topUrl = tab.url!;
  try {
    // Entries learnt to be HOTP are skipped before a `code` request could advance their counter.
    // Entries of recovery codes only are never filled (and never asked for a code).
    const entries = await withRecoveryOnly(await withLearntTypes((await host.request("match", { url: topUrl })).entries));
    const submitted = submittedLogin(tab.id!, topUrl);
    const report = { topUrl, frameUrl: sender.url ?? topUrl, confident, accounts, ...(channel ? { channel } : {}), ...(submitted ? { submitted } : {}) };
    const d = decide(report, entries, await loadOptions());
    if ("state" in d) return { action: "show", state: d.state };
    // A code auto-fill had to ask for may have written (an HOTP counter, kept for the next fill): its warning is the tab's.
    const c = await autofillCode(topUrl, d.fill, async (e) => noted(tab.id!, await freshCode(e)));
    if (!c) return { action: "show", state: "offered" };
    void noteUsed(c);
    return { action: "fill", code: c.code, submit: await submitFor(topUrl), origin: originOf(sender.url ?? topUrl) };
  } catch (e) {
    // recovery_only: the site's one entry keeps recovery codes, no key: there is nothing to fill.
    return e instanceof HostError && (e.code === "not_found" || e.code === "recovery_only") ? { action: "show", state: "no-match" } : hostProblem(e);
  }
}

/**
 * A code used for a fill the user started on the page of tab tabId: what the
 * host warned about with it is kept for the tab (warnings.ts), since no
 * otpfill page is open to show it.
 */
async function noted(tabId: number, c: CodeResult): Promise<CodeResult> {
  await noteCode(tabId, c);
  return c;
}

/** A manual fill (inline icon, shortcut, menu) on tab tabId: the single exact match, else the popup to choose. */
async function manualCode(url: string, tabId: number): Promise<{ code: CodeResult } | { plan: FillPlan }> {
  try {
    return { code: await noted(tabId, takeKept({ url }) ?? (await freshCode({ url }))) };
  } catch (e) {
    if (e instanceof HostError && e.code === "ambiguous") return { plan: { action: "show", state: "chooser" } };
    // The site's one entry keeps recovery codes only: nothing to fill (the popup lists it as such).
    if (e instanceof HostError && e.code === "recovery_only") return { plan: { action: "show", state: "no-match" } };
    if (e instanceof HostError && e.code === "not_found") {
      try {
        const { entries } = await host.request("match", { url });
        const weak = entries.some((m) => m.strength === "weak");
        return { plan: { action: "show", state: weak ? "weak" : "no-match" } };
      } catch (e2) {
        return { plan: hostProblem(e2) };
      }
    }
    return { plan: hostProblem(e) };
  }
}

/** Opens the popup where the browser lets us (Chromium 127+, Firefox on a user action). */
async function openPopup(): Promise<void> {
  try {
    await api.action.openPopup();
  } catch {
    // Not allowed here; the inline state and the toolbar badge still say what to do.
  }
}

async function onFillRequest(sender: Sender): Promise<FillPlan> {
  if (!frameAllowed(sender)) return { action: "show", state: "blocked" };
  const url = sender.tab!.url!;
  const r = await manualCode(url, sender.tab!.id!);
  if ("plan" in r) {
    const p = r.plan;
    // Several exact matches: the content script shows the inline chooser.
    // Weak matches are only ever offered in the toolbar popup, which no page can frame.
    if (p.action === "show" && p.state === "chooser") {
      const candidates = oneCopyEach(await withRecoveryOnly((await host.request("match", { url })).entries))
        .filter((m) => m.strength === "exact" && m.type !== "recovery")
        .map((m) => ({ name: m.name, store: m.store }));
      const documentId = (sender as { documentId?: string }).documentId;
      const token = await grantChooser({
        tabId: sender.tab!.id!,
        frameId: sender.frameId ?? 0,
        origin: originOf(sender.url ?? url),
        ...(documentId ? { documentId } : {}),
        site: registrableDomain(siteOf(url)),
        candidates,
      });
      return { ...p, chooser: token };
    }
    void openPopup();
    return p;
  }
  void noteUsed(r.code);
  return { action: "fill", code: r.code.code, submit: await submitFor(url), origin: originOf(sender.url ?? url) };
}

// ---- shortcut, context menu, popup: fill a tab ----

/**
 * Fills a frame of a tab with a code picked for matchedUrl (the tab's URL
 * when the code was asked for). The fill goes to the document that reported
 * the field (Chromium: by documentId), carries the origin it is meant for
 * (the content script refuses it in any other document), and is not sent at
 * all when the tab or the frame shows another site now. The content script
 * is injected only into the top frame, only while it still shows the origin
 * the code was picked for.
 *
 * When the content script filled an input it had not detected (it answers
 * with a selector for it), the field is pending for the tab: the popup offers
 * to remember it (teach.ts), and the offer is returned.
 */
async function fillTab(
  tabId: number,
  frameId: number | undefined,
  code: string,
  target: "best" | "context",
  matchedUrl: string,
  frameUrl?: string,
): Promise<{ filled: boolean; teach?: TeachOffer }> {
  const no = { filled: false };
  const tab = await api.tabs.get(tabId);
  const url = tab.url ?? "";
  if (!siteOf(url) || originOf(url) !== originOf(matchedUrl)) return no; // the tab moved on since the code was picked
  const t = await frameTarget(tabId, frameId);
  const origin = t.origin ?? (t.frameId === 0 ? originOf(url) : originOf(frameUrl));
  if (!origin || (t.frameId !== 0 && !sameSite(t.url ?? frameUrl, url))) return no;
  const submit = await submitFor(url);
  const msg: Message = { type: "fill", code, how: "manual", submit, target, origin };
  // The filled document's URL as the browser reported it: a taught field is remembered for its site and path.
  const docUrl = t.frameId === 0 ? url : (t.url ?? frameUrl ?? "");
  const answered = async (r: Reply<"fill"> | undefined) => {
    if (r?.filled !== true) return no;
    if (r.teach !== true || originOf(docUrl) !== origin) return { filled: true };
    const selector = await selectorOfFilled(tabId, t.frameId, origin);
    const offer = selector ? await notePending(tabId, docUrl, selector) : null;
    return offer ? { filled: true, teach: offer } : { filled: true };
  };
  try {
    return await answered((await api.tabs.sendMessage(tabId, msg, t.options)) as Reply<"fill"> | undefined);
  } catch {
    // No content script in that document: the tab was open before the extension
    // was installed or reloaded. Inject it into the top frame (the user asked for
    // this fill) if it still shows the origin the code is for, and try once more.
    if (t.frameId !== 0 || t.documentId) return no;
    try {
      if (originOf((await api.tabs.get(tabId)).url) !== origin) return no;
      await api.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: ["content.js"] });
      return await answered((await api.tabs.sendMessage(tabId, msg, { frameId: 0 })) as Reply<"fill"> | undefined);
    } catch {
      return no; // a page the extension may not touch (browser pages, the web store)
    }
  }
}

/**
 * The selector of the input the content script of that frame just filled by
 * hand (it keeps the input for this): teach.js builds it in the frame's
 * isolated world, which the page cannot reach. null when the frame shows
 * another origin now, or no selector finds the input.
 */
async function selectorOfFilled(tabId: number, frameId: number, origin: string): Promise<string | null> {
  try {
    const target = { tabId, frameIds: [frameId] };
    await api.scripting.executeScript({ target, files: ["teach.js"] });
    const [res] = await api.scripting.executeScript({
      target,
      func: () => {
        const g = globalThis as { otpfillTeachSelector?: string | null };
        const selector = g.otpfillTeachSelector ?? null;
        g.otpfillTeachSelector = null;
        return { selector, origin: location.origin };
      },
    });
    const got = res?.result as { selector: string | null; origin: string } | undefined;
    return got && got.origin === origin && typeof got.selector === "string" ? got.selector : null;
  } catch {
    return null; // the frame went away, or is a page the extension may not script
  }
}

async function fillActiveTab(): Promise<void> {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined || !siteOf(tab.url)) return;
  const r = await manualCode(tab.url!, tab.id);
  if ("plan" in r) return openPopup();
  const done = await fillTab(tab.id, undefined, r.code.code, "best", tab.url!);
  if (done.filled) void noteUsed(r.code);
  if (done.teach) await openPopup(); // the popup offers to remember the field
}

async function onMenuClick(info: chrome.contextMenus.OnClickData, tab?: chrome.tabs.Tab): Promise<void> {
  if (info.menuItemId !== MENU_ID || tab?.id === undefined || !tab.url) return;
  const frameUrl = info.frameUrl ?? info.pageUrl;
  if ((info.frameId ?? 0) !== 0 && !sameSite(frameUrl, tab.url)) return;
  const r = await manualCode(tab.url, tab.id);
  if ("plan" in r) return openPopup();
  const done = await fillTab(tab.id, info.frameId ?? 0, r.code.code, "context", tab.url, frameUrl);
  if (done.filled) void noteUsed(r.code);
  if (done.teach) await openPopup(); // the popup offers to remember the field
}

// ---- popup ----

type ChooserSender = ReturnType<typeof framedPage>;

const EXPIRED = "this chooser has expired: click the 2FA button again";

/** The inline chooser: the entries offered for this tab's site when the token was given, filling the frame it was opened for. */
async function chooserInit(token: string, chooser: ChooserSender): Promise<Reply<"chooser-init">> {
  const g = await checkChooser(token, chooser);
  if (!g) return { error: EXPIRED };
  const init = await popupInit(g.tabId);
  if (registrableDomain(siteOf(init.url)) !== g.site) return { error: EXPIRED };
  return { ...init, exact: init.exact.filter((m) => isCandidate(g, m)), weak: [], frameId: g.frameId };
}

/** A chooser's token, still for the site the tab shows, and an entry it was offered. */
async function chooserEntry(token: string, entry: EntryRef, chooser: ChooserSender) {
  const g = await checkChooser(token, chooser);
  if (!g) return { error: EXPIRED };
  if (!isCandidate(g, entry)) return { error: "that entry does not belong to this site" };
  const tab = await api.tabs.get(g.tabId);
  if (registrableDomain(siteOf(tab.url)) !== g.site) return { error: EXPIRED };
  const { entries } = await host.request("match", { url: tab.url ?? "" });
  if (!entries.some((m) => m.strength === "exact" && m.name === entry.name && m.store === entry.store))
    return { error: "that entry does not belong to this site" };
  return { g, url: tab.url ?? "" };
}

async function chooserFill(token: string, entry: EntryRef, chooser: ChooserSender, given?: CodeResult): Promise<Reply<"chooser-fill">> {
  const c = await chooserEntry(token, entry, chooser);
  if ("error" in c) return { filled: false, error: c.error };
  return popupFill(c.g.tabId, c.g.frameId, entry, given, c.url);
}

async function chooserCode(token: string, entry: EntryRef, chooser: ChooserSender): Promise<Reply<"chooser-code">> {
  const c = await chooserEntry(token, entry, chooser);
  if ("error" in c) return { error: c.error };
  // The inline chooser is on the page and closes once it filled: its codes' warnings are the tab's.
  const kept = takeKept({ entry });
  if (kept) return noted(c.g.tabId, kept);
  return freshCode({ name: entry.name, store: entry.store }).then((got) => noted(c.g.tabId, got), (e) => ({ error: errorText(e) }));
}

async function popupInit(tabId: number): Promise<PopupInit> {
  const tab = await api.tabs.get(tabId);
  const url = tab.url ?? "";
  const site = siteOf(url);
  const init: PopupInit = { host: { ok: true }, tabId, url, site, exact: [], weak: [], hasField: false };
  try {
    const hello = await host.request("hello", {});
    init.host = { ok: true, version: hello.version, stores: hello.stores };
  } catch (e) {
    init.host = { ok: false, error: e instanceof HostError ? e.message : errorText(e) };
    return init;
  }
  if (site) {
    try {
      const entries = await withRecoveryOnly((await host.request("match", { url })).entries);
      init.exact = entries.filter((m) => m.strength === "exact");
      init.weak = entries.filter((m) => m.strength === "weak");
    } catch (e) {
      if (!(e instanceof HostError)) init.host = { ok: false, error: errorText(e) };
    }
  }
  init.hasField = (await bestFrame(tabId)) !== undefined;
  const p = await pendingFor(tabId, url);
  if (p) init.teach = { site: p.site, path: p.path };
  return init;
}

async function popupFill(tabId: number, frameId: number | undefined, entry: EntryRef, given?: CodeResult, matchedUrl?: string): Promise<Reply<"popup-fill">> {
  try {
    const url = matchedUrl ?? (await api.tabs.get(tabId)).url ?? "";
    // A code the popup already shows is reused while fresh: asking again would advance an HOTP counter.
    const usable =
      given && given.name === entry.name && given.store === entry.store && (given.type === "hotp" || !waitBeforeFill(given.expires_at, Date.now()));
    let code = usable ? given : (takeKept({ entry }) ?? (await freshCode({ name: entry.name, store: entry.store })));
    // The inline chooser (a frameId) closes once it filled; the toolbar popup shows the warning on the entry's row.
    if (frameId !== undefined && code !== given) code = await noted(tabId, code);
    const { filled, teach } = await fillTab(tabId, frameId, code.code, "best", url);
    if (filled) void noteUsed(code);
    // Only the toolbar popup (no frameId) offers to remember a field; the inline chooser is on the page.
    return { filled, code, ...(teach && frameId === undefined ? { teach } : {}) };
  } catch (e) {
    return { filled: false, error: errorText(e) };
  }
}

// ---- message routing ----

const CONTENT_TYPES = new Set<MessageType>(["field-found", "field-lost", "fill-request", "login-submitted"]);
/** The toolbar popup's messages: taken from the popup alone (senders.ts). */
const POPUP_TYPES = new Set<MessageType>(["popup-init", "list", "code", "popup-fill", "alias", "teach", "clipboard-copied"]);
/** The inline chooser's: from chooser.html framed in a tab, each with its token. */
const CHOOSER_TYPES = new Set<MessageType>(["chooser-init", "chooser-fill", "chooser-cancel", "chooser-code"]);

/** The Chromium offscreen document (no tab): it reports that its work is done. */
function fromOffscreen(sender: Sender): boolean {
  return sender.id === api.runtime.id && sender.tab === undefined && isOwnUrl(sender.url, "offscreen.html");
}

/** The addresses a content script reported, as strings (at most 10, each short); anything else is dropped. */
function accountList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((a): a is string => typeof a === "string" && a.length <= 254).slice(0, 10) : [];
}

/** Whether a message of this type is taken from this sender. Anything else is ignored. */
function allowed(type: MessageType, sender: Sender): boolean {
  if (CONTENT_TYPES.has(type)) return fromContentScript(sender);
  if (CHOOSER_TYPES.has(type)) return framedPage(sender, "chooser.html") !== null;
  if (POPUP_TYPES.has(type)) return fromPopup(sender);
  if (type === "offscreen-done") return fromOffscreen(sender);
  return false;
}

async function handle(msg: Message, sender: Sender): Promise<unknown> {
  switch (msg.type) {
    case "field-found":
      return onFieldFound(sender, msg.confident, msg.score, SENT_CHANNELS.has(msg.channel as SentChannel) ? msg.channel : undefined, accountList(msg.accounts));
    case "field-lost":
      return forgetField(sender.tab!.id!, sender.frameId ?? 0);
    case "fill-request":
      return onFillRequest(sender);
    case "login-submitted":
      // Bound to the tab's site; a frame of another site sends nothing that counts.
      if (frameAllowed(sender)) rememberLogin(sender.tab!.id!, sender.tab!.url, msg.username);
      return;
    case "popup-init": {
      // The toolbar popup (never the inline chooser) shows the tab's kept warnings, once.
      const init = await popupInit(msg.tabId);
      const warnings = await takeWarnings(msg.tabId);
      return warnings.length ? { ...init, warnings } : init;
    }
    case "list":
      return host.request("list", msg.cursor ? { cursor: msg.cursor } : {}).catch((e) => ({ error: errorText(e) }));
    case "code":
      return (
        takeKept({ entry: msg.entry }) ??
        freshCode({ name: msg.entry.name, store: msg.entry.store }).catch((e) => ({
          error: errorText(e),
          ...(e instanceof HostError && e.code === "recovery_only" ? { recoveryOnly: true as const } : {}),
        }))
      );
    case "popup-fill":
      return popupFill(msg.tabId, undefined, msg.entry, msg.code, typeof msg.url === "string" ? msg.url : "");
    case "chooser-init":
      return chooserInit(msg.token, framedPage(sender, "chooser.html"));
    case "chooser-fill":
      return chooserFill(msg.token, msg.entry, framedPage(sender, "chooser.html"), msg.code);
    case "chooser-code":
      return chooserCode(msg.token, msg.entry, framedPage(sender, "chooser.html"));
    case "chooser-cancel": {
      const g = await checkChooser(msg.token, framedPage(sender, "chooser.html"));
      if (g) await api.tabs.sendMessage(g.tabId, { type: "close-chooser" } satisfies Message, g.documentId ? { documentId: g.documentId } : { frameId: g.frameId }).catch(() => {});
      return;
    }
    case "alias": {
      const tab = await api.tabs.get(msg.tabId);
      if (!siteOf(tab.url)) return { error: "this tab shows no web site" };
      return host
        .request("alias", { url: tab.url!, name: msg.entry.name, store: msg.entry.store })
        .catch((e) => ({ error: errorText(e) }));
    }
    case "teach": {
      const tab = await api.tabs.get(msg.tabId);
      return rememberPending(msg.tabId, tab.url ?? "");
    }
    case "clipboard-copied": {
      const e = msg.entry;
      if (e && typeof e.name === "string" && typeof e.store === "string") void noteUsed(e);
      if (!(await loadOptions()).clipboardClear) return;
      // HOTP codes do not expire: clear them after a period's worth of time.
      return clearLater(msg.code, msg.expiresAt ?? Date.now() + 30_000);
    }
    case "offscreen-done":
      return closeOffscreen();
    default:
      return undefined;
  }
}

registerSetup(); // setup capture's listeners (src/background/setup.ts)
registerGuard(); // the offer's clickjacking checks (src/background/guard.ts)
// The sites' clocks from their Date headers, held to the periods of their entries (src/background/clock.ts).
registerClock(async (url) => (await host.request("match", { url })).entries);
registerWarnings(); // the host's warnings of codes filled from a page (src/background/warnings.ts)

api.runtime.onMessage.addListener((msg: unknown, sender, reply) => {
  if (!isMessage(msg) || !allowed(msg.type, sender)) return false;
  handle(msg, sender).then(
    (r) => reply(r),
    (e) => reply({ error: errorText(e) }),
  );
  return true; // the answer comes later
});

async function runCommand(command: string): Promise<void> {
  if (command === COMMAND_FILL) await fillActiveTab();
}

api.commands.onCommand.addListener((command) => void runCommand(command));

api.contextMenus.onClicked.addListener((info, tab) => void onMenuClick(info, tab));

// Firefox's `browser` takes no callbacks: promises only.
api.runtime.onInstalled.addListener(async () => {
  await api.contextMenus.removeAll();
  api.contextMenus.create({ id: MENU_ID, title: "Fill 2FA code", contexts: ["editable"] });
});

api.tabs.onRemoved.addListener((tabId) => {
  forgetLogin(tabId);
  void forgetTab(tabId);
  void dropPending(tabId);
});
api.tabs.onUpdated.addListener((tabId, change) => {
  if (change.status === "loading" && change.url) void forgetTab(tabId);
});

// For end-to-end tests, which cannot press browser shortcuts or click browser
// menus in a headless browser: the same code paths, reachable only from the
// extension's own background context (a test's service worker / background
// page evaluate), never from a web page.
if (__OTPFILL_TEST_HOOKS__) {
  (globalThis as { otpfillTest?: unknown }).otpfillTest = {
    runCommand,
    clickMenu: (info: chrome.contextMenus.OnClickData, tab: chrome.tabs.Tab) => onMenuClick(info, tab),
    hostStatus: () => host.status,
  };
}
