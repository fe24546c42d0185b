// Which frames of which tabs have a code field, so that the keyboard shortcut
// and the popup fill the right frame. Kept in storage.session as well, because
// a Chromium service worker is stopped when idle and loses its memory.

import { api } from "../shared/api";

type TabFrames = Record<string, number>; // frameId -> field score
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

export async function recordField(tabId: number, frameId: number, score: number): Promise<void> {
  const all = await load();
  (all[tabId] ??= {})[frameId] = score;
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
  for (const [id, s] of Object.entries(frames ?? {})) {
    if (s > score) {
      score = s;
      best = Number(id);
    }
  }
  return best;
}
