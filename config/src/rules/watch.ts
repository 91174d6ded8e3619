/**
 * Reloads the rules config when a file in its folder changes, so thresholds change without
 * a restart or a code change. Editors save in bursts (write temp, rename, chmod) and
 * fs.watch reports each step, so changes are debounced into one reload. A broken edit is
 * reported and the previous config stays in force: a typo must never switch rules off.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadRulesConfig } from './load';
import type { RulesConfig } from './schema';

export interface RulesWatcher {
  /** The config in force (the last one that loaded cleanly). */
  current(): RulesConfig;
  close(): void;
}

/** One rule file that differs from the config in force: SHA-256 of its bytes then and now (null: absent). */
export interface RuleFileChange { file: string; sha256Before: string | null; sha256After: string | null }

export interface WatchOptions {
  debounceMs?: number;
  onError?: (err: Error) => void;
  /**
   * The files behind a reload that took effect, or behind an edit that was refused (the config
   * in force is kept; the same broken bytes are reported once). For the audit trail.
   */
  onFiles?: (outcome: 'applied' | 'refused', files: readonly RuleFileChange[]) => void;
  /** The config to start from; by default the folder is read now (and a broken folder throws). */
  initial?: RulesConfig;
}

export function watchRules(dir: string, onChange: (cfg: RulesConfig) => void, opts: WatchOptions = {}): RulesWatcher {
  const debounceMs = opts.debounceMs ?? 200;
  let current = opts.initial ?? loadRulesConfig(dir);
  let lastJson = JSON.stringify(current);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  // The bytes behind the config in force, and the last refused set (so one broken save is reported once).
  let inForce = fileHashes(dir);
  let lastRefused = '';

  const reload = () => {
    timer = null;
    if (closed) return;
    const now = fileHashes(dir);
    const files = changedFiles(inForce, now);
    let next: RulesConfig;
    try {
      next = loadRulesConfig(dir);
    } catch (err) {
      opts.onError?.(err as Error);
      const key = JSON.stringify(files);
      if (files.length && key !== lastRefused) opts.onFiles?.('refused', files);
      lastRefused = key;
      return;
    }
    lastRefused = '';
    inForce = now;
    const json = JSON.stringify(next);
    // A save that changes only a description, or touches a file without changing it, is no change.
    if (json === lastJson) return;
    current = next;
    lastJson = json;
    onChange(next);
    if (files.length) opts.onFiles?.('applied', files);
  };

  const watcher = fs.watch(dir, { persistent: false }, () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  });
  watcher.on('error', (err) => opts.onError?.(err));

  return {
    current: () => current,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher.close();
    },
  };
}

/** SHA-256 of every rule file in the folder, by file name. */
function fileHashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return out;
  }
  for (const f of names) {
    try {
      out.set(f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex'));
    } catch {
      // Gone between the listing and the read (an editor's rename): absent, as it is now.
    }
  }
  return out;
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): RuleFileChange[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names
    .map((file) => ({ file, sha256Before: before.get(file) ?? null, sha256After: after.get(file) ?? null }))
    .filter((c) => c.sha256Before !== c.sha256After);
}
