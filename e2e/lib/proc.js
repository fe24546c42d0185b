// Small helpers to run the real programs the suite depends on (gpg, pass,
// oathtool, openssl, the otpfill binary). Secrets only ever travel on stdin:
// argv is visible to every user of the machine.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const inCI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * run starts cmd with args, writes input (if any) to its stdin and resolves
 * with {code, stdout, stderr}. It rejects only when the program cannot be
 * started; a non-zero exit is for the caller to judge (see must).
 */
export function run(cmd, args, { input, env, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, signal, stdout, stderr });
    });
    child.stdin.on('error', () => {}); // the program may exit before reading all input
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** must is run that rejects on a non-zero exit, naming the program (never its input). */
export async function must(cmd, args, opts = {}) {
  const res = await run(cmd, args, opts);
  if (res.code !== 0) {
    throw new Error(`${path.basename(cmd)} ${args.filter((a) => !String(a).startsWith('-----')).join(' ')} exited ${res.code}: ${res.stderr.trim().slice(0, 2000)}`);
  }
  return res;
}

/** which returns the absolute path of a program on PATH, or '' when absent. */
export function which(name) {
  if (name.includes('/')) return isExecutable(name) ? name : '';
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExecutable(p)) return p;
  }
  return '';
}

function isExecutable(p) {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * missing lists the requirements (name → path) that are not there. A test
 * uses it with skipOrFail: outside CI a missing browser is a skip, in CI it
 * is a failure, because CI installs everything and a silent skip would hide a
 * broken install step.
 */
export function missing(requirements) {
  const out = [];
  for (const [name, p] of Object.entries(requirements)) {
    if (!p || !fs.existsSync(p)) out.push(`${name} (${p || 'not on PATH'})`);
  }
  return out;
}

export function skipReason(requirements) {
  const gone = missing(requirements);
  if (gone.length === 0) return false;
  const msg = `missing: ${gone.join(', ')}`;
  if (inCI) throw new Error(`${msg} — CI must build and install these before the e2e suite runs`);
  return msg;
}

/** The parts of the suite E2E_BROWSER can pick: one per browser, and `none` for the tests that start no browser. */
export const parts = ['chromium', 'firefox', 'none'];

/**
 * notSelected says why a part of the suite does not run in this process:
 * E2E_BROWSER, a comma-separated list of parts (e.g. `firefox` or
 * `chromium,none`), leaves it out. Unset or empty: every part runs.
 * scripts/run.js runs the halves `chromium,none` and `firefox` at once. A
 * name not in the list throws, so a typo cannot skip the whole suite.
 */
export function notSelected(part) {
  const value = (process.env.E2E_BROWSER ?? '').trim();
  if (!value) return false;
  const picked = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = picked.filter((p) => !parts.includes(p));
  if (unknown.length) throw new Error(`E2E_BROWSER=${value}: ${unknown.join(', ')} is not one of ${parts.join(', ')}`);
  return picked.includes(part) ? false : `E2E_BROWSER=${value}`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * within settles with the promise, or with fallback after ms: for a driver
 * call that can wait for ever (Playwright's frame.evaluate waits for a
 * frame's script context, which a frame caught mid-navigation may never
 * get), so that a polling loop goes round again instead of hanging.
 * A rejection also gives the fallback.
 */
export function within(ms, promise, fallback) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).catch(() => fallback),
    new Promise((r) => {
      timer = setTimeout(() => r(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** frameLocation asks a frame where it is (location.href), or '' when it cannot answer within 3 s. */
export const frameLocation = (frame) => within(3_000, frame.evaluate(() => location.href), '');

/** syncOK reports whether a command exits 0 (used for cheap probes). */
export function syncOK(cmd, args) {
  try {
    return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}
