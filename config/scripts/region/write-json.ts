/**
 * Compact JSON with one feature/record per line: small on disk, and a
 * regenerated region shows up in `git diff` as changed lines per polygon
 * instead of one giant line.
 */
import fs from 'node:fs';
import path from 'node:path';

export function featureCollectionText(features: readonly unknown[]): string {
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}

export function arrayText(items: readonly unknown[]): string {
  return `[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]\n`;
}

export function writeText(dir: string, file: string, text: string): number {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
  return Buffer.byteLength(text);
}
