// What the background decides from URLs: which frames may be filled and which
// pages may be filled without asking. URLs come from the browser (sender.tab,
// sender.url), never from page content.

import { getDomain } from "tldts";

function parse(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The hostname of an http(s) URL, "" for anything else. */
export function siteOf(url: string | undefined): string {
  const u = parse(url);
  return u && (u.protocol === "https:" || u.protocol === "http:") ? u.hostname : "";
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Whether a page may be filled without the user asking: https, or http on this machine. */
export function secureForAutofill(url: string | undefined): boolean {
  const u = parse(url);
  if (!u) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && (LOOPBACK.has(u.hostname) || u.hostname.endsWith(".localhost"));
}

/** The registrable domain (eTLD+1, private suffixes included), or the hostname when there is none (IPs, localhost). */
export function registrableDomain(hostname: string): string {
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/** Whether a frame's URL is the same site as its top page's: same scheme and registrable domain. */
export function sameSite(frameUrl: string | undefined, topUrl: string | undefined): boolean {
  const f = parse(frameUrl);
  const t = parse(topUrl);
  if (!f || !t) return false;
  if (f.protocol !== t.protocol || (f.protocol !== "https:" && f.protocol !== "http:")) return false;
  if (f.hostname === t.hostname) return true;
  return registrableDomain(f.hostname) === registrableDomain(t.hostname);
}
