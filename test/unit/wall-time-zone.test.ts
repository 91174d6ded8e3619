/** The wall shows times in TZ_CENTER (handed down from the page), never in a zone of its own. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { clock, dayHourMinute, hourMinute, longDate } from '../../web/src/wall/zoned-format';

const T = Date.parse('2026-11-20T02:30:09Z');

test('wall times are formatted in the zone they are given', () => {
  assert.equal(hourMinute(T, 'Asia/Shanghai'), '10:30');
  assert.equal(hourMinute(T, 'Europe/London'), '02:30');
  assert.equal(dayHourMinute(T, 'America/New_York'), '11/19 21:30');
  assert.equal(clock(T, 'Asia/Urumqi'), '08:30:09');
  assert.match(longDate(T, 'America/New_York'), /11月19日/);
  assert.match(longDate(T, 'Asia/Shanghai'), /11月20日/);
});

test('no wall or panel code names a time zone itself', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) files.push(p);
    }
  };
  walk('web/src');
  walk('web/app');
  const zone = /['"`](?:Africa|America|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+['"`]/;
  assert.deepEqual(files.filter((f) => zone.test(fs.readFileSync(f, 'utf8'))), []);
});
