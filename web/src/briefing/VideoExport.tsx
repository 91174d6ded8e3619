'use client';
/**
 * 导出视频 on the briefing: a replayed range rendered to WebM on the server (POST /api/video/jobs),
 * its progress polled, cancel and download. Defaults: yesterday, 3600×, 1280×720 at 25 fps.
 * Times are picked and read in the center's zone.
 */
import { useEffect, useRef, useState } from 'react';
import { CSRF_HEADER } from '@watchfloor/config/auth';
import { strings } from '@watchfloor/config/strings';
import { startOfDay } from '@watchfloor/config/time';
import {
  MAX_VIDEO_FRAMES, VIDEO_FPS, VIDEO_RESOLUTIONS, VideoJob, isFinished, videoFrameCount,
  type VideoFps, type VideoRequestBody, type VideoResolution,
} from '@watchfloor/config/video';
import { REPLAY_SPEEDS, msToZonedLocal, zonedLocalToMs, type ReplaySpeed } from '@watchfloor/config/wall';
import { fetchSession } from '../console/api';

const t = strings.video;
const POLL_MS = 1000;

export default function VideoExport({ tz }: { tz: string }) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [speed, setSpeed] = useState<ReplaySpeed>(3600);
  const [resolution, setResolution] = useState<VideoResolution>('1280x720');
  const [fps, setFps] = useState<VideoFps>(25);
  const [job, setJob] = useState<VideoJob | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const csrf = useRef<string | null>(null);

  useEffect(() => {
    const today = startOfDay(new Date(), tz).getTime();
    const yesterday = startOfDay(new Date(today - 12 * 3_600_000), tz).getTime();
    setFrom(msToZonedLocal(yesterday, tz));
    setTo(msToZonedLocal(today, tz));
  }, [tz]);

  // Poll the job until it is finished.
  const id = job?.id ?? null;
  const finished = job ? isFinished(job.state) : true;
  useEffect(() => {
    if (!id || finished) return;
    const timer = setInterval(() => {
      void fetch(`/api/video/jobs/${id}`, { credentials: 'same-origin', cache: 'no-store' })
        .then(async (r) => { if (r.ok) setJob(VideoJob.parse(await r.json())); })
        .catch(() => undefined); // the next poll asks again
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [id, finished]);

  const f = zonedLocalToMs(from, tz);
  const e = zonedLocalToMs(to, tz);
  const valid = f !== null && e !== null && f < e && e <= Date.now();
  const frames = valid ? videoFrameCount({ from: f, to: e, speed, fps }) : 0;

  const token = async () => (csrf.current ??= (await fetchSession())?.csrfToken ?? null);
  const start = async () => {
    if (!valid) { setMessage(t.invalid); return; }
    if (frames > MAX_VIDEO_FRAMES) { setMessage(t.tooLong); return; }
    setMessage(null);
    const body: VideoRequestBody = { from: new Date(f).toISOString(), to: new Date(e).toISOString(), speed, fps, resolution };
    const r = await fetch('/api/video/jobs', {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', [CSRF_HEADER]: (await token()) ?? '' }, body: JSON.stringify(body),
    });
    if (r.status === 401 || r.status === 403) { setMessage(t.refused); return; }
    if (!r.ok) { setMessage(t.failed); return; }
    setJob(VideoJob.parse(await r.json()));
  };
  const cancel = async () => {
    if (!job) return;
    const r = await fetch(`/api/video/jobs/${job.id}`, { method: 'DELETE', credentials: 'same-origin', headers: { [CSRF_HEADER]: (await token()) ?? '' } });
    if (r.ok) setJob(VideoJob.parse(await r.json()));
  };

  const busy = job !== null && !isFinished(job.state);
  return (
    <details className="video-export" open={open} onToggle={(ev) => setOpen(ev.currentTarget.open)}>
      <summary data-testid="video-open">{t.open}</summary>
      <div className="video-form" data-testid="video-form">
        <b>{t.title}</b>
        <label>{t.from} <input type="datetime-local" value={from} onChange={(ev) => setFrom(ev.target.value)} data-testid="video-from" /></label>
        <label>{t.to} <input type="datetime-local" value={to} onChange={(ev) => setTo(ev.target.value)} data-testid="video-to" /></label>
        <label>{t.speed} <select value={speed} data-testid="video-speed" onChange={(ev) => setSpeed(REPLAY_SPEEDS.find((x) => String(x) === ev.target.value) ?? 3600)}>
          {REPLAY_SPEEDS.map((x) => <option key={x} value={x}>{t.speedLabel(x)}</option>)}
        </select></label>
        <label>{t.resolution} <select value={resolution} data-testid="video-resolution" onChange={(ev) => setResolution(VIDEO_RESOLUTIONS.find((x) => x === ev.target.value) ?? '1280x720')}>
          {VIDEO_RESOLUTIONS.map((x) => <option key={x} value={x}>{x.replace('x', '×')}</option>)}
        </select></label>
        <label>{t.fps} <select value={fps} data-testid="video-fps" onChange={(ev) => setFps(VIDEO_FPS.find((x) => String(x) === ev.target.value) ?? 25)}>
          {VIDEO_FPS.map((x) => <option key={x} value={x}>{t.fpsLabel(x)}</option>)}
        </select></label>
        {valid && <span className="dim" data-testid="video-length">{t.length(Math.round(frames / fps), frames)}</span>}
        <span className="row">
          <button type="button" data-testid="video-start" disabled={busy} onClick={() => void start()}>{t.start}</button>
          {busy && <button type="button" data-testid="video-cancel" onClick={() => void cancel()}>{t.cancel}</button>}
        </span>
        {job && (
          <span className="video-status" data-testid="video-status" data-state={job.state} data-rendered={job.rendered}>
            <span className="progress"><span style={{ width: `${Math.round((job.rendered / job.frames) * 100)}%` }} /></span>
            {t.states[job.state]} · {t.progress(job.rendered, job.frames)}
            {job.state === 'done' && job.download && <a data-testid="video-download" href={job.download}>{t.download}</a>}
          </span>
        )}
        {message && <span className="warn" data-testid="video-message">{message}</span>}
      </div>
    </details>
  );
}
