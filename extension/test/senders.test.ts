// Who the background takes each kind of message from (src/background/senders.ts):
// the popup only as the toolbar popup or popup.html as a tab's own page; the
// web-accessible pages (chooser.html, offer.html) only framed in a tab; never a
// top-level extension page a web page opened, nor another extension's page.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

const ID = "jildhmdggadikfdjbdajmpndajodgmmh";
const BASE = `chrome-extension://${ID}/`;
(globalThis as Record<string, unknown>).chrome = { runtime: { id: ID, getURL: (p: string) => BASE + p } };
// The background's own origin (a service worker's location): exturl.ts accepts it too.
(globalThis as Record<string, unknown>).location = { origin: `chrome-extension://${ID}` };

let s: typeof import("../src/background/senders");
before(async () => {
  s = await import("../src/background/senders");
});

type Sender = chrome.runtime.MessageSender;
const tab = (id: number, url: string) => ({ id, url }) as chrome.tabs.Tab;

describe("fromPopup", () => {
  const cases: [string, Sender, boolean][] = [
    ["the toolbar popup (no tab)", { id: ID, url: BASE + "popup.html" }, true],
    ["popup.html?tab=7 as a tab's top page", { id: ID, url: BASE + "popup.html?tab=7", tab: tab(3, BASE + "popup.html?tab=7"), frameId: 0 }, true],
    ["popup.html framed in a web page", { id: ID, url: BASE + "popup.html", tab: tab(3, "https://evil.example/"), frameId: 4 }, false],
    ["chooser.html (the same page, web-accessible) top-level", { id: ID, url: BASE + "chooser.html?tab=7", tab: tab(3, BASE + "chooser.html?tab=7"), frameId: 0 }, false],
    ["offer.html opened top-level by a page", { id: ID, url: BASE + "offer.html", tab: tab(3, BASE + "offer.html"), frameId: 0 }, false],
    ["offer.html framed", { id: ID, url: BASE + "offer.html", tab: tab(3, "https://evil.example/"), frameId: 2 }, false],
    ["another extension's popup", { id: "other", url: "chrome-extension://other/popup.html" }, false],
    ["a content script", { id: ID, url: "https://github.com/", tab: tab(3, "https://github.com/"), frameId: 0 }, false],
  ];
  for (const [what, sender, want] of cases) it(`${what}: ${want}`, () => assert.equal(s.fromPopup(sender), want));
});

describe("framedPage", () => {
  it("an extension page in a frame of a tab, with its document", () => {
    const got = s.framedPage({ id: ID, url: BASE + "chooser.html?token=t", tab: tab(3, "https://github.com/"), frameId: 5, documentId: "D" } as Sender, "chooser.html");
    assert.deepEqual(got, { tabId: 3, frameId: 5, documentId: "D" });
  });
  it("not top-level, not another page, not without a tab", () => {
    assert.equal(s.framedPage({ id: ID, url: BASE + "chooser.html", tab: tab(3, BASE + "chooser.html"), frameId: 0 }, "chooser.html"), null);
    assert.equal(s.framedPage({ id: ID, url: BASE + "offer.html", tab: tab(3, "https://github.com/"), frameId: 5 }, "chooser.html"), null);
    assert.equal(s.framedPage({ id: ID, url: BASE + "chooser.html" }, "chooser.html"), null);
    assert.equal(s.framedPage({ id: "other", url: BASE + "chooser.html", tab: tab(3, "https://github.com/"), frameId: 5 }, "chooser.html"), null);
  });
});

describe("fromContentScript", () => {
  it("a web page's frame, not an extension page", () => {
    assert.equal(s.fromContentScript({ id: ID, url: "https://github.com/", tab: tab(3, "https://github.com/"), frameId: 0 }), true);
    assert.equal(s.fromContentScript({ id: ID, url: BASE + "offer.html", tab: tab(3, "https://github.com/"), frameId: 2 }), false);
    assert.equal(s.fromContentScript({ id: ID, url: BASE + "popup.html" }), false);
  });
});

describe("scannerFrame: where setup capture scans", () => {
  const cases: [string, Sender, boolean][] = [
    ["the top frame", { id: ID, url: "https://github.com/settings/2fa", tab: tab(3, "https://github.com/settings/2fa"), frameId: 0 }, true],
    ["a frame of the same site (another host)", { id: ID, url: "https://accounts.example.com/2fa", tab: tab(3, "https://www.example.com/settings"), frameId: 4 }, true],
    ["a same-origin frame", { id: ID, url: "https://www.example.com/2fa/embed", tab: tab(3, "https://www.example.com/settings"), frameId: 4 }, true],
    ["a frame of another site (an ad)", { id: ID, url: "https://ads.adnetwork.example/qr", tab: tab(3, "https://www.example.com/settings"), frameId: 4 }, false],
    ["a lookalike frame", { id: ID, url: "https://example.com.evil.example/2fa", tab: tab(3, "https://www.example.com/settings"), frameId: 4 }, false],
    ["an about:blank frame", { id: ID, url: "about:blank", tab: tab(3, "https://www.example.com/settings"), frameId: 4 }, false],
    ["an extension page framed", { id: ID, url: BASE + "offer.html", tab: tab(3, "https://www.example.com/"), frameId: 4 }, false],
  ];
  for (const [what, sender, want] of cases) it(`${what}: ${want}`, () => assert.equal(s.scannerFrame(sender), want));
});
