import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clockWarning, parsePeriods, sitePeriod, skewFromHeaders, spanText, usedEntries } from "../src/shared/clock";

describe("the site's clock from its Date header", () => {
  const now = Date.parse("2026-12-02T05:00:00.400Z");
  it("measures the offset, Age included, and ignores case", () => {
    assert.equal(skewFromHeaders([{ name: "Date", value: "Wed, 02 Dec 2026 05:05:00 GMT" }], now), 299_600);
    assert.equal(skewFromHeaders([{ name: "date", value: "Wed, 02 Dec 2026 04:59:00 GMT" }, { name: "Age", value: "60" }], now), -400);
    assert.equal(skewFromHeaders([{ name: "DATE", value: "Wed, 02 Dec 2026 04:55:00 GMT" }], now), -300_400);
  });
  it("has no answer without a usable Date", () => {
    assert.equal(skewFromHeaders([], now), null);
    assert.equal(skewFromHeaders([{ name: "Date", value: "yesterday" }], now), null);
    assert.equal(skewFromHeaders([{ name: "Date" }], now), null);
  });
  it("warns past one period, in either direction, and not within it", () => {
    assert.equal(clockWarning(undefined, "a.example"), null);
    assert.equal(clockWarning({ skewMs: 29_000, at: now }, "a.example"), null);
    assert.equal(clockWarning({ skewMs: -30_000, at: now }, "a.example"), null);
    const ahead = clockWarning({ skewMs: 300_000, at: now }, "store.steampowered.com");
    assert.match(ahead ?? "", /^store\.steampowered\.com's clock is 5 min ahead of this computer's\./);
    assert.match(ahead ?? "", /otpfill doctor/);
    assert.match(clockWarning({ skewMs: -45_000, at: now }, "b.example") ?? "", /45 s behind/);
  });
  it("holds the site's clock to the period of its codes, and says that period", () => {
    const skew = (s: number) => ({ skewMs: s * 1000, at: now });
    // 45 s off: too much for a 30-second code, not for a 60-second one.
    assert.match(clockWarning(skew(45), "a.example") ?? "", /45 s ahead of this computer's\. Its codes are valid for 30 s,/);
    assert.match(clockWarning(skew(-45), "a.example", 30) ?? "", /45 s behind/);
    assert.equal(clockWarning(skew(45), "bank.example", 60), null);
    assert.equal(clockWarning(skew(-60), "bank.example", 60), null);
    assert.match(clockWarning(skew(61), "bank.example", 60) ?? "", /61 s ahead of this computer's\. Its codes are valid for 60 s,/);
    assert.equal(clockWarning(skew(85), "slow.example", 90), null);
    assert.match(clockWarning(skew(-300), "slow.example", 90) ?? "", /5 min behind this computer's\. Its codes are valid for 90 s,/);
    // A short period is held to as well.
    assert.match(clockWarning(skew(12), "fast.example", 10) ?? "", /valid for 10 s/);
  });
  it("takes the smallest known period of the codes used on the site, else 30 s", () => {
    assert.equal(sitePeriod([]), 30);
    assert.equal(sitePeriod([undefined]), 30);
    assert.equal(sitePeriod([60]), 60);
    assert.equal(sitePeriod([90, undefined, 60]), 60);
    assert.equal(sitePeriod([60, 30]), 30);
    // The codes used on a site: its exact matches, else the weak ones; never recovery codes only.
    const e = (name: string, strength: "exact" | "weak", type?: "totp" | "hotp" | "recovery") => ({ name, store: "pass", strength, ...(type ? { type } : {}) });
    assert.deepEqual(usedEntries([e("a", "weak"), e("b", "exact"), e("c", "exact", "recovery")]).map((x) => x.name), ["b"]);
    assert.deepEqual(usedEntries([e("a", "weak"), e("c", "exact", "recovery")]).map((x) => x.name), ["a"]);
    assert.deepEqual(usedEntries([]), []);
  });
  it("reads the learnt periods, dropping anything malformed", () => {
    assert.deepEqual(parsePeriods({ "pass\u0000a": 60, "pass\u0000b": "60", "pass\u0000c": -1, "pass\u0000d": 1.5 }), { "pass\u0000a": 60 });
    assert.deepEqual([parsePeriods(undefined), parsePeriods([60]), parsePeriods("x")], [{}, {}, {}]);
  });
  it("says spans the way people do", () => {
    assert.deepEqual([spanText(45_000), spanText(-300_000), spanText(3 * 3600_000)], ["45 s", "5 min", "3 h"]);
  });
});
