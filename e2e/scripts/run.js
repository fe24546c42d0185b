#!/usr/bin/env node
// `npm test` (and `make test-e2e`): the whole e2e suite in two halves at
// once, each in a network namespace of its own (`unshare -n`, loopback up),
// so both can serve the fixtures on 127.0.0.1:443 and :80:
//   E2E_BROWSER=chromium,none  the Chromium suites and the tests that start no browser
//   E2E_BROWSER=firefox        the Firefox suites
// Each half is `node --test --test-concurrency=1 test/` with its own log,
// artifacts/e2e-<half>.log, printed whole when the half ends (two live
// streams would interleave). The run fails when either half does.
//
// Runs the suite once, as before, on this machine's own network, when:
// E2E_BROWSER is set (the caller picked a part), E2E_SERIAL=1, or `unshare -n`
// is not permitted here (not root); it says which.
// Arguments are passed to both `node --test` runs, e.g.
//   node scripts/run.js --test-name-pattern='paypal|decoy'
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifactsDir = path.join(e2eDir, 'artifacts');
const args = process.argv.slice(2);
const nodeTest = [process.execPath, '--test', '--test-concurrency=1', ...args, 'test/'];
// Chromium's half also runs the browserless tests (a few seconds): its suites take less time than Firefox's.
const halves = ['chromium,none', 'firefox'];
const SETUP_LO = 'ip link set lo up';

function serial(why) {
  console.log(`e2e: one run, on this machine's network (${why})`);
  const r = spawnSync(nodeTest[0], nodeTest.slice(1), { cwd: e2eDir, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

if (process.env.E2E_BROWSER) serial(`E2E_BROWSER=${process.env.E2E_BROWSER}`);
if (process.env.E2E_SERIAL === '1') serial('E2E_SERIAL=1');
const probe = spawnSync('unshare', ['-n', 'sh', '-c', SETUP_LO], { encoding: 'utf8' });
if (probe.status !== 0) {
  serial(`\`unshare -n sh -c '${SETUP_LO}'\` failed: ${(probe.error?.message ?? probe.stderr.trim()) || `exit ${probe.status}`}; the two halves need a network namespace each, as root`);
}

fs.mkdirSync(artifactsDir, { recursive: true });
const started = Date.now();
const children = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of children) c.kill(sig);
    process.exit(130);
  });
}

/** runHalf runs one half in its own network namespace; resolves with its exit status, log file and time. */
function runHalf(parts) {
  const log = path.join(artifactsDir, `e2e-${parts.replace(/,/g, '+')}.log`);
  const out = fs.openSync(log, 'w');
  const t0 = Date.now();
  // sh's "$0" "$@" is the node --test command line, passed as arguments, not parsed by sh.
  const child = spawn('unshare', ['-n', 'sh', '-c', `${SETUP_LO} && exec "$0" "$@"`, ...nodeTest], {
    cwd: e2eDir,
    env: { ...process.env, E2E_BROWSER: parts },
    stdio: ['ignore', out, out],
  });
  children.add(child);
  console.log(`e2e: E2E_BROWSER=${parts} started in its own network namespace (log: ${path.relative(process.cwd(), log)})`);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      fs.closeSync(out);
      resolve({ parts, log, code: code ?? 1, signal, seconds: (Date.now() - t0) / 1000 });
    });
  });
}

/** The totals node's reporter prints last (TAP "# pass N" or spec "ℹ pass N"). */
function totals(text) {
  const get = (k) => {
    const m = [...text.matchAll(new RegExp(`^(?:#|ℹ) ${k} (\\d+)$`, 'gm'))].pop();
    return m ? Number(m[1]) : NaN;
  };
  return { pass: get('pass'), fail: get('fail') };
}

const results = await Promise.all(halves.map((parts) => runHalf(parts).then((r) => {
  const text = fs.readFileSync(r.log, 'utf8');
  console.log(`\n======== E2E_BROWSER=${r.parts}: ${r.code === 0 ? 'passed' : `FAILED (exit ${r.signal ?? r.code})`} in ${r.seconds.toFixed(0)} s ========`);
  process.stdout.write(text.endsWith('\n') || !text ? text : `${text}\n`);
  console.log(`======== end of E2E_BROWSER=${r.parts} ========`);
  return { ...r, ...totals(text) };
})));

console.log('\ne2e summary:');
for (const r of results) console.log(`  E2E_BROWSER=${r.parts}: ${r.code === 0 ? 'passed' : 'FAILED'}, pass ${r.pass}, fail ${r.fail}, ${r.seconds.toFixed(0)} s`);
const sum = (k) => results.reduce((n, r) => n + r[k], 0);
console.log(`  both: pass ${sum('pass')}, fail ${sum('fail')}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(results.every((r) => r.code === 0) ? 0 : 1);
