/** The one video job queue of this process. */
import type { Settings } from '@watchfloor/config/settings';
import { createVideoJobs, type VideoJobs } from './jobs';

let jobs: VideoJobs | null = null;

export function videoJobs(s: Settings): VideoJobs {
  jobs ??= createVideoJobs({ ffmpeg: s.FFMPEG_PATH, log: (l) => console.log(l) });
  return jobs;
}

export async function closeVideoJobs(): Promise<void> {
  const j = jobs;
  jobs = null;
  await j?.close();
}
