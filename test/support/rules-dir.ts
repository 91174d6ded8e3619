/** A copy of config/rules with overrides, for tests that need the engine to answer quickly. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '@watchfloor/config/settings';

export function rulesDirWith(overrides: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-rules-'));
  const src = path.join(REPO_ROOT, 'config', 'rules');
  for (const f of fs.readdirSync(src)) {
    const json = JSON.parse(fs.readFileSync(path.join(src, f), 'utf8')) as Record<string, unknown>;
    const over = overrides[f.replace(/\.json$/, '')];
    fs.writeFileSync(path.join(dir, f), JSON.stringify(over ? { ...json, ...over } : json, null, 2));
  }
  return dir;
}
