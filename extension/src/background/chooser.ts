// Tokens for the inline chooser. chooser.html must be web-accessible to be
// framed on a page, so any page could frame or open it. It works only with a
// token the background gave the content script after a real click on the
// inline button, and a token is bound to:
// - its tab, and the frame (and document, in Chromium) of the field it fills;
// - the chooser frame that first uses it: a frame of that tab, never a
//   top-level page (senders.ts), and no other frame after it;
// - the site (registrable domain) of the tab when it was given, and the
//   entries offered then: codes and fills only for those, only while the tab
//   still shows that site.

import { api } from "../shared/api";
import type { EntryRef } from "../shared/messages";

export interface Grant {
  tabId: number;
  /** The frame of the field, its origin, and (Chromium) its document. */
  frameId: number;
  origin: string;
  documentId?: string;
  /** The tab's registrable domain when the token was given. */
  site: string;
  candidates: EntryRef[];
  /** The chooser frame bound at first use. */
  chooserFrame?: number;
  chooserDocument?: string;
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

/** A new token for a chooser filling one field's frame with one of candidates. */
export async function grantChooser(g: Omit<Grant, "expires" | "chooserFrame" | "chooserDocument">): Promise<string> {
  const all = await load();
  const token = crypto.randomUUID();
  all[token] = { ...g, expires: Date.now() + LIFETIME_MS };
  await api.storage.session.set({ [KEY]: all });
  return token;
}

/** The grant of a token, if valid for this chooser frame (bound to the first that uses it). */
export async function checkChooser(token: unknown, chooser: { tabId: number; frameId: number; documentId?: string } | null): Promise<Grant | null> {
  if (typeof token !== "string" || !chooser) return null;
  const all = await load();
  const g = all[token];
  if (!g || g.tabId !== chooser.tabId) return null;
  if (g.chooserFrame === undefined) {
    g.chooserFrame = chooser.frameId;
    if (chooser.documentId) g.chooserDocument = chooser.documentId;
    await api.storage.session.set({ [KEY]: all });
  }
  if (g.chooserFrame !== chooser.frameId) return null;
  if (g.chooserDocument !== undefined && chooser.documentId !== undefined && g.chooserDocument !== chooser.documentId) return null;
  return g;
}

export function isCandidate(g: Grant, entry: EntryRef): boolean {
  return !!entry && g.candidates.some((c) => c.name === entry.name && c.store === entry.store);
}
