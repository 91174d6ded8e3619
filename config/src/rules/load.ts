/**
 * Reads config/rules/ (or a deployment's own folder): one JSON file per section, named
 * after it. Keys starting with "//" are the fields' descriptions and are dropped before
 * validation; "$schema" is allowed for editors. A missing file means "all defaults"; an
 * unknown file is an error, because a misspelt file name would otherwise silently fall
 * back to defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../settings';
import { RULES_SECTIONS, RULES_SECTION_NAMES, type RulesConfig, type RulesSection } from './schema';

export const DEFAULT_RULES_DIR = path.join(REPO_ROOT, 'config', 'rules');

export const isCommentKey = (k: string) => k.startsWith('//') || k === '$schema';

/** Removes description keys at any depth. */
export function stripComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripComments);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!isCommentKey(k)) out[k] = stripComments(v);
    return out;
  }
  return value;
}

/** Validates the sections' parsed JSON (comments included or not); absent sections take defaults. */
export function parseRulesSections(sections: Partial<Record<RulesSection, unknown>>, origin: (s: RulesSection) => string = (s) => s): RulesConfig {
  const out: Partial<Record<RulesSection, unknown>> = {};
  for (const name of RULES_SECTION_NAMES) {
    const raw = sections[name];
    const r = RULES_SECTIONS[name].safeParse(raw === undefined ? undefined : stripComments(raw));
    if (!r.success) {
      const first = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
      throw new Error(`rules config ${origin(name)}: ${first}`);
    }
    out[name] = r.data;
  }
  return out as RulesConfig;
}

export function defaultRulesConfig(): RulesConfig {
  return parseRulesSections({});
}

/** Reads a folder as it is now. Throws with the file named on any problem (the caller keeps its old config). */
export function loadRulesConfig(dir: string = DEFAULT_RULES_DIR): RulesConfig {
  const known = new Set<string>(RULES_SECTION_NAMES);
  const sections: Partial<Record<RulesSection, unknown>> = {};
  for (const f of fs.readdirSync(dir)) {
    if (!f.endsWith('.json')) continue;
    const name = f.slice(0, -'.json'.length);
    if (!known.has(name)) throw new Error(`rules config ${path.join(dir, f)}: unknown file; expected one of ${RULES_SECTION_NAMES.map((s) => `${s}.json`).join(', ')}`);
    const file = path.join(dir, f);
    try {
      sections[name as RulesSection] = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`rules config ${file}: ${(err as Error).message}`);
    }
  }
  return parseRulesSections(sections, (s) => path.join(dir, `${s}.json`));
}
