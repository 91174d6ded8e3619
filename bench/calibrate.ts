/**
 * `npm run bench:calibrate [-- --days N --seed S]`: runs the simulated county for N days
 * (after a fresh start's 10-day back-fill) through the pure rules engine with the committed
 * thresholds, and prints warnings per day by rule and colour. The table in
 * docs/calibration.md comes from it. Last line: the median warnings per day (red among them).
 * JSON to bench/results/calibration.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadRulesConfig } from '@watchfloor/config/rules';
import { REPO_ROOT } from '@watchfloor/config/settings';
import { warningDays } from './lib/warning-days';

const { values } = parseArgs({ options: { days: { type: 'string', default: '14' }, seed: { type: 'string', default: '610522' }, start: { type: 'string', default: '2026-11-02' } } });
const days = Number(values.days);
const startMs = Date.parse(`${values.start}T00:00:00+08:00`);
const t0 = Date.now();
const r = warningDays({ config: loadRulesConfig(), seed: Number(values.seed), startMs, days });
const rules = [...new Set(r.days.flatMap((d) => Object.keys(d.raised)))].sort();
console.log(`active at the end of the back-fill (fresh start): ${r.activeAtStart.total} (${r.activeAtStart.red} red) ${JSON.stringify(r.activeAtStart.byRule)}`);
console.log(['day', 'total', 'red', ...rules].join('\t'));
for (const d of r.days) {
  const cells = rules.map((rule) => {
    const c = d.raised[rule as keyof typeof d.raised] ?? {};
    return `${c.yellow ?? 0}y/${c.red ?? 0}r`;
  });
  console.log([d.day, d.total, d.red, ...cells].join('\t'));
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? 0; };
const out = { seed: Number(values.seed), start: values.start, dayCount: days, seconds: (Date.now() - t0) / 1000, ...r, medianPerDay: median(r.days.map((d) => d.total)), medianRedPerDay: median(r.days.map((d) => d.red)), maxPerDay: Math.max(...r.days.map((d) => d.total)) };
fs.mkdirSync(path.join(REPO_ROOT, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(REPO_ROOT, 'bench', 'results', 'calibration.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`warnings per simulated day: median ${out.medianPerDay} (red ${out.medianRedPerDay}), max ${out.maxPerDay}, over ${days} days`);
