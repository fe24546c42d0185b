// Tokens for the inline chooser. chooser.html must be web-accessible to be
// framed on a page, so any page could frame it; it only works with a token
// that the background gave the content script after a real click on the
// inline button, and only inside the tab and for the frame the token names.

import { api } from "../shared/api";

interface Grant {
  tabId: number;
  frameId: number;
  expires: number;
}

const KEY = "choosers";
const LIFETIME_MS = 10 * 60_000;

async function load(): Promise<Record<string, Grant>> {
  const got = (await api.storage.session.get(KEY)) as { [KEY]?: Record<string, Grant> };
  const now = Date.now();
  const all = got[KEY] ?? {};
  for (const [t, g] of Object.entries(all)) if (g.expires < now) delete all[t];
  return all;
}

/** A new token for a chooser filling tabId/frameId. */
export async function grantChooser(tabId: number, frameId: number): Promise<string> {
  const all = await load();
  const token = crypto.randomUUID();
  all[token] = { tabId, frameId, expires: Date.now() + LIFETIME_MS };
  await api.storage.session.set({ [KEY]: all });
  return token;
}

/** The grant of a token, if it is valid and the asking chooser lives in the tab it names. */
export async function checkChooser(token: string, senderTabId: number | undefined): Promise<Grant | null> {
  const g = (await load())[token];
  return g && g.tabId === senderTabId ? g : null;
}
