// `otpfill install`, `uninstall` and `doctor` run as a user would, in a
// throwaway HOME: install writes exactly the manifests browsers read (and
// nothing else under HOME), uninstall removes exactly that, and doctor names
// a broken manifest and what to run about it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { must, notSelected, run, skipReason } from '../lib/proc.js';
import { paths } from '../lib/world.js';

const MANIFEST = 'io.github.otpfill.json';
const CHROMIUM_ORIGIN = 'chrome-extension://jildhmdggadikfdjbdajmpndajodgmmh/';
const FIREFOX_ID = 'otpfill@otpfill.github.io';
const WRAPPER = 'data/otpfill/otpfill-flatpak-host';

/**
 * Where each browser on Linux reads a user-level host manifest, relative to
 * HOME (XDG_CONFIG_HOME left at ~/.config), with the folder whose existence
 * says the browser is there. Flatpak browsers see only ~/.var/app/ID, so
 * their manifest starts a wrapper script kept there.
 */
const browsers = [
  { name: 'chrome', flavor: 'chromium', manifest: '.config/google-chrome/NativeMessagingHosts', evidence: '.config/google-chrome' },
  { name: 'chromium', flavor: 'chromium', manifest: '.config/chromium/NativeMessagingHosts', evidence: '.config/chromium' },
  { name: 'brave', flavor: 'chromium', manifest: '.config/BraveSoftware/Brave-Browser/NativeMessagingHosts', evidence: '.config/BraveSoftware/Brave-Browser' },
  { name: 'edge', flavor: 'chromium', manifest: '.config/microsoft-edge/NativeMessagingHosts', evidence: '.config/microsoft-edge' },
  { name: 'vivaldi', flavor: 'chromium', manifest: '.config/vivaldi/NativeMessagingHosts', evidence: '.config/vivaldi' },
  { name: 'firefox', flavor: 'firefox', manifest: '.mozilla/native-messaging-hosts', evidence: '.mozilla/firefox' },
  { name: 'librewolf', flavor: 'firefox', manifest: '.librewolf/native-messaging-hosts', evidence: '.librewolf' },
  { name: 'chrome-flatpak', flavor: 'chromium', app: 'com.google.Chrome', manifest: 'config/google-chrome/NativeMessagingHosts' },
  { name: 'chromium-flatpak', flavor: 'chromium', app: 'org.chromium.Chromium', manifest: 'config/chromium/NativeMessagingHosts' },
  { name: 'brave-flatpak', flavor: 'chromium', app: 'com.brave.Browser', manifest: 'config/BraveSoftware/Brave-Browser/NativeMessagingHosts' },
  { name: 'edge-flatpak', flavor: 'chromium', app: 'com.microsoft.Edge', manifest: 'config/microsoft-edge/NativeMessagingHosts' },
  { name: 'vivaldi-flatpak', flavor: 'chromium', app: 'com.vivaldi.Vivaldi', manifest: 'config/vivaldi/NativeMessagingHosts' },
  { name: 'firefox-flatpak', flavor: 'firefox', app: 'org.mozilla.firefox', manifest: '.mozilla/native-messaging-hosts' },
  { name: 'librewolf-flatpak', flavor: 'firefox', app: 'io.gitlab.librewolf-community', manifest: '.librewolf/native-messaging-hosts' },
  // The Chromium snap keeps its profile in ~/snap/chromium/common/chromium.
  { name: 'chromium-snap', flavor: 'chromium', manifest: 'snap/chromium/common/chromium/NativeMessagingHosts', evidence: 'snap/chromium' },
  // The Firefox snap reads the ordinary ~/.mozilla manifest (through the WebExtensions portal).
  { name: 'firefox-snap', flavor: 'firefox', manifest: '.mozilla/native-messaging-hosts', evidence: 'snap/firefox' },
].map((b) => {
  if (!b.app) return { ...b, files: [path.join(b.manifest, MANIFEST)] };
  const app = path.join('.var/app', b.app);
  return { ...b, evidence: app, files: [path.join(app, b.manifest, MANIFEST), path.join(app, WRAPPER)] };
});

