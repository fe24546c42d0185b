// Builds the extension for both browser families from one source:
//   node build.mjs              -> dist/chromium/ and dist/firefox/ (the release: unpacked, loadable as they are)
//   node build.mjs --test-hooks -> dist-e2e/chromium/ and dist-e2e/firefox/ instead: the same
//                                  extension with the e2e suite's test hooks (__OTPFILL_TEST_HOOKS__)
//   node build.mjs --tests      -> also dist/test/*.test.mjs for `node --test`
//   node build.mjs --dev        -> without minifying, with inline source maps
// Each entry point is bundled by esbuild; the two manifests are written from
// src/manifest.json plus the few keys that differ; icons are drawn here.

import { build } from "esbuild";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { deflateSync } from "node:zlib";
import { join } from "node:path";

const dev = process.argv.includes("--dev");
const tests = process.argv.includes("--tests");
const hooks = process.argv.includes("--test-hooks");
/** Where the browsers' folders go: the release in dist/, the e2e build beside it. */
const OUT = hooks ? "dist-e2e" : "dist";

/** The Chromium dev key: pins the extension id jildhmdggadikfdjbdajmpndajodgmmh (see README). */
export const CHROMIUM_KEY =
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvE/JsdSVO/6467lpUFy2FUbR16gP1cBp3A0+vjdeg58txlFErr+yvQqvwxrqQBSGhIE+4m2dZ1vz56CXUpNh1qpnzwtHG7a8jPU2tquHU5HqKaBKaGRQ49+JhcFedDtsyKHIbv+VYg+gPU42RJHFeIO8gevwK2Wwzey+AhI/QTlPWOxTanNjPxc0xDzoIDRWjwkfSdPQucK4usxdBxu0Y/mlX1pNfEI1sEI/Ra9jgf68hhDIpV30rg5ZRGdRzzI1ePWu0nKaY+tCSoLsVpG5KOQiS3m9kz3fRXCdq953xJb34+lalppXlfm/LPUJzYqPuGluArV+UIciOPzpJAI+aQIDAQAB";
export const FIREFOX_ID = "otpfill@otpfill.github.io";

const ENTRIES = {
  background: "src/background/main.ts",
  content: "src/content/main.ts",
  popup: "src/popup/popup.ts",
  options: "src/options/options.ts",
  offscreen: "src/offscreen/offscreen.ts",
  // setup capture: the scanner is injected on demand, the offer is framed on the page
  setup: "src/setup/scan.ts",
  offer: "src/offer/offer.ts",
  // teaching a field: the selector of the input the user filled by hand, injected on demand
  teach: "src/content/pick.ts",
};
const STATIC = ["src/popup/popup.html", "src/popup/popup.css", "src/options/options.html", "src/options/options.css", "src/offscreen/offscreen.html", "src/offer/offer.html", "src/offer/offer.css"];
const ICON_SIZES = [16, 32, 48, 96, 128];

async function bundle(outdir, target) {
  await build({
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    format: "iife",
    target,
    minify: !dev,
    sourcemap: dev ? "inline" : false,
    legalComments: "none",
    charset: "utf8",
    logLevel: "warning",
    define: { __OTPFILL_TEST_HOOKS__: String(hooks) },
  });
}

function manifests(base) {
  const chromium = structuredClone(base);
  chromium.key = CHROMIUM_KEY;
  chromium.minimum_chrome_version = "116";
  chromium.background = { service_worker: "background.js" };
  chromium.permissions.push("offscreen");
  // A page may frame these, but cannot probe for them by the extension's fixed id:
  // Chromium serves them only under a per-session id (Firefox's id is random per install already).
  for (const w of chromium.web_accessible_resources) w.use_dynamic_url = true;

  const firefox = structuredClone(base);
  firefox.background = { scripts: ["background.js"] };
  firefox.browser_specific_settings = {
    gecko: {
      id: FIREFOX_ID,
      strict_min_version: "140.0",
      data_collection_permissions: { required: ["none"] },
    },
    // Firefox for Android has no native messaging, so otpfill does nothing
    // there; but AMO's linter checks every manifest against Android too, and
    // data_collection_permissions came to Android in 142: say so, for 0 warnings.
    gecko_android: { strict_min_version: "142.0" },
  };
  return { chromium, firefox };
}

// ---- icons: a rounded blue square with six white dots (a code) ----
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const S = 4; // supersampling per axis
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const p = pixel((x + (sx + 0.5) / S) / size, (y + (sy + 0.5) / S) / size);
          for (let i = 0; i < 3; i++) acc[i] += p[i] * p[3];
          acc[3] += p[3];
        }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const a = acc[3] / (S * S);
      for (let i = 0; i < 3; i++) raw[o + i] = a ? Math.round(acc[i] / acc[3]) : 0;
      raw[o + 3] = Math.round(a * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function iconPixel(u, v) {
  const r = 0.2; // corner radius
  const dx = Math.max(r - u, u - (1 - r), 0);
  const dy = Math.max(r - v, v - (1 - r), 0);
  if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
  for (const cy of [0.36, 0.64])
    for (const cx of [0.25, 0.5, 0.75]) if ((u - cx) ** 2 + (v - cy) ** 2 < 0.085 ** 2) return [255, 255, 255, 1];
  return [31, 95, 191, 1];
}

async function writeBrowser(name, manifest, shared) {
  const dir = join(OUT, name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "icons"), { recursive: true });
  for (const f of await readdir(shared)) await copyFile(join(shared, f), join(dir, f));
  for (const f of STATIC) await copyFile(f, join(dir, f.split("/").pop()));
  // The inline chooser is the popup page in another mode (see popup.ts).
  await copyFile("src/popup/popup.html", join(dir, "chooser.html"));
  for (const s of ICON_SIZES) await writeFile(join(dir, "icons", `icon-${s}.png`), png(s, iconPixel));
  if (name === "firefox") await rm(join(dir, "offscreen.js")).then(() => rm(join(dir, "offscreen.html")));
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}

async function buildTests() {
  const files = (await readdir("test")).filter((f) => f.endsWith(".test.ts"));
  await rm("dist/test", { recursive: true, force: true });
  await build({
    entryPoints: files.map((f) => join("test", f)),
    outdir: "dist/test",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "warning",
    define: { __OTPFILL_TEST_HOOKS__: "true" },
  });
}

const base = JSON.parse(await readFile("src/manifest.json", "utf8"));
const { chromium, firefox } = manifests(base);
await bundle(`${OUT}/.chromium-js`, ["chrome116"]);
await bundle(`${OUT}/.firefox-js`, ["firefox140"]);
await writeBrowser("chromium", chromium, `${OUT}/.chromium-js`);
await writeBrowser("firefox", firefox, `${OUT}/.firefox-js`);
await rm(`${OUT}/.chromium-js`, { recursive: true, force: true });
await rm(`${OUT}/.firefox-js`, { recursive: true, force: true });
if (tests) await buildTests();

const size = (await readFile(`${OUT}/chromium/content.js`)).length;
console.log(`built ${OUT}/chromium and ${OUT}/firefox${hooks ? " with test hooks" : ""} (content.js ${(size / 1024).toFixed(1)} KiB)`);
