/**
 * The video export jobs of this process: queued, rendered one at a time (a 2-core server must
 * keep answering the wall while a clip renders), each to a WebM file in a folder of its own
 * kept for an hour after it finished, then deleted. A job is its owner's (or an admin's) to
 * follow, cancel and download; cancelling stops the browser and ffmpeg and deletes the file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isFinished, resolutionSize, videoFrameCount, type VideoJob, type VideoJobState, type VideoRequest } from '@watchfloor/config/video';
import { startEncoder } from './encoder';
import { Cancelled, renderClip, type RenderTarget } from './renderer';

const KEEP_MS = 3_600_000;
/** Finished jobs remembered (their files may already be gone). */
const MAX_FINISHED = 50;

interface Job {
  view: VideoJob;
  owner: string;
  target: RenderTarget;
  abort: AbortController;
  file: string;
}

export interface VideoJobs {
  start(req: VideoRequest, owner: string, target: RenderTarget): VideoJob;
  /** The job, if `who` may see it (its owner, or an admin). */
  get(id: string, who: { name: string; admin: boolean }): VideoJob | null;
  cancel(id: string, who: { name: string; admin: boolean }): VideoJob | null;
  /** The finished file's path. */
  file(id: string, who: { name: string; admin: boolean }): string | null;
  close(): Promise<void>;
}

export function createVideoJobs(opts: { ffmpeg: string; log: (line: string) => void; dir?: string }): VideoJobs {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'watchfloor-video-'));
  const jobs = new Map<string, Job>();
  const queue: Job[] = [];
  let running: Promise<void> | null = null;

  const set = (j: Job, state: VideoJobState, extra: Partial<VideoJob> = {}) => { j.view = { ...j.view, state, ...extra }; };
  const remove = (j: Job) => fs.rmSync(j.file, { force: true });
  const forget = () => {
    const done = [...jobs.values()].filter((j) => isFinished(j.view.state));
    for (const j of done.slice(0, Math.max(0, done.length - MAX_FINISHED))) { remove(j); jobs.delete(j.view.id); }
  };

  async function run(j: Job): Promise<void> {
    const r = j.view.request;
    set(j, 'rendering');
    const { width, height } = resolutionSize(r.resolution);
    const encoder = startEncoder({ ffmpeg: opts.ffmpeg, fps: r.fps, out: j.file, width, height });
    const t0 = Date.now();
    try {
      await renderClip(r, j.target, encoder, j.abort.signal, (n) => { j.view = { ...j.view, rendered: n }; });
      set(j, 'encoding');
      await encoder.finish();
      set(j, 'done', { bytes: fs.statSync(j.file).size, download: `/api/video/jobs/${j.view.id}/file` });
      opts.log(`[video] job ${j.view.id}: ${j.view.frames} frames in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      setTimeout(() => remove(j), KEEP_MS).unref();
    } catch (err) {
      encoder.kill();
      remove(j);
      if (err instanceof Cancelled || j.abort.signal.aborted) set(j, 'cancelled');
      else {
        const message = (err as Error).message.split('\n')[0]!.slice(0, 200);
        set(j, 'failed', { error: message });
        opts.log(`[video] job ${j.view.id} failed: ${message}`);
      }
    }
  }

  function pump(): void {
    if (running) return;
    const next = queue.shift();
    if (!next) return;
    running = run(next).finally(() => { running = null; forget(); pump(); });
  }

  const visible = (id: string, who: { name: string; admin: boolean }) => {
    const j = jobs.get(id);
    return j && (who.admin || j.owner === who.name) ? j : null;
  };

  return {
    start(req, owner, target) {
      const id = crypto.randomUUID();
      const view: VideoJob = {
        id, state: 'queued', request: req, frames: videoFrameCount(req), rendered: 0, bytes: null, error: null, download: null, createdAt: Date.now(),
      };
      const j: Job = { view, owner, target, abort: new AbortController(), file: path.join(dir, `${id}.webm`) };
      jobs.set(id, j);
      queue.push(j);
      pump();
      return j.view;
    },
    get: (id, who) => visible(id, who)?.view ?? null,
    cancel(id, who) {
      const j = visible(id, who);
      if (!j) return null;
      if (isFinished(j.view.state)) return j.view;
      const q = queue.indexOf(j);
      if (q >= 0) { queue.splice(q, 1); set(j, 'cancelled'); }
      j.abort.abort();
      return j.view;
    },
    file(id, who) {
      const j = visible(id, who);
      return j && j.view.state === 'done' && fs.existsSync(j.file) ? j.file : null;
    },
    async close() {
      for (const j of queue.splice(0)) set(j, 'cancelled');
      for (const j of jobs.values()) j.abort.abort();
      await running;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
