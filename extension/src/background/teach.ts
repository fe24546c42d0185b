// Teaching a field, the background's part: after a fill by hand into an input
// the content script had not detected (it answers the fill with a selector),
// the field is pending for that tab; the popup offers to remember it, and only
// the popup's "Remember" (a click in the browser's own UI, which no page can
// cover or forge) stores it, under the registrable domain of the frame's URL
// as the browser reported it. Pending fields live in storage.session (a
// Chromium service worker may stop in between), taught ones in storage.local
// (src/shared/taught.ts).

import { api } from "../shared/api";
import type { TeachOffer } from "../shared/messages";
import { addTaught, parseTaught, pathPattern, TAUGHT_PREFIX } from "../shared/taught";
import { registrableDomain, siteOf } from "./site";

const KEY = "teachPending";
/** How long after the fill the popup still offers to remember the field. */
export const PENDING_MS = 10 * 60_000;

interface Pending {
  /** The URL of the document filled, from the browser. */
  url: string;
  selector: string;
  at: number;
}

async function load(): Promise<Record<string, Pending>> {
  const got = (await api.storage.session.get(KEY).catch(() => ({}))) as { [KEY]?: Record<string, Pending> };
  return got[KEY] ?? {};
}

/** What a field filled on url would be remembered for; null for a page that is not a web site. */
export function offerFor(url: string): TeachOffer | null {
  const host = siteOf(url);
  if (!host) return null;
  return { site: registrableDomain(host), path: pathPattern(new URL(url).pathname) };
}

/** Remembers that the user filled, by hand, the input selector finds in the document at url, in tab tabId. */
export async function notePending(tabId: number, url: string, selector: string, now = Date.now()): Promise<TeachOffer | null> {
  const offer = offerFor(url);
  if (!offer || !selector || selector.length > 500) return null;
  const all = await load();
  all[tabId] = { url, selector, at: now };
  await api.storage.session.set({ [KEY]: all }).catch(() => {});
  return offer;
}

export async function dropPending(tabId: number): Promise<void> {
  const all = await load();
  if (!(tabId in all)) return;
  delete all[tabId];
  await api.storage.session.set({ [KEY]: all }).catch(() => {});
}

/** The pending field of the tab, while it is fresh and the tab still shows that site. */
export async function pendingFor(tabId: number, tabUrl: string, now = Date.now()): Promise<(Pending & TeachOffer) | null> {
  const p = (await load())[tabId];
  if (!p || now - p.at > PENDING_MS) return null;
  const offer = offerFor(p.url);
  const tabSite = siteOf(tabUrl);
  if (!offer || !tabSite || registrableDomain(tabSite) !== offer.site) return null;
  return { ...p, ...offer };
}

/** Stores the tab's pending field as taught (the user's click in the popup); the offer it was stored as. */
export async function rememberPending(tabId: number, tabUrl: string, now = Date.now()): Promise<TeachOffer | { error: string }> {
  const p = await pendingFor(tabId, tabUrl, now);
  if (!p) return { error: "nothing to remember: fill the field again from the context menu, then remember it" };
  const key = TAUGHT_PREFIX + p.site;
  const got = (await api.storage.local.get(key)) as Record<string, unknown>;
  const list = addTaught(parseTaught(got[key]), { path: p.path, selector: p.selector, added: now });
  await api.storage.local.set({ [key]: list });
  await dropPending(tabId);
  return { site: p.site, path: p.path };
}
