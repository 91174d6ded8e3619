'use client';
/**
 * /briefing: the week's seven pages, one screen at a time, ←/→ or PageUp/PageDown to turn;
 * `?print=1` lays all seven out one under another at 1920×1080 for the PDF exporter, and
 * `?page=N` opens page N (the PNG exporter). The figures come from GET /api/stats/briefing with
 * the caller's own session (or the exporter's token header): who may not read them is told so.
 * `data-ready` on the root: the figures and the region are in and every map on the shown
 * pages has become an image.
 */
import '../wall/zod-jitless';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Briefing } from '@watchfloor/config/briefing';
import { strings } from '@watchfloor/config/strings';
import { useRegionData } from '../wall/region-data';
import { DESIGN_H, DESIGN_W, useScreenFit } from '../wall/screen-fit';
import { PAGES } from './pages';
import VideoExport from './VideoExport';

const t = strings.briefing;
const DAY = 86_400_000;

interface ArchiveEntry { week: string; from: string; to: string; pdf: string; json: string }

/** `page`: 1-based, null for the first; with `print`, a given page is printed alone (the PNG export), else all seven. */
export interface BriefingParams { from: string | null; to: string | null; region: string | null; page: number | null; print: boolean; tz: string }

const dateOf = (iso: string, tz: string) => new Date(iso).toLocaleDateString('zh-CN', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz });

function query(p: { from: string | null; to: string | null; region: string | null }): string {
  const q = new URLSearchParams();
  if (p.from) q.set('from', p.from);
  if (p.to) q.set('to', p.to);
  if (p.region) q.set('region', p.region);
  return q.toString();
}