// No browser: runs in the part E2E_BROWSER calls `none`.
const skip = notSelected('none') || skipReason({ 'bin/otpfill (go build -o bin/otpfill ./host/cmd/otpfill)': paths.otpfill });

/** A throwaway HOME; state (install record, log) goes outside it so HOME shows only what browsers read. */
function sandbox() {
  const home = fs.mkdtempSync('/tmp/oi-home-');
  const state = fs.mkdtempSync('/tmp/oi-state-');
  const env = { ...process.env, HOME: home, XDG_STATE_HOME: state, OTPFILL_LOG: 'warn' };
  for (const k of ['XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'PASSWORD_STORE_DIR', 'GNUPGHOME', 'DBUS_SESSION_BUS_ADDRESS']) delete env[k];
  return {
    home,
    env,
    otpfill: (...args) => run(paths.otpfill, args, { env }),
    cleanup: () => {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}

/** Every file and folder under root, relative, folders with a trailing slash. */
function tree(root) {
  const out = [];
  const walk = (dir) => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = path.relative(root, path.join(dir, d.name));
      if (d.isDirectory()) {
        out.push(rel + '/');
        walk(path.join(dir, d.name));
      } else {
        out.push(rel);
      }
    }
  };
  walk(root);
  return out.sort();
}

const filesOnly = (t) => t.filter((p) => !p.endsWith('/'));

function checkManifest(home, b, binary) {
  const file = path.join(home, b.files[0]);
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(m.name, 'io.github.otpfill', `${file}: name`);
  assert.equal(m.type, 'stdio', `${file}: type`);
  assert.ok(path.isAbsolute(m.path), `${file}: path ${m.path} is not absolute`);
  if (b.app) {
    // A Flatpak browser runs the wrapper, which asks the host to run otpfill.
    assert.equal(m.path, path.join(home, b.files[1]), `${file}: path`);
    const script = fs.readFileSync(m.path, 'utf8');
    assert.match(script, /^#!/, `${m.path} is not a script`);
    assert.ok(script.includes(binary), `${m.path} does not start ${binary}`);
    assert.ok(fs.statSync(m.path).mode & 0o100, `${m.path} is not executable`);
  } else {
    assert.equal(m.path, binary, `${file}: path`);
  }
  if (b.flavor === 'chromium') {
    assert.deepEqual(m.allowed_origins, [CHROMIUM_ORIGIN], `${file}: allowed_origins`);
    assert.equal(m.allowed_extensions, undefined, `${file}: Chromium rejects allowed_extensions`);
  } else {
    assert.deepEqual(m.allowed_extensions, [FIREFOX_ID], `${file}: allowed_extensions`);
    assert.equal(m.allowed_origins, undefined, `${file}: Firefox rejects allowed_origins`);
  }
}

describe('otpfill install / uninstall / doctor in a throwaway HOME', { skip }, () => {
  const binary = path.resolve(paths.otpfill);

  test('install with every browser present writes exactly their manifests; uninstall removes exactly them', async () => {
    const s = sandbox();
    try {
      for (const b of browsers) fs.mkdirSync(path.join(s.home, b.evidence), { recursive: true });
      const before = tree(s.home);
      const res = await s.otpfill('install');
      assert.equal(res.code, 0, `install failed: ${res.stderr}`);
      const expected = [...new Set(browsers.flatMap((b) => b.files))].sort();
      const added = filesOnly(tree(s.home)).filter((f) => !before.includes(f));
      assert.deepEqual(added, expected, 'install wrote other files than the browsers\' manifests (and Flatpak wrappers)');
      for (const b of browsers) checkManifest(s.home, b, binary);

      const un = await s.otpfill('uninstall');
      assert.equal(un.code, 0, `uninstall failed: ${un.stderr}`);
      assert.deepEqual(tree(s.home), before, 'uninstall left something behind, or removed something install did not write');
    } finally {
      s.cleanup();
    }
  });

  for (const b of browsers) {
    test(`install --browser ${b.name} writes ${b.files.join(' and ')}; uninstall removes it and the folders it made`, async () => {
      const s = sandbox();
      try {
        const before = tree(s.home);
        const res = await s.otpfill('install', '--browser', b.name);
        assert.equal(res.code, 0, `install failed: ${res.stderr}`);
        assert.deepEqual(filesOnly(tree(s.home)), [...b.files].sort());
        checkManifest(s.home, b, binary);
        const un = await s.otpfill('uninstall');
        assert.equal(un.code, 0, `uninstall failed: ${un.stderr}`);
        assert.deepEqual(tree(s.home), before);
      } finally {
        s.cleanup();
      }
    });
  }

  test('install --manifest-dir writes only that manifest; uninstall keeps files it did not write', async () => {
    const s = sandbox();
    try {
      const dir = path.join(s.home, 'profile', 'NativeMessagingHosts');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'com.example.other.json'), '{"name":"com.example.other"}\n');
      const before = tree(s.home);
      await must(paths.otpfill, ['install', '--browser', 'chromium', '--manifest-dir', dir], { env: s.env });
      assert.deepEqual(filesOnly(tree(s.home)), ['profile/NativeMessagingHosts/com.example.other.json', `profile/NativeMessagingHosts/${MANIFEST}`]);
      checkManifest(s.home, { flavor: 'chromium', files: [`profile/NativeMessagingHosts/${MANIFEST}`] }, binary);
      await must(paths.otpfill, ['uninstall'], { env: s.env });
      assert.deepEqual(tree(s.home), before);
    } finally {
      s.cleanup();
    }
  });

  test('doctor reports a broken manifest and says what to run', async () => {
    const s = sandbox();
    try {
      fs.mkdirSync(path.join(s.home, '.config', 'chromium'), { recursive: true });
      await must(paths.otpfill, ['install', '--browser', 'chromium'], { env: s.env });
      const rel = `.config/chromium/NativeMessagingHosts/${MANIFEST}`;
      const shown = new RegExp(`(~|${s.home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})/${rel.replace(/\./g, '\\.')}`);
      const lineAbout = (out) => out.split('\n').find((l) => /\bchromium\b/.test(l) && shown.test(l));

      const good = await s.otpfill('doctor');
      const goodLine = lineAbout(good.stdout + good.stderr);
      assert.ok(goodLine, `doctor does not mention the chromium manifest:\n${good.stdout}${good.stderr}`);
      assert.match(goodLine, /^OK\b/, 'a freshly installed manifest should be OK');

      const broken = [
        ['not JSON', '{"name": "io.github.otpfill", '],
        ['a path that does not exist', JSON.stringify({ name: 'io.github.otpfill', description: 'otpfill', path: '/nonexistent/otpfill', type: 'stdio', allowed_origins: [CHROMIUM_ORIGIN] })],
        ['no allowed origin for the extension', JSON.stringify({ name: 'io.github.otpfill', description: 'otpfill', path: binary, type: 'stdio', allowed_origins: [] })],
      ];
      for (const [what, body] of broken) {
        fs.writeFileSync(path.join(s.home, rel), body);
        const res = await s.otpfill('doctor');
        const out = res.stdout + res.stderr;
        assert.notEqual(res.code, 0, `doctor exits 0 with a manifest with ${what}`);
        const line = lineAbout(out);
        assert.ok(line, `doctor does not name the manifest with ${what}:\n${out}`);
        assert.match(line, /^(FAIL|ERROR|BAD)\b/i, `doctor's line for a manifest with ${what} is not a failure: ${line}`);
        assert.match(line, /otpfill install/, `doctor does not say to run otpfill install for ${what}: ${line}`);
      }
    } finally {
      s.cleanup();
    }
  });
});
