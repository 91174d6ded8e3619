/**
 * Reloads the rules config when a file in its folder changes, so thresholds change without
 * a restart or a code change. Editors save in bursts (write temp, rename, chmod) and
 * fs.watch reports each step, so changes are debounced into one reload. A broken edit is
 * reported and the previous config stays in force: a typo must never switch rules off.
 */
import fs from 'node:fs';
import { loadRulesConfig } from './load';
import type { RulesConfig } from './schema';

export interface RulesWatcher {
  /** The config in force (the last one that loaded cleanly). */
  current(): RulesConfig;
  close(): void;
}

export interface WatchOptions {
  debounceMs?: number;
  onError?: (err: Error) => void;
  /** The config to start from; by default the folder is read now (and a broken folder throws). */
  initial?: RulesConfig;
}

export function watchRules(dir: string, onChange: (cfg: RulesConfig) => void, opts: WatchOptions = {}): RulesWatcher {
  const debounceMs = opts.debounceMs ?? 200;
  let current = opts.initial ?? loadRulesConfig(dir);
  let lastJson = JSON.stringify(current);
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const reload = () => {
    timer = null;
    if (closed) return;
    let next: RulesConfig;
    try {
      next = loadRulesConfig(dir);
    } catch (err) {
      opts.onError?.(err as Error);
      return;
    }
    const json = JSON.stringify(next);
    // A save that changes only a description, or touches a file without changing it, is no change.
    if (json === lastJson) return;
    current = next;
    lastJson = json;
    onChange(next);
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
