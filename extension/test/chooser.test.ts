// Inline chooser tokens (src/background/chooser.ts): chooser.html is
// web-accessible, so any page can frame it; it acts only with a token the
// background gave after a real click on the inline button, bound to its tab,
// to the first chooser frame (and document) that uses it, to the entries
// offered then, and for a limited time.
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";

/** storage.session, in memory. */
let session: Record<string, unknown> = {};
(globalThis as Record<string, unknown>).chrome = {
  storage: {
    session: {
      get: async (key: string) => (key in session ? { [key]: structuredClone(session[key]) } : {}),
      set: async (items: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(items)) session[k] = structuredClone(v);
      },
    },
  },
};

let c: typeof import("../src/background/chooser");
before(async () => {
  c = await import("../src/background/chooser");
});
beforeEach(() => {
  session = {};
});

const alice = { name: "github.com/alice", store: "pass" };
const work = { name: "github.com/work", store: "pass" };
const grant = () => c.grantChooser({ tabId: 3, frameId: 0, origin: "https://github.com", site: "github.com", candidates: [alice, work] });
const chooser = (tabId: number, frameId: number, documentId?: string) => ({ tabId, frameId, ...(documentId ? { documentId } : {}) });

describe("chooser tokens", () => {
  it("a token acts only in its tab, from the first chooser frame and document that use it", async () => {
    const token = await grant();
    assert.equal(await c.checkChooser("00000000-0000-4000-8000-000000000000", chooser(3, 7, "A")), null, "a forged token");
    assert.equal(await c.checkChooser(42, chooser(3, 7, "A")), null, "not a string");
    assert.equal(await c.checkChooser(token, null), null, "not a framed chooser (a top-level page a page opened)");
    assert.equal(await c.checkChooser(token, chooser(4, 7, "A")), null, "the right token from another tab");
    assert.equal((await c.checkChooser(token, chooser(3, 7, "A")))?.tabId, 3, "the first chooser frame to use it");
    assert.equal((await c.checkChooser(token, chooser(3, 7, "A")))?.chooserFrame, 7, "again, from it");
    assert.equal(await c.checkChooser(token, chooser(3, 8, "B")), null, "another frame of the tab (a page's own framed chooser.html)");
    assert.equal(await c.checkChooser(token, chooser(3, 7, "C")), null, "another document in that frame (it navigated)");
  });

  it("codes and fills only for the entries offered when the token was given", async () => {
    const g = await c.checkChooser(await grant(), chooser(3, 7));
    assert.ok(g);
    assert.equal(c.isCandidate(g, alice), true);
    assert.equal(c.isCandidate(g, { name: "github.com/alice", store: "keyring" }), false, "the same name in another store");
    assert.equal(c.isCandidate(g, { name: "wellsbank.com/alice", store: "pass" }), false, "another site's entry, named by the chooser");
  });

  it("expires ten minutes after it was given", async () => {
    const now = Date.now;
    try {
      const t0 = now();
      Date.now = () => t0;
      const token = await grant();
      Date.now = () => t0 + 10 * 60_000 - 1;
      assert.ok(await c.checkChooser(token, chooser(3, 7)), "still valid");
      Date.now = () => t0 + 10 * 60_000 + 1;
      assert.equal(await c.checkChooser(token, chooser(3, 7)), null, "expired");
    } finally {
      Date.now = now;
    }
  });
});
