// The suite's Steam Guard expectation (lib/steam.js) against codes the Steam
// app itself showed: KeePassXC's vectors (tests/TestTotp.cpp, testSteamTotp).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notSelected } from '../lib/proc.js';
import { steamCode } from '../lib/steam.js';

test('lib/steam.js gives the Steam app\'s codes', { skip: notSelected('none') }, () => {
  const secret = '63BEDWCQZKTQWPESARIERL5DTTQFCJTK';
  assert.equal(steamCode(secret, 1511200518), 'FR8RV');
  assert.equal(steamCode(secret, 1511200714), '9P3VP');
});
