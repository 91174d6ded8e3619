// Debian's ffmpeg: the video export's encoder, with ffprobe to read what it wrote.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureAptPackages } from './apt';

export const FFMPEG_PATH = '/usr/bin/ffmpeg';
const FFPROBE = '/usr/bin/ffprobe';

export function ensureFfmpeg(): string {
  ensureAptPackages({ packages: ['ffmpeg'], purpose: 'The video export tests', present: () => existsSync(FFMPEG_PATH) && existsSync(FFPROBE) });
  return FFMPEG_PATH;
}

export interface VideoInfo { codec: string; width: number; height: number; frames: number; durationS: number; format: string }

/** What ffprobe reads in a file: its first video stream's codec and size, frames decoded (counted, not the header's claim), and the container's duration. */
export function probeVideo(file: string): VideoInfo {
  ensureFfmpeg();
  const r = spawnSync(FFPROBE, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames:format=duration,format_name', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffprobe failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout) as { streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[]; format: { duration: string; format_name: string } };
  const s = j.streams[0]!;
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames), durationS: Number(j.format.duration), format: j.format.format_name };
}
