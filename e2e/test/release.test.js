// The release build (extension/dist, what `make build` makes and users load)
// gives a page nothing to detect it by (issue 9): after a real auto-fill of
// the GitHub fixture's 2FA field with the code from the store, a script in
// the page looks for attributes on <html>, <body> and the filled field,
// globals on window, and the extension's files at their fixed URLs (fetch and
// <img>), and finds nothing. Chromium and Firefox, each loading the release
// build, not the e2e build the other suites use.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CHROMIUM_ID, FIREFOX_UUID, closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { entries, fillPages } from '../lib/corpus.js';
import { notSelected, skipReason } from '../lib/proc.js';
import { expectedCodes } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const release = (b) => path.join(paths.releaseExtension, b);
const built = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = notSelected('chromium') || skipReason({ ...common, chromium: paths.chromium, 'extension/dist/chromium (make build)': built(release('chromium')) });
const firefoxSkip = notSelected('firefox') || skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist/firefox (make build)': built(release('firefox')) });

const PAGE = fillPages.find((p) => p.id === 'github');
/** Every file of the extension a page might probe for; only chooser.html and offer.html are web-accessible. */
const FILES = ['offer.html', 'chooser.html', 'popup.html', 'options.html', 'manifest.json', 'icons/icon-16.png', 'offer.js', 'offer.css', 'popup.js', 'popup.css', 'content.js'];

let world;
if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [PAGE.entry.name] });
  });
  after(async () => {
    await world?.teardown();
  });
}

/** What a page's script can find of the extension (runs in the page's own world). */
async function probe({ base, files }) {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.getAttributeNames()) if (/otpfill/i.test(a) || /otpfill/i.test(el.getAttribute(a))) found.push(`<${el.tagName.toLowerCase()} ${a}>`);
  }
  for (const k of Object.getOwnPropertyNames(window)) if (/otpfill/i.test(k)) found.push(`window.${k}`);
  const loads = {};
  for (const f of files) {
    const url = `${base}/${f}`;
    const fetched = await fetch(url).then((r) => `fetched ${r.status}`, () => '');
    const img = await new Promise((done) => {
      const i = new Image();
      i.onload = () => done('image loaded');
      i.onerror = () => done('');
      i.src = url;
      setTimeout(() => done(''), 3000);
    });
    if (fetched || img) loads[f] = [fetched, img].filter(Boolean).join(', ');
  }
  return { found, loads };
}

function releaseSuite(name, launch, base, { skip }) {
  describe(`the release build in ${name}`, { skip }, () => {
    let driver;
    before(async () => {
      driver = await launch(world, { extension: release(name) });
    });
    after(async () => {
      await closeDriver(driver);
    });

    test('a page that was just auto-filled finds no attribute, global or file of the extension', async () => {
      const entry = entries.find((e) => e.name === PAGE.entry.name);
      const page = await driver.newPage();
      try {
        await page.goto(PAGE.url);
        // The extension did its work: the page's own state holds the store's code.
        const seen = await page.waitFor((n) => window.__seen && window.__seen.length >= n && window.__seen, entry.digits, { timeout: 15_000 });
        assert.ok((await expectedCodes(entry)).includes(seen), `the page saw ${seen}, the code of ${entry.name}`);
        const { found, loads } = await page.evaluate(probe, { base, files: FILES });
        // Chromium: every file is out of reach at the fixed id (use_dynamic_url). Firefox's id is
        // random per install (here fixed by the test's pref): only the two pages a page frames may load.
        const allowed = name === 'firefox' ? ['chooser.html', 'offer.html'] : [];
        const reached = Object.fromEntries(Object.entries(loads).filter(([f]) => !allowed.includes(f)));
        assert.deepEqual({ found, reached }, { found: [], reached: {} }, 'no attribute or global names the extension, and none of its files loads');
      } finally {
        await page.close();
      }
    });
  });
}

releaseSuite('chromium', launchChromium, `chrome-extension://${CHROMIUM_ID}`, { skip: chromiumSkip });
releaseSuite('firefox', launchFirefox, `moz-extension://${FIREFOX_UUID}`, { skip: firefoxSkip });
