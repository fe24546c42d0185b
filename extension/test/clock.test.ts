import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clockWarning, skewFromHeaders, spanText } from "../src/shared/clock";

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
  it("says spans the way people do", () => {
    assert.deepEqual([spanText(45_000), spanText(-300_000), spanText(3 * 3600_000)], ["45 s", "5 min", "3 h"]);
  });
});