export default function BriefingScreen(props: BriefingParams) {
  const fit = useScreenFit();
  const region = useRegionData(null);
  const [b, setB] = useState<Briefing | null>(null);
  const [error, setError] = useState<'refused' | 'failed' | null>(null);
  const [page, setPage] = useState(Math.min(PAGES.length, Math.max(1, props.page ?? 1)) - 1);
  const [archive, setArchive] = useState<ArchiveEntry[] | null>(null);
  const [mapsReady, setMapsReady] = useState(false);
  const qs = query(props);

  useEffect(() => {
    let gone = false;
    void (async () => {
      const r = await fetch(`/api/stats/briefing?${qs}`, { credentials: 'same-origin' });
      if (gone) return;
      if (r.status === 401) { window.location.assign('/login'); return; }
      if (r.status === 403) { setError('refused'); return; }
      if (!r.ok) { setError('failed'); return; }
      setB(Briefing.parse(await r.json()));
    })().catch(() => { if (!gone) setError('failed'); });
    if (!props.print) {
      void fetch('/api/briefing/archive', { credentials: 'same-origin' }).then(async (r) => { if (!gone && r.ok) setArchive((await r.json()) as ArchiveEntry[]); }).catch(() => undefined);
    }
    return () => { gone = true; };
  }, [qs, props.print]);

  const turn = useCallback((d: number) => setPage((p) => Math.min(PAGES.length - 1, Math.max(0, p + d))), []);
  useEffect(() => {
    if (props.print) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight' || e.key === 'PageDown') { e.preventDefault(); turn(1); }
      if (e.key === 'ArrowLeft' || e.key === 'PageUp') { e.preventDefault(); turn(-1); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [turn, props.print]);

  // Ready once every map shown has swapped its canvas for an image (or none is shown).
  useEffect(() => {
    if (!b || !region) return;
    const check = () => {
      const maps = [...document.querySelectorAll('[data-testid="briefing-map"]')];
      setMapsReady(maps.every((m) => m.getAttribute('data-captured') === 'true'));
    };
    check();
    const obs = new MutationObserver(check);
    obs.observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-captured'], childList: true });
    return () => obs.disconnect();
  }, [b, region, page]);

  const shown = props.print && props.page === null ? PAGES.map((_, i) => i) : [page];
  const scale = props.print ? 1 : fit.scale;
  const px = props.print ? 2 : fit.scale * fit.dpr;
  const period = b ? t.period(dateOf(b.range.from, props.tz), dateOf(new Date(Date.parse(b.range.to) - 1).toISOString(), props.tz)) : '';
  const regionName = b && region ? (b.region.kind === 'county' ? region.county.features[0]?.properties.name ?? t.county : region.townName.get(b.region.code) ?? b.region.code) : '';

  const weekLink = (shift: number) => {
    if (!b) return '#';
    const f = new Date(Date.parse(b.range.from) + shift * 7 * DAY).toISOString();
    const to = new Date(Date.parse(b.range.to) + shift * 7 * DAY).toISOString();
    return `/briefing?${query({ from: f, to, region: props.region })}`;
  };
  const towns = useMemo(() => region?.towns.features.map((f) => f.properties) ?? [], [region]);

  return (
    <div className={`briefing-root${props.print ? ' print' : ''}`} data-testid="briefing" data-ready={b !== null && region !== null && mapsReady} data-page={page + 1}>
      {error && <div className="connecting" data-testid={`briefing-${error}`}>{error === 'refused' ? t.refused : t.failed}</div>}
      {!error && (!b || !region) && <div className="connecting">{t.loading}</div>}
      {b && region && shown.map((i) => {
        const Page = PAGES[i]!;
        return (
          <div key={i} className="briefing-frame" style={props.print ? undefined : { left: fit.left, top: fit.top, width: DESIGN_W * scale, height: DESIGN_H * scale }}>
            <div className="briefing-page" data-testid={`briefing-page-${i + 1}`} style={{ width: DESIGN_W, height: DESIGN_H, transform: props.print ? undefined : `scale(${scale})` }}>
              <header className="titlebar">
                <div className="date">{regionName} · {period}</div>
                <h1>{strings.centerName}<small> · {t.title}</small></h1>
                <div className="clock"><span className="page-title" data-testid="page-title">{t.pages[i]}</span><span className="age">{t.pageOf(i + 1, PAGES.length)}</span></div>
              </header>
              <main className="bp-body"><Page b={b} region={region} px={px} /></main>
              {!props.print && <footer className="bp-foot dim">{t.keys}</footer>}
            </div>
          </div>
        );
      })}
      {b && region && !props.print && (
        <nav className="bp-tools" aria-label={t.title}>
          <a href={weekLink(-1)}>{t.prevWeek}</a>
          <a href={weekLink(1)}>{t.nextWeek}</a>
          <select aria-label={t.town} value={props.region ?? ''} onChange={(e) => window.location.assign(`/briefing?${query({ from: b.range.from, to: b.range.to, region: e.target.value || null })}`)}>
            <option value="">{t.county}</option>
            {towns.map((x) => <option key={x.code} value={x.code}>{x.name}</option>)}
          </select>
          <a data-testid="export-pdf" href={`/api/briefing/export.pdf?${query({ from: b.range.from, to: b.range.to, region: props.region })}`}>{t.exportPdf}</a>
          <a data-testid="export-png" href={`/api/briefing/export.png?page=${page + 1}&${query({ from: b.range.from, to: b.range.to, region: props.region })}`}>{t.exportPng}</a>
          <VideoExport tz={props.tz} />
          <details>
            <summary>{t.archive}</summary>
            <ul data-testid="archive">
              {archive === null || archive.length === 0 ? <li className="dim">{t.noArchive}</li> : archive.map((a) => (
                <li key={a.week}><a href={`/briefing?${query({ from: a.from, to: a.to, region: null })}`}>{t.week(dateOf(a.from, props.tz))}</a> · <a href={a.pdf}>PDF</a> · <a href={a.json}>JSON</a></li>
              ))}
            </ul>
          </details>
        </nav>
      )}
    </div>
  );
}
