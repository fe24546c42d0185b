// Checks the built manifests: the Chromium key pins the documented id, and
// each browser gets the keys it needs and none it rejects.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

const read = (b: string) => JSON.parse(readFileSync(`dist/${b}/manifest.json`, "utf8"));

/** Chromium's id: the first 32 hex digits of sha256(DER public key), 0-f written as a-p. */
export function extensionId(keyBase64: string): string {
  const hex = createHash("sha256").update(Buffer.from(keyBase64, "base64")).digest("hex").slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
}

describe("manifests", () => {
  const chromium = read("chromium");
  const firefox = read("firefox");
  it("pins the Chromium id", () => assert.equal(extensionId(chromium.key), "jildhmdggadikfdjbdajmpndajodgmmh"));
  it("names the Firefox add-on", () => assert.equal(firefox.browser_specific_settings.gecko.id, "otpfill@otpfill.github.io"));
  it("uses a service worker on Chromium and scripts on Firefox", () => {
    assert.equal(chromium.background.service_worker, "background.js");
    assert.deepEqual(firefox.background.scripts, ["background.js"]);
    assert.equal(firefox.key, undefined);
  });
  it("asks for native messaging in both", () => {
    for (const m of [chromium, firefox]) {
      assert.equal(m.manifest_version, 3);
      assert.ok(m.permissions.includes("nativeMessaging"));
    }
  });
  it("runs the content script in every frame of http(s) pages only", () => {
    const cs = chromium.content_scripts[0];
    assert.deepEqual(cs.matches, ["http://*/*", "https://*/*"]);
    assert.equal(cs.all_frames, true);
  });
  it("keeps the content script small", () => {
    // It runs in every frame of every page: field finding and filling aim at
    // 15 KB, the setup-page probe (src/setup/probe.ts) shares the rest, and
    // reading which code a page asks for (app or sent: about 2.5 KB) one more KiB,
    // and the fields the user taught (reading this site's and finding them,
    // about 1 KB; building a selector is injected on demand, teach.js) one more,
    // and fields known by their caption and the account signing in by user name,
    // shown or sent by the login form (issue 13 items 1 and 3: about 2 KB) two more.
    const size = readFileSync("dist/chromium/content.js").length;
    assert.ok(size < 24 * 1024, `content.js is ${size} bytes`);
  });
});
