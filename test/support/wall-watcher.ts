/**
 * A wall screen for tests: the token at the engine.io handshake and in socket.io's auth, then
 * the snapshot and the deltas applied in order through the shared reducer, every frame kept as
 * text (for tests that look for what must never be sent).
 */
import { io, type Socket } from 'socket.io-client';
import { apply, type WallDelta, type WallState } from '@watchfloor/config/wall';
import { waitFor } from './wait';

export interface WallWatcher {
  readonly socket: Socket;
  /** The screen's state: null until the first snapshot. */
  state(): WallState | null;
  frames(): readonly string[];
  close(): void;
}

/** Connects a screen and resolves once it holds its first snapshot. */
export async function watchWall(url: string, token: string, readyMs = 20_000, tz = 'Asia/Shanghai'): Promise<WallWatcher> {
  let state: WallState | null = null;
  const frames: string[] = [];
  const socket = io(url, { auth: { token }, query: { token }, transports: ['websocket'] });
  socket.on('connect', () => socket.emit('hello', state ? { epoch: state.epoch, seq: state.seq } : {}));
  socket.on('snapshot', (s: WallState) => { frames.push(JSON.stringify(s)); state = s; });
  socket.on('delta', (d: WallDelta) => {
    frames.push(JSON.stringify(d));
    if (state && d.seq === state.seq + 1) state = apply(state, d, tz);
  });
  const watcher: WallWatcher = { socket, state: () => state, frames: () => frames, close: () => { socket.close(); } };
  await waitFor('wall snapshot', async () => state, (s) => s !== null, readyMs);
  return watcher;
}
