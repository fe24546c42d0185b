// Who sent a message, from what the browser says about the sender (never from
// the message). The rule for extension pages (docs/DECISIONS.md "Extension
// pages"):
// - popup.html is not web-accessible, so no web page can frame it, open it or
//   navigate to it: a sender whose URL is popup.html is the toolbar popup (no
//   tab) or popup.html shown as a tab's top page, which only the user, the
//   extension or a test driving the browser can open (the e2e tests use
//   popup.html?tab=ID). That is the only caller the popup's messages are
//   taken from.
// - chooser.html and offer.html are web-accessible (they must be framed on
//   pages), so any page can frame or open them: they act only inside a frame
//   of a tab, with a token bound to that tab and frame; opened as a top-level
//   page they get nothing.

import { api } from "../shared/api";
import { isOwnUrl } from "../shared/exturl";
import { registrableDomain, siteOf } from "./site";

type Sender = chrome.runtime.MessageSender;

/** One of this extension's pages (either origin Chromium gives it: see exturl.ts). */
export function isExtensionUrl(url: string | undefined, page = ""): boolean {
  return isOwnUrl(url, page);
}

/** The extension's own popup (see above). */
export function fromPopup(sender: Sender): boolean {
  if (sender.id !== api.runtime.id || !isExtensionUrl(sender.url, "popup.html")) return false;
  if (sender.tab === undefined) return true; // the toolbar popup belongs to no tab
  return (sender.frameId ?? 0) === 0 && isExtensionUrl(sender.tab.url, "popup.html");
}

/** One of the extension's web-accessible pages (chooser.html, offer.html), framed in a tab; documentId where the browser gives one. */
export function framedPage(sender: Sender, page: string): { tabId: number; frameId: number; documentId?: string } | null {
  if (sender.id !== api.runtime.id || !isExtensionUrl(sender.url, page)) return null;
  const tabId = sender.tab?.id;
  const frameId = sender.frameId ?? 0;
  if (tabId === undefined || frameId <= 0) return null;
  const documentId = (sender as { documentId?: string }).documentId;
  return { tabId, frameId, ...(typeof documentId === "string" ? { documentId } : {}) };
}

/** A content script (or the setup scanner) in a web page's frame. */
export function fromContentScript(sender: Sender): boolean {
  return sender.id === api.runtime.id && sender.tab?.id !== undefined && !isExtensionUrl(sender.url);
}

/**
 * A content script or the scanner in a tab's top frame, or in a frame of the
 * same site (registrable domain) as the tab (not an extension page): a frame
 * of another site (an ad, a widget) is never scanned.
 */
export function scannerFrame(sender: Sender): boolean {
  if (!fromContentScript(sender)) return false;
  if ((sender.frameId ?? 0) === 0) return true;
  const frameSite = siteOf(sender.url);
  return frameSite !== "" && registrableDomain(frameSite) === registrableDomain(siteOf(sender.tab?.url));
}
