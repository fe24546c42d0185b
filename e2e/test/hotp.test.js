// HOTP and auto-fill in real browsers (issue 13, item 4): once the host has
// decrypted an HOTP entry (here `otpfill code` in a terminal, which shares the
// host's state folder), `match` says its type, and auto-fill on its site
// offers the field without asking for a code: the counter in the store does
// not move until the user asks. Before `match` carried the type, the first
// page load spent a counter step to learn it. Chromium and Firefox, each with
// a pass store of its own holding one HOTP entry.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { closeDriver, launchChromium, launchFirefox } from '../lib/browsers.js';
import { must, run, skipReason, sleep } from '../lib/proc.js';
import { suiteStore } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const extensionBuilt = (dir) => (fs.existsSync(path.join(dir, 'manifest.json')) ? dir : '');
const common = toolRequirements();
const chromiumSkip = skipReason({ ...common, chromium: paths.chromium, 'extension/dist-e2e/chromium (cd extension && npm run build:e2e)': extensionBuilt(paths.chromiumExtension) });
const firefoxSkip = skipReason({ ...common, 'firefox-esr': paths.firefox, 'extension/dist-e2e/firefox (cd extension && npm run build:e2e)': extensionBuilt(paths.firefoxExtension) });

// Test data: this secret protects nothing. The page is the FortiGate-style VPN
// login of the fill corpus (a type=password token field, confidently detected).
const NAME = 'acmecorp.com/alice';
const SECRET = 'MFZWIZLTMFZWIZLTMFZWIZLTMFZWIZLT';
const COUNTER = 5;
const PAGE = 'https://vpn.acmecorp.com/remote/login';
const hotpURI = `otpauth://hotp/ACME%20VPN:alice?secret=${SECRET}&issuer=ACME%20VPN&counter=${COUNTER}`;

let world;
if (!chromiumSkip || !firefoxSkip) {
  before(async () => {
    world = await setupWorld({ only: [] }); // certificate, servers, GnuPG home; each browser gets its own store
  });
  after(async () => {
    await world?.teardown();
  });
}

async function oathtoolHOTP(counter) {
  const { stdout } = await must('oathtool', ['--hotp', '-c', String(counter), '-b', '-'], { input: SECRET + '\n' });
  return stdout.trim();
}

function hotpSuite(name, launch, { skip }) {
  describe(`HOTP auto-fill in ${name}`, { skip }, () => {
    let driver;
    let storeEnv; // pass's environment for this browser's store
    let hostEnv; // the environment the browser starts the host with

    before(async () => {
      const made = await suiteStore(world, `${name}-hotp-store`, { [NAME]: hotpURI });
      storeEnv = made.env;
      const browserEnv = made.world.browserEnv;
      made.world.browserEnv = (n) => {
        const r = browserEnv(n);
        hostEnv = r.env;
        return r;
      };
      driver = await launch(made.world);
    });
    after(async () => {
      await closeDriver(driver);
    });

    const counter = async () => {
      const { stdout } = await run('pass', ['show', NAME], { env: storeEnv });
      return Number(/[?&]counter=(\d+)/.exec(stdout)?.[1]);
    };

    test('an entry the host knows is HOTP is offered on its site, and no counter is spent', async () => {
      // The user takes a code in a terminal: the host learns the entry's type.
      const { stdout } = await must(paths.otpfill, ['code', NAME], { env: hostEnv });
      assert.equal(stdout.trim().split('\n').pop(), await oathtoolHOTP(COUNTER + 1), 'otpfill code');
      assert.equal(await counter(), COUNTER + 1);

      const page = await driver.newPage();
      await page.goto(PAGE);
      const state = await page.waitFor(() => {
        const s = document.documentElement.getAttribute('data-otpfill-state');
        return ['offered', 'filled', 'error', 'no-match', 'weak'].includes(s) && s;
      }, null, { timeout: 15_000 });
      assert.equal(state, 'offered', 'the HOTP entry is offered, not filled');
      await sleep(1_500); // the content script's rescan; a code request would land by now
      const s = await page.evaluate(() => ({ seen: window.__seen, fields: window.e2eFields() }));
      assert.equal(s.seen, null, 'the page got a code');
      assert.ok(s.fields.every((f) => f.value === f.initial), 'a field changed');
      assert.equal(await counter(), COUNTER + 1, 'auto-fill spent an HOTP counter step without the user');
    });
  });
}

hotpSuite('chromium', launchChromium, { skip: chromiumSkip });
hotpSuite('firefox', launchFirefox, { skip: firefoxSkip });
