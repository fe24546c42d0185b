// The user name a login form sent in each tab, kept a few minutes in memory
// only (never stored, never the password), so the 2FA step that follows can
// pick that account's entry when a site has several (docs/DECISIONS.md).
// It is bound to the registrable domain of the tab's page when it was sent:
// another site's 2FA step never sees it.

import { registrableDomain, siteOf } from "./site";

/** How long a submitted user name is remembered. */
export const LOGIN_TTL_MS = 5 * 60_000;

const byTab = new Map<number, { site: string; username: string; at: number }>();

/** Remembers the user name a login form in tab tabId sent, on the page at url. */
export function rememberLogin(tabId: number, url: string | undefined, username: unknown, now = Date.now()): void {
  const site = siteOf(url);
  if (!site || typeof username !== "string") return;
  const u = username.trim();
  if (!u || u.length > 254) return;
  byTab.set(tabId, { site: registrableDomain(site), username: u.toLowerCase(), at: now });
}

/** The user name sent in tab tabId, if it was sent on the same site as url, and lately. */
export function submittedLogin(tabId: number, url: string | undefined, now = Date.now()): string | undefined {
  const l = byTab.get(tabId);
  if (!l) return undefined;
  if (now - l.at > LOGIN_TTL_MS) {
    byTab.delete(tabId);
    return undefined;
  }
  return l.site === registrableDomain(siteOf(url)) ? l.username : undefined;
}

export function forgetLogin(tabId: number): void {
  byTab.delete(tabId);
}
