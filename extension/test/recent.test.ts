import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addRecent, parseRecent, presentRecent, RECENT_MAX } from "../src/shared/recent";

const e = (name: string, store = "pass") => ({ name, store });

describe("recent entries", () => {
  it("puts the entry used last first, once", () => {
    let l = addRecent([], e("github.com/alice"), 1);
    l = addRecent(l, e("gitlab.com/alice"), 2);
    l = addRecent(l, e("github.com/alice"), 3);
    assert.deepEqual(l.map((r) => [r.name, r.at]), [["github.com/alice", 3], ["gitlab.com/alice", 2]]);
  });
  it("tells stores apart", () => {
    const l = addRecent(addRecent([], e("a", "pass"), 1), e("a", "keyring"), 2);
    assert.deepEqual(l.map((r) => r.store), ["keyring", "pass"]);
  });
  it("keeps at most RECENT_MAX, dropping the oldest", () => {
    let l: ReturnType<typeof addRecent> = [];
    for (let i = 0; i < RECENT_MAX + 3; i++) l = addRecent(l, e(`site${i}.example`), i);
    assert.equal(l.length, RECENT_MAX);
    assert.equal(l[0]!.name, `site${RECENT_MAX + 2}.example`);
    assert.ok(!l.some((r) => r.name === "site0.example"));
  });
  it("holds names and times only, never a code", () => {
    const l = addRecent([], { name: "x.com/a", store: "pass", code: "123456", type: "totp" } as never, 5);
    assert.deepEqual(Object.keys(l[0]!).sort(), ["at", "name", "store"]);
  });
  it("reads what is stored leniently: broken values are dropped, the rest sorted newest first", () => {
    assert.deepEqual(parseRecent("nope"), []);
    assert.deepEqual(parseRecent(null), []);
    const got = parseRecent([{ name: "a", store: "pass", at: 1 }, { name: "", store: "pass", at: 2 }, { name: "b", store: "pass", at: 3 }, { name: "c", at: 4 }, 7]);
    assert.deepEqual(got.map((r) => r.name), ["b", "a"]);
  });
  it("lists only entries that still exist, in the recent order", () => {
    const all = [e("a"), e("b"), e("c")];
    const recent = parseRecent([{ name: "c", store: "pass", at: 3 }, { name: "gone", store: "pass", at: 2 }, { name: "a", store: "pass", at: 1 }]);
    assert.deepEqual(presentRecent(recent, all), [all[2], all[0]]);
  });
});
