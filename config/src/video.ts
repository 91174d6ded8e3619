/**
 * Video export of a replayed range: the wire shapes of the job API and the frame arithmetic
 * both ends share. A clip is rendered deterministically — frame i shows the wall at
 * from + i × speed / fps seconds of event time, each frame rendered and captured before the
 * next — so a clip holds exactly frameCount frames whatever the machine's speed.
 */
import { z } from 'zod';
import { IsoTime } from './contracts/events';
import { MAX_REPLAY_RANGE_MS, REPLAY_SPEEDS, type ReplaySpeed } from './wall/replay';

/** The sizes offered (16:9, the wall's design scaled), as width × height. */
export const VIDEO_RESOLUTIONS = ['480x270', '960x540', '1280x720', '1920x1080'] as const;
export type VideoResolution = (typeof VIDEO_RESOLUTIONS)[number];
export const VIDEO_FPS = [10, 25, 30] as const;
export type VideoFps = (typeof VIDEO_FPS)[number];
/** A clip's longest run: 20 minutes at 30 fps. Longer ranges take a higher speed. */
export const MAX_VIDEO_FRAMES = 36_000;

export function resolutionSize(r: VideoResolution): { width: number; height: number } {
  const [w, h] = r.split('x').map(Number);
  return { width: w!, height: h! };
}

const Time = IsoTime.transform((s) => Date.parse(s));

/** POST /api/video/jobs — what to render. */
export const VideoRequest = z.object({
  from: Time,
  to: Time,
  speed: z.number().refine((v): v is ReplaySpeed => (REPLAY_SPEEDS as readonly number[]).includes(v), { message: `one of ${REPLAY_SPEEDS.join(', ')}` }),
  fps: z.number().refine((v): v is VideoFps => (VIDEO_FPS as readonly number[]).includes(v), { message: `one of ${VIDEO_FPS.join(', ')}` }).default(25),
  resolution: z.enum(VIDEO_RESOLUTIONS).default('1280x720'),
}).refine((r) => r.from < r.to, { message: 'from must be before to', path: ['to'] })
  .refine((r) => r.to - r.from <= MAX_REPLAY_RANGE_MS, { message: 'a clip covers at most 31 days', path: ['to'] })
  .refine((r) => videoFrameCount(r) <= MAX_VIDEO_FRAMES, { message: `a clip has at most ${MAX_VIDEO_FRAMES} frames: choose a higher speed or a shorter range`, path: ['speed'] });
export type VideoRequest = z.infer<typeof VideoRequest>;
/** The request as a page sends it (ISO times). */
export type VideoRequestBody = z.input<typeof VideoRequest>;

/** Frames of a clip: the range played at `speed`, `fps` frames a second, the last frame at or before `to`, the first at `from`. */
export function videoFrameCount(r: { from: number; to: number; speed: number; fps: number }): number {
  return Math.max(1, Math.ceil(((r.to - r.from) / r.speed / 1000) * r.fps));
}

/** The replayed instant of frame i (ms): integer, so every run asks the wall for the same moments. */
export function videoFrameTime(r: { from: number; to: number; speed: number; fps: number }, i: number): number {
  return Math.min(r.to, r.from + Math.round((i * r.speed * 1000) / r.fps));
}

export const VIDEO_JOB_STATES = ['queued', 'rendering', 'encoding', 'done', 'failed', 'cancelled'] as const;
export type VideoJobState = (typeof VIDEO_JOB_STATES)[number];

/** GET /api/video/jobs/:id — a job and how far it is. */
export const VideoJob = z.object({
  id: z.string(),
  state: z.enum(VIDEO_JOB_STATES),
  request: z.object({ from: z.number(), to: z.number(), speed: z.number(), fps: z.number(), resolution: z.enum(VIDEO_RESOLUTIONS) }),
  frames: z.number().int().min(1),
  /** Frames captured so far. */
  rendered: z.number().int().min(0),
  /** Bytes of the finished file (done only). */
  bytes: z.number().int().min(0).nullable(),
  /** Why it failed, in operator words (failed only). */
  error: z.string().nullable(),
  /** Where to fetch the file once done. */
  download: z.string().nullable(),
  createdAt: z.number(),
});
export type VideoJob = z.infer<typeof VideoJob>;

export const isFinished = (s: VideoJobState) => s === 'done' || s === 'failed' || s === 'cancelled';

/**
 * The wall's render hook (on `window` of `/wall?render=1`), which the export's headless browser
 * drives: step(t) shows the wall at t and resolves once it is drawn — state committed, map and
 * charts at rest — with the moment shown.
 */
export const VIDEO_RENDER_HOOK = '__watchfloorReplayRender';
export interface VideoRenderHook { step(t: number): Promise<number> }
