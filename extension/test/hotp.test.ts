// HOTP bookkeeping in the background: entries learnt to be HOTP are skipped by
// auto-fill before a `code` request could advance their counter, and the one
// code fetched before it was known is kept for the next fill, not thrown away.
import assert from "node:assert/strict";
import { before, beforeEach, describe, it } from "node:test";
import { decide } from "../src/background/policy";
import { type CodeResult, DEFAULT_OPTIONS, type MatchEntry } from "../src/shared/messages";

const stored: Record<string, unknown> = {};
let failStorage = false;
(globalThis as Record<string, unknown>).chrome = {
  storage: {
    local: {
      async get(key: string) {
        if (failStorage) throw new Error("storage is broken");
        return key in stored ? { [key]: structuredClone(stored[key]) } : {};
      },
      async set(items: Record<string, unknown>) {
        if (failStorage) throw new Error("storage is broken");
        Object.assign(stored, structuredClone(items));
      },
    },
  },
};

let hotp: typeof import("../src/background/hotp");
before(async () => {
  hotp = await import("../src/background/hotp");
});

const page = "https://vpn.example.com/login";
const exact = (name: string, type?: "totp" | "hotp"): MatchEntry => ({ name, store: "pass", strength: "exact", ...(type ? { type } : {}) });
const code = (name: string, type: "totp" | "hotp", digits = "123456"): CodeResult =>
  type === "totp"
    ? { name, store: "pass", type, code: digits, digits: 6, period: 30, expires_at: Date.now() + 20_000 }
    : { name, store: "pass", type, code: digits, digits: 6 };
const autofill = (entries: MatchEntry[]) => decide({ topUrl: page, frameUrl: page, confident: true }, entries, DEFAULT_OPTIONS);

describe("learning entry types", () => {
  beforeEach(() => {
    failStorage = false;
  });

  it("an entry is filled until a code answer says HOTP; from then on auto-fill decides without asking for a code", async () => {
    const before = await hotp.withLearntTypes([exact("example.com/vpn")]);
    assert.ok("fill" in autofill(before), "unknown type: auto-fill asks for a code");
    await hotp.learn(code("example.com/vpn", "hotp"));
    const after = await hotp.withLearntTypes([exact("example.com/vpn")]);
    assert.equal(after[0]!.type, "hotp");
    assert.deepEqual(autofill(after), { state: "offered" });
  });

  it("is kept in storage.local, so it holds after the service worker restarts", async () => {
    await hotp.learn(code("example.com/other", "hotp"));
    assert.ok((stored.hotpEntries as string[]).includes("pass\u0000example.com/other"));
  });

  it("an entry re-saved as TOTP is filled again once a code answer says so", async () => {
    await hotp.learn(code("example.com/switch", "hotp"));
    await hotp.learn(code("example.com/switch", "totp"));
    const e = await hotp.withLearntTypes([exact("example.com/switch")]);
    assert.equal(e[0]!.type, undefined);
    assert.ok("fill" in autofill(e));
    assert.ok(!(stored.hotpEntries as string[]).includes("pass\u0000example.com/switch"));
  });

  it("only the same store and name count; a type the host sent is kept", async () => {
    await hotp.learn(code("example.com/vpn", "hotp"));
    const e = await hotp.withLearntTypes([
      { ...exact("example.com/vpn"), store: "keyring" },
      exact("example.com/vpn2"),
      exact("example.com/vpn", "totp"),
    ]);
    assert.deepEqual(
      e.map((x) => x.type),
      [undefined, undefined, "totp"],
    );
  });

  it("a broken storage fails no fill: what is learnt stays in memory", async () => {
    failStorage = true;
    await hotp.learn(code("example.com/mem", "hotp"));
    const e = await hotp.withLearntTypes([exact("example.com/mem")]);
    assert.equal(e[0]!.type, "hotp");
  });
});

