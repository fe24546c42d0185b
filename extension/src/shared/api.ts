// The WebExtension API object of the browser we run in. Firefox exposes
// `browser`, Chromium `chrome`; both return promises from MV3 APIs, so no
// polyfill is needed.
// (@types/chrome declares `browser` too, typed as always present; it is not in Chromium.)
export const api: typeof chrome = (globalThis as { browser?: typeof chrome }).browser ?? globalThis.chrome;

import type { Message, MessageType, Reply } from "./messages";

/** Sends a message to the background and types the answer by message type. */
export function send<M extends Message>(msg: M): Promise<Reply<M["type"] & MessageType>> {
  return api.runtime.sendMessage(msg) as Promise<Reply<M["type"] & MessageType>>;
}
