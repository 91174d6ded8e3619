/**
 * The WebM encoder: Debian's ffmpeg (libvpx, VP8) reading PNG frames on its stdin at a fixed
 * frame rate, so the file holds exactly the frames written, each 1/fps long — no timestamps
 * from a wall clock. VP8 rather than VP9: several times faster to encode on a 2-core server,
 * and every browser plays it.
 */
import { spawn } from 'node:child_process';

export interface Encoder {
  /** Writes one frame (PNG), waiting while ffmpeg's input is full. */
  write(png: Buffer): Promise<void>;
  /** Ends the input and resolves once the file is complete. */
  finish(): Promise<void>;
  /** Stops ffmpeg now (the file is left incomplete). */
  kill(): void;
}

export function startEncoder(opts: { ffmpeg: string; fps: number; out: string; width: number; height: number }): Encoder {
  const args = [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-y',
    '-f', 'image2pipe', '-framerate', String(opts.fps), '-c:v', 'png', '-i', 'pipe:0',
    '-c:v', 'libvpx', '-pix_fmt', 'yuv420p', '-s', `${opts.width}x${opts.height}`,
    // Constant quality with a bitrate ceiling; keyframes each 2 s so a player can seek.
    '-crf', '10', '-b:v', `${Math.round((opts.width * opts.height * opts.fps) / 8000)}k`, '-g', String(opts.fps * 2),
    '-deadline', 'good', '-cpu-used', '4', '-threads', '2', '-an', '-f', 'webm', opts.out,
  ];
  const child = spawn(opts.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`ffmpeg could not start (${opts.ffmpeg}): ${err.message}`)));
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`ffmpeg ended with ${code ?? signal}: ${stderr.trim().split('\n').pop() ?? ''}`))));
  });
  exited.catch(() => undefined);
  // A write after ffmpeg died reports EPIPE here; the exit carries the reason.
  child.stdin.on('error', () => undefined);
  return {
    async write(png) {
      if (child.exitCode !== null || child.signalCode !== null) await exited;
      if (!child.stdin.write(png)) {
        await Promise.race([new Promise<void>((r) => child.stdin.once('drain', () => r())), exited]);
      }
    },
    async finish() {
      child.stdin.end();
      await exited;
    },
    kill() { child.kill('SIGKILL'); },
  };
}
