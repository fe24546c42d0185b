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
  /**
   * waitFor polls fn(arg) in the page until it returns a truthy value, and
   * returns that value. The polling is done from here, not in the page, so
   * fn may be async (neither library awaits a promise in waitForFunction
   * alike) and a navigation in between is only a missed round.
   */
  async waitFor(fn, arg, { timeout = 10_000, polling = 100 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError = null;
    for (;;) {
      try {
        const v = await this.raw.evaluate(fn, arg);
        if (v) return v;
        lastError = null;
      } catch (err) {
        lastError = err; // the page is navigating; try again
      }
      if (Date.now() >= deadline) {
        throw new Error(`timed out after ${timeout} ms waiting for ${fn.name || 'a condition'} in ${this.raw.url()}${lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : ''}`);
      }
      await sleep(polling);
    }
  }
  async setViewport(width, height) {
    if (this.kind === 'chromium') await this.raw.setViewportSize({ width, height });
    else await this.raw.setViewport({ width, height });
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
  /** A real mouse click at page coordinates (for elements in closed shadow roots). */
  async mouseClick(x, y) {
    await this.raw.mouse.click(x, y);
  }
  /** A real right-click (pointer events from the automation protocol), which fires the page's contextmenu event. */
  async rightClick(selector) {
    await this.raw.click(selector, { button: 'right' });
  }
  /** evaluate in the first frame whose URL's host is `host`. */
  async evaluateInFrame(host, fn, arg) {
    const frame = this.frameByHost(host);
    if (!frame) throw new Error(`no frame from ${host} in ${this.raw.url()}`);
    return frame.evaluate(fn, arg);
  }
  frameByHost(host) {
    return this.raw.frames().find((f) => {
      try {
        return new URL(f.url()).hostname === host;
      } catch {
        return false;
      }
    });
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
export async function launchChromium(world, { host = true, extension = paths.chromiumExtension } = {}) {
  const { chromium } = await import('playwright-core');
  const { home, env } = hostEnv(world, 'chromium');
  const profile = path.join(home, 'profile');
  fs.mkdirSync(profile, { recursive: true });
  if (host) await must(paths.otpfill, ['install', '--browser', 'chromium', '--manifest-dir', path.join(profile, 'NativeMessagingHosts')], { env });
  const ext = extension;
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
  if (process.env.E2E_DEBUG) {
    // The extension's own logs (service worker, extension pages, frames), for a failure's story.
    worker.on('console', (m) => console.error(`[chromium sw] ${m.type()}: ${m.text()}`));
    context.on('page', (p) => p.on('console', (m) => console.error(`[chromium page ${p.url().slice(0, 60)}] ${m.type()}: ${m.text()}`)));
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
    async openExtensionPage(page, p) {
      await page.goto(driver.extensionURL(p));
    },
    /**
     * The keyboard shortcut. NOT the real key path: keys sent over CDP go to
     * the page's renderer and never reach Chromium's accelerator table, so a
     * headless test cannot press the extension's Alt+Shift+O. What IS real:
     * the command is registered with that key (checked with
     * commands.getAll), and the extension's own onCommand listener runs in
     * its service worker, with the tab active, exactly as when the key is
     * pressed.
     */
    async shortcut(page, command) {
      await page.bringToFront();
      const cmds = await driver.background(() => chrome.commands.getAll());
      const cmd = cmds.find((c) => c.name === command);
      if (!cmd?.shortcut) throw new Error(`command ${command} has no shortcut assigned: ${JSON.stringify(cmds)}`);
      await driver.background((name) => chrome.commands.onCommand.dispatch(name), command);
      return cmd.shortcut;
    },
    /**
     * The context menu. The right-click is real (the page and the content
     * script see a trusted contextmenu event on the field); the menu Chromium
     * would draw cannot be clicked headless, so the click on our item is the
     * extension's own contextMenus.onClicked listener called in its service
     * worker with the data Chromium passes for an editable field.
     */
    async contextMenuFill(page, selector, menuId) {
      await page.bringToFront();
      await page.rightClick(selector);
      await page.raw.keyboard.press('Escape').catch(() => {});
      await driver.background(async ({ url, menuId }) => {
        const [tab] = await chrome.tabs.query({ url });
        if (!tab) throw new Error('no tab for ' + url);
        chrome.contextMenus.onClicked.dispatch({ menuItemId: menuId, editable: true, frameId: 0, pageUrl: url }, tab);
      }, { url: page.url(), menuId });
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
export async function launchFirefox(world, { host = true, extension = paths.firefoxExtension, profile, prefs = {}, home: reuseHome } = {}) {
  const puppeteer = (await import('puppeteer-core')).default;
  const { home, env } = reuseHome ?? hostEnv(world, 'firefox');
  if (host) await must(paths.otpfill, ['install', '--browser', 'firefox', '--manifest-dir', path.join(home, '.mozilla', 'native-messaging-hosts')], { env });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: paths.firefox,
    headless: true,
    protocol: 'webDriverBiDi',
    acceptInsecureCerts: true,
    env,
    defaultViewport: { width: 1000, height: 760 },
    // Lets BiDi open moz-extension:// pages and reach the browser's own
    // window (chrome scope), where the add-on's shortcut and menu item live.
    args: ['--remote-allow-system-access'],
    // A profile of the caller's (kept after close: puppeteer restores its user.js and prefs.js).
    ...(profile ? { userDataDir: profile } : {}),
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
      // Several fixture tabs load at once; keep their timers running at full speed.
      'dom.min_background_timeout_value': 4,
      'dom.timeout.enable_budget_timer_throttling': false,
      'browser.shell.checkDefaultBrowser': false,
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      ...prefs,
    },
  });
  // extension: null leaves the profile's own add-ons as they are (firefox-install.test.js).
  let id = FIREFOX_ID;
  if (extension) {
    try {
      id = await browser.installExtension(extension);
    } catch (err) {
      await browser.close();
      throw new Error(`Firefox refused the add-on in ${extension}: ${err.message}`);
    }
  }
  if (extension && id !== FIREFOX_ID) {
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
    /** Evaluate in the browser's own window (chrome scope; needs --remote-allow-system-access). */
    async chrome(expression) {
      const tree = await browser.connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
      const win = tree.result.contexts.find((c) => c.url === 'chrome://browser/content/browser.xhtml');
      if (!win) throw new Error('no browser window in chrome scope');
      const { result } = await browser.connection.send('script.evaluate', {
        expression, target: { context: win.context }, awaitPromise: true, resultOwnership: 'none',
      });
      if (result.type !== 'success') throw new Error(`chrome-scope script failed: ${JSON.stringify(result.exceptionDetails?.text ?? result)}`);
      return result.result?.value;
    },
    async openExtensionPage(page, p) {
      // BiDi navigates to moz-extension:// (with system access) but never
      // reports the load as finished: wait for the document instead.
      await page.raw.goto(driver.extensionURL(p), { waitUntil: 'domcontentloaded', timeout: 2_000 }).catch(() => {});
      await page.waitFor((origin) => location.origin === origin && document.readyState === 'complete', driver.extensionOrigin, { timeout: 10_000 });
    },
    /**
     * The keyboard shortcut, pressed as real key events: a TextInputProcessor
     * in the browser window (what Firefox's own tests use) sends Alt, Shift
     * and the key through the same event path as a keyboard, so the
     * browser's key handling finds the add-on's <key> and fires its command.
     * Only the OS keyboard itself is left out.
     */
    async shortcut(page, command, chord = 'Alt+Shift+O') {
      await page.bringToFront();
      const parts = chord.split('+');
      const letter = parts.pop();
      return driver.chrome(`(() => {
        const keys = [...(document.querySelector('keyset[id^="ext-keyset-id-otpfill"]')?.children ?? [])]
          .map((k) => k.getAttribute('modifiers') + '+' + k.getAttribute('key'));
        const want = ${JSON.stringify(parts.map((p) => p.toLowerCase()).join(',') + '+' + letter)};
        if (!keys.includes(want)) throw new Error('the add-on has no key ' + want + ': ' + keys.join(' '));
        window.focus();
        gBrowser.selectedBrowser.focus();
        const tip = Cc['@mozilla.org/text-input-processor;1'].createInstance(Ci.nsITextInputProcessor);
        if (!tip.beginInputTransactionForTests(window)) throw new Error('no text input processor');
        const ev = (o) => new KeyboardEvent('', o);
        const mods = ${JSON.stringify(parts)}.map((m) => ev({ key: m, code: m + 'Left', keyCode: m === 'Alt' ? 18 : m === 'Shift' ? 16 : 17 }));
        const key = ev({ key: ${JSON.stringify(letter)}, code: 'Key' + ${JSON.stringify(letter)}, keyCode: ${letter.charCodeAt(0)} });
        for (const m of mods) tip.keydown(m);
        tip.keydown(key); tip.keyup(key);
        for (const m of mods.reverse()) tip.keyup(m);
        return want;
      })()`);
    },
    /**
     * The context menu, for real: a right-click over BiDi opens Firefox's
     * content-area context menu; the add-on's item is found there by its id
     * and activated as a click on it would.
     */
    async contextMenuFill(page, selector, menuId) {
      await page.bringToFront();
      await page.rightClick(selector);
      const itemSuffix = '-menuitem-_' + menuId;
      let last = '';
      for (let i = 0; i < 30; i++) {
        last = await driver.chrome(`(() => {
          const m = document.getElementById('contentAreaContextMenu');
          if (m.state !== 'open') return 'menu ' + m.state;
          const it = [...m.querySelectorAll('menuitem')].find((x) => x.id.endsWith(${JSON.stringify(itemSuffix)}) && !x.hidden);
          if (!it) return 'no item';
          m.activateItem(it);
          return 'ok';
        })()`);
        if (last === 'ok') return;
        await sleep(100);
      }
      throw new Error(`the context menu did not offer the add-on's item ${menuId}: ${last}`);
    },
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
