// Packs a built browser folder into a zip (the Chromium package) or an .xpi
// (the Firefox package), byte for byte the same from the same input:
//   node pack.mjs SRC OUT [--store]
// Entries are sorted, every file is dated SOURCE_DATE_EPOCH (the last
// commit's time from `make dist`; 1980-01-01 without it), no modes, owners
// or extra fields are recorded. --store is the Chrome Web Store's and Edge
// Add-ons' upload: the manifest without the dev `key`, which the stores
// refuse (they give the extension its id; see README).

import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { crc32, deflateRawSync } from "node:zlib";

const [src, out] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const store = process.argv.includes("--store");
if (!src || !out) {
  console.error("usage: node pack.mjs SRC OUT [--store]");
  process.exit(2);
}
if (typeof crc32 !== "function") {
  console.error("pack.mjs needs Node.js 20.15 or later (zlib.crc32)");
  process.exit(1);
}

/** Every file under dir, as forward-slash paths relative to it, sorted. */
async function files(dir, prefix = "") {
  const out = [];
  for (const d of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    if (d.isDirectory()) out.push(...(await files(dir, rel)));
    else if (d.isFile()) out.push(rel);
    else throw new Error(`${join(dir, rel)}: not a file or folder`);
  }
  return out.sort();
}

/** The MS-DOS date and time of a zip entry (local fields, 2-second steps). */
function dosTime(epochSeconds) {
  const d = new Date(Math.max(epochSeconds, 315532800) * 1000); // zip cannot go before 1980
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? 0);
if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`SOURCE_DATE_EPOCH=${process.env.SOURCE_DATE_EPOCH}: not a number of seconds`);
const { time, date } = dosTime(epoch);

const locals = [];
const centrals = [];
let offset = 0;
for (const name of await files(src)) {
  let data = await readFile(join(src, name));
  if (store && name === "manifest.json") {
    const m = JSON.parse(data.toString("utf8"));
    delete m.key;
    data = Buffer.from(JSON.stringify(m, null, 2) + "\n");
  }
  const packed = deflateRawSync(data, { level: 9 });
  const method = packed.length < data.length ? 8 : 0;
  const body = method ? packed : data;
  const fname = Buffer.from(name, "utf8");
  const common = Buffer.alloc(26);
  common.writeUInt16LE(20, 0); // version needed: 2.0
  common.writeUInt16LE(0x0800, 2); // names are UTF-8
  common.writeUInt16LE(method, 4);
  common.writeUInt16LE(time, 6);
  common.writeUInt16LE(date, 8);
  common.writeUInt32LE(crc32(data), 10);
  common.writeUInt32LE(body.length, 14);
  common.writeUInt32LE(data.length, 18);
  common.writeUInt16LE(fname.length, 22);
  common.writeUInt16LE(0, 24); // no extra field
  const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), common, fname, body]);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // made by: MS-DOS (no Unix modes)
  common.copy(central, 6);
  // comment length, disk, internal and external attributes: all 0
  central.writeUInt32LE(offset, 42);
  centrals.push(Buffer.concat([central, fname]));
  locals.push(local);
  offset += local.length;
}
const dir = Buffer.concat(centrals);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(centrals.length, 8);
end.writeUInt16LE(centrals.length, 10);
end.writeUInt32LE(dir.length, 12);
end.writeUInt32LE(offset, 16);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, Buffer.concat([...locals, dir, end]));
console.log(`packed ${src} into ${out} (${centrals.length} files${store ? ", manifest without key" : ""})`);