describe("the code fetched before the type was known", () => {
  it("is given to the next fill on the same host, once", () => {
    hotp.keep(page, code("example.com/a", "hotp", "111111"), 1000);
    assert.equal(hotp.takeKept({ url: "https://other.example.com/login" }, 2000), undefined, "another host");
    assert.equal(hotp.takeKept({ url: "https://vpn.example.com/again" }, 2000)?.code, "111111");
    assert.equal(hotp.takeKept({ url: page }, 3000), undefined, "given out once");
  });

  it("is given to a fill (or the popup) that names its entry", () => {
    hotp.keep(page, code("example.com/b", "hotp", "222222"), 1000);
    assert.equal(hotp.takeKept({ entry: { name: "example.com/b", store: "keyring" } }, 2000), undefined);
    assert.equal(hotp.takeKept({ entry: { name: "example.com/b", store: "pass" } }, 2000)?.code, "222222");
  });

  it("expires", () => {
    hotp.keep(page, code("example.com/c", "hotp", "333333"), 1000);
    assert.equal(hotp.takeKept({ url: page }, 1000 + hotp.KEEP_MS + 1), undefined);
    assert.equal(hotp.takeKept({ url: page }, 1000), undefined, "and is gone");
  });

  it("a TOTP code is never kept: it expires, and the next fill asks for a fresh one", () => {
    hotp.keep(page, code("example.com/d", "totp"), 1000);
    assert.equal(hotp.takeKept({ url: page }, 1000), undefined);
  });
});

describe("the type match says (a host with an entry-type index)", () => {
  beforeEach(() => {
    failStorage = false;
  });
  const fetcher = (answer: (name: string) => CodeResult) => {
    const asked: string[] = [];
    return { asked, fetch: async (e: { name: string }) => (asked.push(e.name), answer(e.name)) };
  };

  it("hotp: auto-fill offers the field and never asks for a code, so no counter is spent", async () => {
    const entries = await hotp.withLearntTypes([exact("example.com/token", "hotp")]);
    const d = autofill(entries);
    assert.deepEqual(d, { state: "offered" });
    const f = fetcher((n) => code(n, "hotp"));
    assert.equal(await hotp.autofillCode(page, exact("example.com/token", "hotp"), f.fetch), undefined);
    assert.deepEqual(f.asked, [], "no code request for an entry match says is HOTP");
  });

  it("totp: filled with one code request, nothing learnt or kept first", async () => {
    const entries = await hotp.withLearntTypes([exact("example.com/app", "totp")]);
    const d = autofill(entries);
    assert.ok("fill" in d);
    const f = fetcher((n) => code(n, "totp", "654321"));
    assert.equal((await hotp.autofillCode(page, d.fill, f.fetch))?.code, "654321");
    assert.deepEqual(f.asked, ["example.com/app"]);
    assert.equal(hotp.takeKept({ url: page }), undefined);
  });

  it("no type: asked once; an HOTP answer is kept for the user's fill, not filled", async () => {
    const f = fetcher((n) => code(n, "hotp", "777777"));
    assert.equal(await hotp.autofillCode(page, exact("example.com/unknown"), f.fetch), undefined);
    assert.deepEqual(f.asked, ["example.com/unknown"]);
    assert.equal(hotp.takeKept({ entry: { name: "example.com/unknown", store: "pass" } })?.code, "777777");
  });

  it("hotp is remembered: a later match that cannot say (the file was touched) still does not ask", async () => {
    await hotp.withLearntTypes([exact("example.com/remembered", "hotp")]);
    assert.ok((stored.hotpEntries as string[]).includes("pass\u0000example.com/remembered"));
    const later = await hotp.withLearntTypes([exact("example.com/remembered")]);
    assert.deepEqual(autofill(later), { state: "offered" });
  });

  it("totp forgets what was learnt: an entry re-saved as TOTP is filled, and stays so when a later match cannot say", async () => {
    await hotp.learn(code("example.com/resaved", "hotp"));
    const now = await hotp.withLearntTypes([exact("example.com/resaved", "totp")]);
    assert.ok("fill" in autofill(now));
    assert.ok(!(stored.hotpEntries as string[]).includes("pass\u0000example.com/resaved"));
    const later = await hotp.withLearntTypes([exact("example.com/resaved")]);
    assert.ok("fill" in autofill(later));
  });
});
