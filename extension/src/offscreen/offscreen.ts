// Chromium only: a hidden document that can read and clear the clipboard,
// which the background service worker cannot. It clears a copied code when
// the code expires, unless the clipboard holds something else by then.

import { api } from "../shared/api";
import { isMessage } from "../shared/messages";

let pending = 0;

function readClipboard(): string {
  const area = document.createElement("textarea");
  document.body.append(area);
  area.focus();
  document.execCommand("paste");
  const text = area.value;
  area.remove();
  return text;
}

function clearClipboard(): void {
  const onCopy = (e: ClipboardEvent) => {
    e.clipboardData?.setData("text/plain", "");
    e.preventDefault();
  };
  document.addEventListener("copy", onCopy);
  document.execCommand("copy");
  document.removeEventListener("copy", onCopy);
}

api.runtime.onMessage.addListener((msg: unknown, sender) => {
  if (sender.id !== api.runtime.id || !isMessage(msg) || msg.type !== "offscreen-clear-later") return false;
  pending++;
  setTimeout(
    () => {
      try {
        if (readClipboard() === msg.code) clearClipboard();
      } finally {
        if (--pending === 0) void api.runtime.sendMessage({ type: "offscreen-done" });
      }
    },
    Math.max(0, msg.clearAt - Date.now()),
  );
  return false;
});
