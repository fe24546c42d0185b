// Launching the two real browsers with the built extension and the host
// registered in a throwaway profile, behind one small driver interface so the
// same suite runs on both: Chromium through playwright-core (CDP), Firefox ESR
// through puppeteer-core (WebDriver BiDi).
import fs from 'node:fs';
import path from 'node:path';
import { allHosts } from './corpus.js';
import { must, sleep } from './proc.js';
import { paths } from './world.js';

export const CHROMIUM_ID = 'jildhmdggadikfdjbdajmpndajodgmmh';
export const FIREFOX_ID = 'otpfill@otpfill.github.io';
/** Fixed before launch (pref extensions.webextensions.uuids) so moz-extension:// URLs are known. */
export const FIREFOX_UUID = '6f0c2f44-3b8a-4d6e-9a51-0e2e0e2e0e2e';

/**
 * A Page wraps one tab. evaluate and waitFor take a function and ONE
 * serialisable argument, the common subset of both libraries.
 */
class Page {
  constructor(kind, raw) {
    this.kind = kind;
    this.raw = raw;
  }
  async goto(url, { waitUntil = 'load', timeout = 20_000 } = {}) {
    await this.raw.goto(url, { waitUntil, timeout });
  }
  url() {
    return this.raw.url();
  }
  async evaluate(fn, arg) {
    return this.raw.evaluate(fn, arg);
  }
  /** waitFor polls fn(arg) in the page until it returns a truthy value, and returns that value. */
  async waitFor(fn, arg, { timeout = 10_000, polling = 100 } = {}) {
    const handle = this.kind === 'chromium'
      ? await this.raw.waitForFunction(fn, arg, { timeout, polling })
      : await this.raw.waitForFunction(fn, { timeout, polling }, arg);
    const value = await handle.jsonValue();
    await handle.dispose();
    return value;
  }
  async screenshot(file) {
    await this.raw.screenshot({ path: file });
  }
  async bringToFront() {
    await this.raw.bringToFront();
  }
  async press(keys) {
    // Both libraries take "Alt+Shift+O"-style chords through keyboard.press only
    // for single keys, so press modifiers down, the key, and release them.
    const parts = keys.split('+');
    const key = parts.pop();
    for (const m of parts) await this.raw.keyboard.down(m);
    await this.raw.keyboard.press(key);
    for (const m of parts.reverse()) await this.raw.keyboard.up(m);
  }
  async click(selector) {
    await this.raw.click(selector);
  }
  async close() {
    await this.raw.close().catch(() => {});
  }
}

function hostEnv(world, name) {
  const { home, env } = world.browserEnv(name);
  return { home, env };
}

/**
 * launchChromium starts Debian's Chromium (new headless, which loads
 * extensions) with the unpacked extension and the host manifest installed by
 * `otpfill install --manifest-dir` in the profile's NativeMessagingHosts
 * folder (the user-level location Chromium reads for a --user-data-dir).
 */
export async function launchChromium(world) {
  const { chromium } = await import('playwright-core');
  const { home, env } = hostEnv(world, 'chromium');
  const profile = path.join(home, 'profile');
  fs.mkdirSync(profile, { recursive: true });
  await must(paths.otpfill, ['install', '--browser', 'chromium', '--manifest-dir', path.join(profile, 'NativeMessagingHosts')], { env });
  const ext = paths.chromiumExtension;
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: paths.chromium,
    headless: true,
    env,
    ignoreHTTPSErrors: true,
    viewport: { width: 1000, height: 760 },
    // Playwright passes --disable-extensions by default.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      '--host-resolver-rules=MAP * 127.0.0.1',
      '--ignore-certificate-errors',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`));
  if (!worker) {
    worker = await context.waitForEvent('serviceworker', {
      timeout: 15_000,
      predicate: (w) => w.url().startsWith(`chrome-extension://${CHROMIUM_ID}/`),
    }).catch(() => null);
  }
  if (!worker) {
    const seen = context.serviceWorkers().map((w) => w.url()).join(', ') || 'none';
    await context.close();
    throw new Error(`Chromium did not start the extension's service worker for id ${CHROMIUM_ID} (workers: ${seen}); is ${ext} a built extension with the pinned key?`);
  }
  const firstPages = context.pages();
  const driver = {
    name: 'chromium',
    home,
    env,
    context,
    worker,
    extensionOrigin: `chrome-extension://${CHROMIUM_ID}`,
    extensionURL: (p) => `chrome-extension://${CHROMIUM_ID}/${p}`,
    async newPage() {
      const reuse = firstPages.shift();
      return new Page('chromium', reuse ?? await context.newPage());
    },
    /** Evaluate in the extension's background (the MV3 service worker). */
    async background(fn, arg) {
      return driver.worker.evaluate(fn, arg);
    },
    pid: () => context.browser()?.process?.()?.pid,
    async close() {
      await context.close();
    },
  };
  return driver;
}

/**
 * launchFirefox starts Firefox ESR over WebDriver BiDi with every fixture name
 * resolved to 127.0.0.1 (network.dns.localDomains), installs the built add-on
 * as a temporary add-on, and registers the host in $HOME/.mozilla.
 */
export async function launchFirefox(world) {
  const puppeteer = (await import('puppeteer-core')).default;
  const { home, env } = hostEnv(world, 'firefox');
  await must(paths.otpfill, ['install', '--browser', 'firefox', '--manifest-dir', path.join(home, '.mozilla', 'native-messaging-hosts')], { env });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: paths.firefox,
    headless: true,
    protocol: 'webDriverBiDi',
    acceptInsecureCerts: true,
    env,
    defaultViewport: { width: 1000, height: 760 },
    extraPrefsFirefox: {
      'network.dns.localDomains': allHosts().join(','),
      'network.trr.mode': 5,
      'network.proxy.type': 0,
      'network.stricttransportsecurity.preloadlist': false,
      'dom.security.https_first': false,
      'dom.security.https_first_pbm': false,
      'dom.security.https_only_mode': false,
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ID]: FIREFOX_UUID }),
      // Let the suite read the clipboard without the paste prompt.
      'dom.events.testing.asyncClipboard': true,
      'dom.events.asyncClipboard.readText': true,
      'browser.shell.checkDefaultBrowser': false,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
    },
  });
  let id;
  try {
    id = await browser.installExtension(paths.firefoxExtension);
  } catch (err) {
    await browser.close();
    throw new Error(`Firefox refused the add-on in ${paths.firefoxExtension}: ${err.message}`);
  }
  if (id !== FIREFOX_ID) {
    await browser.close();
    throw new Error(`Firefox installed the add-on as ${id}, not ${FIREFOX_ID}`);
  }
  const firstPages = await browser.pages();
  const driver = {
    name: 'firefox',
    home,
    env,
    browser,
    extensionOrigin: `moz-extension://${FIREFOX_UUID}`,
    extensionURL: (p) => `moz-extension://${FIREFOX_UUID}/${p}`,
    async newPage() {
      const reuse = firstPages.shift();
      return new Page('firefox', reuse ?? await browser.newPage());
    },
    background: null, // the background page is not reachable over BiDi
    pid: () => browser.process()?.pid,
    async close() {
      await browser.close();
    },
  };
  return driver;
}

/** closeDriver closes the browser, and kills its process (by PID) if it hangs. */
export async function closeDriver(driver) {
  if (!driver) return;
  const pid = driver.pid();
  const closed = driver.close().then(() => true, () => false);
  const ok = await Promise.race([closed, sleep(15_000).then(() => false)]);
  if (!ok && pid) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
