// Host warnings of codes filled from a page (src/background/warnings.ts and
// badge.ts): an HOTP counter written back but not committed to git is never
// dropped. It is kept for the tab, marks the tab's toolbar button ("!" and the
// warning as tooltip, alongside a clock warning, neither hiding the other),
// and is given once to the toolbar popup; a later code of the same entry
// without a warning drops it. The popup shows a code's warning under the
// entry's row (src/popup/warning.ts).
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { page } from "./dom";

const session: Record<string, unknown> = {};
const badge = new Map<number, { text?: string; title?: string }>();
(globalThis as Record<string, unknown>).chrome = {
  storage: {
    session: {
      async get(key: string) {
        return key in session ? { [key]: structuredClone(session[key]) } : {};
      },
      async set(items: Record<string, unknown>) {
        Object.assign(session, structuredClone(items));
      },
      async remove(key: string) {
        delete session[key];
      },
    },
  },
  action: {
    async setBadgeText({ tabId, text }: { tabId: number; text: string }) {
      badge.set(tabId, { ...badge.get(tabId), text });
    },
    async setTitle({ tabId, title }: { tabId: number; title: string }) {
      badge.set(tabId, { ...badge.get(tabId), title });
    },
    async setBadgeBackgroundColor() {},
  },
};

let warnings: typeof import("../src/background/warnings");
let marks: typeof import("../src/background/badge");
let popup: typeof import("../src/popup/warning");
before(async () => {
  warnings = await import("../src/background/warnings");
  marks = await import("../src/background/badge");
  popup = await import("../src/popup/warning");
});

const counter = "bank.example/me was changed but not committed to git (git commit: commits are refused here); commit it with `pass git add -A && pass git commit`";
const code = (name: string, warning?: string) => ({ name, store: "pass", ...(warning ? { warning } : {}) });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("host warnings of codes filled from a page", () => {
  beforeEach(() => {
    for (const k of Object.keys(session)) delete session[k];
    badge.clear();
  });

  it("are kept for the tab and mark its toolbar button, then given once to the popup, which clears the mark", async () => {
    await warnings.noteCode(7, code("bank.example/me", counter));
    await settle();
    assert.deepEqual(badge.get(7), { text: marks.BADGE, title: `otpfill: ${counter}` });
    assert.deepEqual(session[warnings.warningsKey(7)], [{ name: "bank.example/me", store: "pass", warning: counter }], "kept where a stopped service worker finds it again");
    assert.equal(badge.get(8), undefined, "another tab is not marked");
    assert.deepEqual(await warnings.takeWarnings(7), [{ name: "bank.example/me", store: "pass", warning: counter }]);
    await settle();
    assert.deepEqual(badge.get(7), { text: "", title: "otpfill" });
    assert.deepEqual(await warnings.takeWarnings(7), [], "given once");
    assert.equal(session[warnings.warningsKey(7)], undefined);
  });

  it("a later code of the same entry without a warning drops it (that commit took the file); others stay", async () => {
    await warnings.noteCode(3, code("bank.example/me", counter));
    await warnings.noteCode(3, code("vpn.example/me", "vpn.example/me was changed but not committed to git"));
    await warnings.noteCode(3, code("bank.example/me"));
    await settle();
    assert.deepEqual((await warnings.takeWarnings(3)).map((w) => w.name), ["vpn.example/me"]);
  });

  it("a code without a warning writes nothing and marks nothing", async () => {
    await warnings.noteCode(4, code("totp.example/me"));
    await settle();
    assert.equal(badge.get(4), undefined);
    assert.deepEqual(session, {});
  });

  it("share the button with a clock warning: clearing one leaves the other", async () => {
    marks.setMark(5, "clock", "bank.example's clock is 5 min ahead of this computer's.");
    await warnings.noteCode(5, code("bank.example/me", counter));
    await settle();
    assert.equal(badge.get(5)?.text, marks.BADGE);
    assert.match(badge.get(5)?.title ?? "", /clock is 5 min ahead[\s\S]*not committed to git/);
    marks.setMark(5, "clock", null); // the next page's clock agrees
    await settle();
    assert.deepEqual(badge.get(5), { text: marks.BADGE, title: `otpfill: ${counter}` }, "the host's warning still marks the tab");
    await warnings.takeWarnings(5);
    await settle();
    assert.deepEqual(badge.get(5), { text: "", title: "otpfill" });
  });
});

describe("the popup's warning lines", () => {
  it("a code's warning goes under its entry's row, one line a row", () => {
    const doc = page(`<ul><li class="entry" id="a"><button class="fill">bank.example/me</button><button class="copy">Copy</button></li></ul>`);
    const li = doc.getElementById("a")!;
    popup.showEntryWarning(li, "first");
    popup.showEntryWarning(li, counter);
    const lines = li.querySelectorAll(".entry-warning");
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.textContent, counter);
    assert.equal(lines[0]!.getAttribute("role"), "status", "read out, without taking the focus");
  });

  it("the tab's kept warnings go on the rows shown, the rest above the entries", () => {
    const doc = page(`<div id="box" hidden></div><ul><li class="entry" id="a"></li></ul>`);
    const box = doc.getElementById("box")!;
    const li = doc.getElementById("a")!;
    popup.showTabWarnings(box, [
      { name: "bank.example/me", store: "pass", warning: counter },
      { name: "other.example/me", store: "pass", warning: "other.example/me was changed but not committed to git" },
    ], (w) => (w.name === "bank.example/me" ? li : undefined));
    assert.equal(li.querySelector(".entry-warning")?.textContent, counter);
    assert.equal(box.hidden, false);
    assert.deepEqual([...box.querySelectorAll(".entry-warning")].map((p) => p.textContent), ["other.example/me was changed but not committed to git"]);
    popup.showTabWarnings(box, [], () => undefined);
    assert.equal(box.hidden, true, "no box without a warning for it");
  });
});
