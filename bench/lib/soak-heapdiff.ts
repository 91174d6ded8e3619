/**
 * What a heap grew by between two .heapsnapshot files, split as DevTools' statistics split it:
 * compiled code (V8 keeps optimising hot functions for a long while: it grows during a soak and
 * levels off, no leak) against everything else (objects, strings, arrays: where a leak would be).
 */
import fs from 'node:fs';

interface Totals { codeBytes: number; otherBytes: number; nodes: number }

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
}

export function snapshotTotals(file: string): Totals {
  const j = JSON.parse(fs.readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = j.snapshot.meta.node_fields;
  const types = j.snapshot.meta.node_types[0];
  const stride = fields.length;
  const ti = fields.indexOf('type');
  const si = fields.indexOf('self_size');
  let codeBytes = 0;
  let otherBytes = 0;
  for (let i = 0; i < j.nodes.length; i += stride) {
    const size = j.nodes[i + si]!;
    if (types[j.nodes[i + ti]!] === 'code') codeBytes += size;
    else otherBytes += size;
  }
  return { codeBytes, otherBytes, nodes: j.nodes.length / stride };
}

export interface HeapGrowth { codeMB: number; otherMB: number; fromMB: number; toMB: number }

export function heapGrowth(fromFile: string, toFile: string): HeapGrowth {
  const a = snapshotTotals(fromFile);
  const b = snapshotTotals(toFile);
  const mb = (x: number) => x / 2 ** 20;
  return { codeMB: mb(b.codeBytes - a.codeBytes), otherMB: mb(b.otherBytes - a.otherBytes), fromMB: mb(a.codeBytes + a.otherBytes), toMB: mb(b.codeBytes + b.otherBytes) };
}
