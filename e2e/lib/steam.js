// Steam Guard codes for the e2e suite's expectations, from Node's own
// HMAC (oathtool has no Steam encoder): RFC 4226's dynamic truncation, then
// five characters of Steam's alphabet, least significant first. Checked
// against the codes the Steam app itself showed (KeePassXC's test vectors)
// before any browser test relies on it (test/steam-codes.test.js).
import crypto from 'node:crypto';

export const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(s) {
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.toUpperCase().replace(/[\s=]/g, '')) {
    const i = BASE32.indexOf(ch);
    if (i < 0) throw new Error('bad base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** steamCode is the Steam Guard code of a base32 secret at unix second t. */
export function steamCode(secret, t, period = 30) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / period)));
  const mac = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  let n = mac.readUInt32BE(off) & 0x7fffffff;
  let code = '';
  for (let i = 0; i < 5; i++) {
    code += STEAM_ALPHABET[n % 26];
    n = Math.floor(n / 26);
  }
  return code;
}
