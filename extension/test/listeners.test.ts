// Only the bundles' entry points register browser listeners as they load; any
// other module exports a function that does (registerSetup, registerGuard,
// registerClock), so importing it in a test or another bundle starts nothing.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const SRC = "src";

/** The entry points named in build.mjs's ENTRIES. */
function entryPoints(): Set<string> {
  const build = readFileSync("build.mjs", "utf8");
  const block = build.slice(build.indexOf("const ENTRIES = {"), build.indexOf("};", build.indexOf("const ENTRIES = {")));
  return new Set([...block.matchAll(/"(src\/[^"]+\.ts)"/g)].map((m) => m[1] ?? ""));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** Lines that call addListener as a top-level statement (formatted code starts those at column 0). */
export function topLevelListeners(text: string): string[] {
  return text.split("\n").filter((l) => /^[A-Za-z_$][\w$.?]*\.addListener\(/.test(l));
}

describe("listeners", () => {
  it("finds a top-level addListener and ignores one inside a function", () => {
    assert.deepEqual(topLevelListeners("api.tabs.onRemoved.addListener(() => {});\n"), ["api.tabs.onRemoved.addListener(() => {});"]);
    assert.deepEqual(topLevelListeners("export function f() {\n  api.tabs.onRemoved.addListener(g);\n}\n"), []);
    assert.deepEqual(topLevelListeners("api.webRequest?.onHeadersReceived.addListener(\n"), ["api.webRequest?.onHeadersReceived.addListener("]);
  });
  it("are registered at import only by the entry points", () => {
    const entries = entryPoints();
    assert.ok(entries.has("src/background/main.ts") && entries.size >= 5, `entry points from build.mjs: ${[...entries]}`);
    const offenders = sources(SRC)
      .filter((f) => !entries.has(f.split("\\").join("/")))
      .flatMap((f) => topLevelListeners(readFileSync(f, "utf8")).map((l) => `${f}: ${l.trim()}`));
    assert.deepEqual(offenders, []);
  });
});
