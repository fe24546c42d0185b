// Clearing a copied code from the clipboard when it expires, unless the user
// copied something else meanwhile. Firefox's background page has a DOM and the
// async clipboard API; Chromium's service worker has neither, so there an
// offscreen document (reason CLIPBOARD) does the reading and clearing.

import { api } from "../shared/api";

const OFFSCREEN_URL = "offscreen.html";

/** Schedules the clearing of code at clearAt (unix ms). */
export async function clearLater(code: string, clearAt: number): Promise<void> {
  if (api.offscreen) {
    await ensureOffscreen();
    await api.runtime.sendMessage({ type: "offscreen-clear-later", code, clearAt });
    return;
  }
  setTimeout(() => void clearIfUnchanged(code), Math.max(0, clearAt - Date.now()));
}

async function clearIfUnchanged(code: string): Promise<void> {
  try {
    if ((await navigator.clipboard.readText()) === code) await navigator.clipboard.writeText("");
  } catch {
    // Without focus or permission there is nothing more we can do; the code has expired anyway.
  }
}

let creating: Promise<void> | null = null;

async function ensureOffscreen(): Promise<void> {
  const url = api.runtime.getURL(OFFSCREEN_URL);
  const contexts = await api.runtime.getContexts({
    contextTypes: ["OFFSCREEN_DOCUMENT" as chrome.runtime.ContextType],
    documentUrls: [url],
  });
  if (contexts.length) return;
  creating ??= api.offscreen
    .createDocument({
      url: OFFSCREEN_URL,
      reasons: ["CLIPBOARD" as chrome.offscreen.Reason],
      justification: "Clear a copied 2FA code from the clipboard when it expires",
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

/** Called when the offscreen document has nothing left to clear. */
export async function closeOffscreen(): Promise<void> {
  try {
    await api.offscreen?.closeDocument();
  } catch {
    // already closed
  }
}
