// The fixture web servers: HTTPS on 127.0.0.1:443 and HTTP on 127.0.0.1:80,
// choosing the page by the Host header, so each fixture is served under the
// real-looking name of the site it is modelled on. The browsers are told to
// resolve every name to 127.0.0.1.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { must } from './proc.js';

export const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.php': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** makeCert writes a self-signed certificate for every served name. */
export async function makeCert(dir, hosts) {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const san = hosts.map((h) => `DNS:${h}`).join(',');
  await must('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=otpfill e2e fixtures', '-addext', `subjectAltName=${san}`]);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/** resolveFile maps host + URL path to a file under fixtures/, or null. */
export function resolveFile(host, pathname, aliases = {}) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  let base;
  if (rel.startsWith('/_e2e/')) {
    base = fixturesDir;
  } else {
    const name = host.toLowerCase().replace(/:\d+$/, '');
    base = path.join(fixturesDir, 'sites', aliases[name] ?? name);
  }
  const candidates = rel.endsWith('/') ? [rel + 'index.html'] : [rel, rel + '.html', rel + '/index.html'];
  for (const c of candidates) {
    const file = path.normalize(path.join(base, c));
    if (!file.startsWith(base + path.sep)) return null; // no way out of the fixture folder
    try {
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // try the next candidate
    }
  }
  return null;
}

function handler(aliases, log) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    const host = req.headers.host ?? '';
    const file = resolveFile(host, url.pathname, aliases);
    log.push({ host, path: url.pathname, status: file ? 200 : 404 });
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no fixture for ${host}${url.pathname}\n`);
      return;
    }
    const headers = {
      'content-type': types[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    };
    // ?e2e-skew=SECONDS: a server whose clock is that far off (the
    // extension's clock warning reads the Date header of the page itself).
    const skew = Number(url.searchParams.get('e2e-skew'));
    if (skew) headers.date = new Date(Date.now() + skew * 1000).toUTCString();
    res.writeHead(200, headers);
    fs.createReadStream(file).pipe(res);
  };
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`port ${port} on 127.0.0.1 is in use: stop whatever serves it, the e2e suite serves fixtures there`));
      else if (err.code === 'EACCES') reject(new Error(`cannot listen on port ${port}: the e2e suite must run as root (or with CAP_NET_BIND_SERVICE) to serve fixtures on the real ports`));
      else reject(err);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** startServers serves fixtures/ on :443 (TLS) and :80 until close() is called. */
export async function startServers({ key, cert, aliases = {}, httpsPort = 443, httpPort = 80 }) {
  const log = [];
  const secure = https.createServer({ key, cert }, handler(aliases, log));
  const plain = http.createServer(handler(aliases, log));
  await listen(secure, httpsPort);
  try {
    await listen(plain, httpPort);
  } catch (err) {
    secure.close();
    throw err;
  }
  const close = () => Promise.all([secure, plain].map((s) => new Promise((r) => { s.closeAllConnections?.(); s.close(() => r()); })));
  return { log, close };
}
