// Firefox for good (issue 12): the release .xpi, unsigned, installed the
// permanent way in Firefox ESR: copied into the profile's extensions folder
// as <id>.xpi, with xpinstall.signatures.required=false in the profile's
// user.js (which ESR, Developer Edition and Nightly honour). Firefox starts
// with the add-on installed (not a temporary add-on), it fills the GitHub
// fixture's code, and after a restart of the same profile it is still there
// and fills again. The control: the same profile setup without the pref,
// and Firefox does not run the unsigned add-on.
//
// The .xpi is the release one: extension/dist/firefox packed by
// extension/pack.mjs, as `make dist` does (or E2E_XPI, e.g. dist/'s own
// file). It has no test hooks, so the fill is checked in the page's own
// state (window.__seen), against oathtool's code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIREFOX_ID, closeDriver, launchFirefox } from '../lib/browsers.js';
import { entries, fillPages } from '../lib/corpus.js';
import { must, notSelected, skipReason } from '../lib/proc.js';
import { expectedCodes } from '../lib/store.js';
import { paths, setupWorld, toolRequirements } from '../lib/world.js';

const releaseFirefox = path.join(paths.releaseExtension, 'firefox');
const skip = notSelected('firefox') || skipReason({
  ...toolRequirements(),
  'firefox-esr': paths.firefox,
  'extension/dist/firefox (make build)': process.env.E2E_XPI || (fs.existsSync(path.join(releaseFirefox, 'manifest.json')) ? releaseFirefox : ''),
});

const PAGE = fillPages.find((p) => p.id === 'github');
const UNSIGNED = { 'xpinstall.signatures.required': false };

/** The add-on as Firefox's add-on manager sees it (chrome scope), or null. */
async function addonState(driver) {
  return JSON.parse(await driver.chrome(`(async () => {
    const { AddonManager } = ChromeUtils.importESModule('resource://gre/modules/AddonManager.sys.mjs');
    const a = await AddonManager.getAddonByID(${JSON.stringify(FIREFOX_ID)});
    return JSON.stringify(a ? { active: a.isActive, temporary: a.temporarilyInstalled, signed: a.signedState > 0, version: a.version } : null);
  })()`));
}

/**
 * A new profile as a user would set it up: the .xpi in extensions/ under
 * the add-on's id, and the pref in user.js. (puppeteer writes its own
 * user.js for the run, with `prefs` in it, and puts this one back at close.)
 */
function userProfile(home, xpi, prefs) {
  const profile = path.join(home, 'ff-profile');
  fs.mkdirSync(path.join(profile, 'extensions'), { recursive: true });
  fs.copyFileSync(xpi, path.join(profile, 'extensions', `${FIREFOX_ID}.xpi`));
  const lines = Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`);
  fs.writeFileSync(path.join(profile, 'user.js'), lines.join(''));
  return profile;
}

describe('Firefox ESR with the unsigned release .xpi installed in its profile', { skip }, () => {
  let world;
  let xpi;
  before(async () => {
    world = await setupWorld({ only: [PAGE.entry.name] });
    xpi = process.env.E2E_XPI;
    if (!xpi) {
      xpi = path.join(world.root, 'otpfill-firefox.xpi');
      await must(process.execPath, [path.join(paths.releaseExtension, '..', 'pack.mjs'), releaseFirefox, xpi]);
    }
  });
  after(async () => {
    await world?.teardown();
  });

  async function fills(driver, what) {
    const entry = entries.find((e) => e.name === PAGE.entry.name);
    const page = await driver.newPage();
    try {
      await page.goto(PAGE.url);
      const seen = await page.waitFor((n) => window.__seen && window.__seen.length >= n && window.__seen, entry.digits, { timeout: 15_000 });
      assert.ok((await expectedCodes(entry)).includes(seen), `${what}: the page saw ${seen}, not the code of ${entry.name}`);
    } finally {
      await page.close();
    }
  }

  test('with xpinstall.signatures.required=false: installed for good, fills a code, and still does after a restart', async () => {
    const { home, env } = world.browserEnv('firefox');
    const profile = userProfile(home, xpi, UNSIGNED);
    let driver = null;
    try {
      driver = await launchFirefox(world, { extension: null, profile, prefs: UNSIGNED, home: { home, env } });
      assert.deepEqual(await addonState(driver), { active: true, temporary: false, signed: false, version: JSON.parse(fs.readFileSync(path.join(releaseFirefox, 'manifest.json'), 'utf8')).version });
      await fills(driver, 'first start');
      await closeDriver(driver);
      driver = null;
      // The same profile again: the add-on is in Firefox's own records now, not re-read from a test.
      driver = await launchFirefox(world, { extension: null, profile, prefs: UNSIGNED, home: { home, env } });
      const state = await addonState(driver);
      assert.equal(state?.active, true, `after the restart the add-on is ${JSON.stringify(state)}`);
      assert.equal(state.temporary, false);
      await fills(driver, 'after the restart');
    } finally {
      await closeDriver(driver);
    }
  });

  test('the control: without the pref, Firefox ESR does not run the unsigned add-on', async () => {
    const { home, env } = world.browserEnv('firefox');
    const profile = userProfile(home, xpi, {});
    let driver = null;
    try {
      driver = await launchFirefox(world, { extension: null, profile, home: { home, env } });
      const state = await addonState(driver);
      // ESR refuses it at its start-up scan: the add-on manager does not list it at all.
      assert.equal(state, null, `an unsigned add-on ran without xpinstall.signatures.required=false: ${JSON.stringify(state)}`);
    } finally {
      await closeDriver(driver);
    }
  });
});
