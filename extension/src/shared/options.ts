// The user's options, kept in storage.local under one key.

import { api } from "./api";
import { DEFAULT_OPTIONS, type Options } from "./messages";

const KEY = "options";

export async function loadOptions(): Promise<Options> {
  const got = (await api.storage.local.get(KEY)) as { [KEY]?: Partial<Options> };
  const o = { ...DEFAULT_OPTIONS, ...(got[KEY] ?? {}) };
  if (!Array.isArray(o.autoSubmitSites)) o.autoSubmitSites = [];
  return o;
}

export async function saveOptions(o: Options): Promise<void> {
  await api.storage.local.set({ [KEY]: o });
}
