// Which frames of which tabs have a code field, so that the keyboard shortcut
// and the popup fill the right frame. Kept in storage.session as well, because
// a Chromium service worker is stopped when idle and loses its memory.
//
// Each frame is recorded with the URL of the document that reported the
// field and, in Chromium, that document's id: a fill is sent to that document
// only (tabs.sendMessage's documentId), and carries the origin it is meant
// for, which the content script checks before filling (both browsers). A
// frame that navigated to another site in between gets nothing.

import { api } from "../shared/api";

interface FrameRecord {
  score: number;
  url: string;
  documentId?: string;
}
type TabFrames = Record<string, FrameRecord>;
const KEY = "frames";
let cache: Record<string, TabFrames> | null = null;

async function load(): Promise<Record<string, TabFrames>> {
  if (!cache) {
    const got = (await api.storage.session.get(KEY)) as { [KEY]?: Record<string, TabFrames> };
    cache = got[KEY] ?? {};
  }
  return cache;
}

async function save(): Promise<void> {
  if (cache) await api.storage.session.set({ [KEY]: cache });
}

export async function recordField(tabId: number, frameId: number, score: number, url: string, documentId?: string): Promise<void> {
  const all = await load();
  (all[tabId] ??= {})[frameId] = { score, url, ...(documentId ? { documentId } : {}) };
  await save();
}

export async function forgetField(tabId: number, frameId: number): Promise<void> {
  const all = await load();
  if (all[tabId]) delete all[tabId][frameId];
  await save();
}

export async function forgetTab(tabId: number): Promise<void> {
  const all = await load();
  if (!(tabId in all)) return;
  delete all[tabId];
  await save();
}

/** The frame whose field scored best, or undefined when no frame reported one. */
export async function bestFrame(tabId: number): Promise<number | undefined> {
  const frames = (await load())[tabId];
  let best: number | undefined;
  let score = -Infinity;
  for (const [id, r] of Object.entries(frames ?? {})) {
    if (typeof r === "object" && r.score > score) {
      score = r.score;
      best = Number(id);
    }
  }
  return best;
}

export function originOf(url: string | undefined): string {
  try {
    const o = new URL(url ?? "").origin;
    return o === "null" ? "" : o;
  } catch {
    return "";
  }
}

export interface FrameTarget {
  frameId: number;
  /** The origin of the document that reported the field, when one did. */
  origin?: string;
  /** The URL it reported. */
  url?: string;
  documentId?: string;
  /** tabs.sendMessage's options: that document where the browser names documents, else the frame. */
  options: { frameId: number } | { documentId: string };
}

/** Where a fill for frameId (default: the best frame) goes. */
export async function frameTarget(tabId: number, frameId: number | undefined): Promise<FrameTarget> {
  const id = frameId ?? (await bestFrame(tabId)) ?? 0;
  const r = (await load())[tabId]?.[id];
  if (!r || typeof r !== "object") return { frameId: id, options: { frameId: id } };
  return {
    frameId: id,
    origin: originOf(r.url),
    url: r.url,
    ...(r.documentId ? { documentId: r.documentId } : {}),
    options: r.documentId ? { documentId: r.documentId } : { frameId: id },
  };
}
