'use client';
/**
 * The seven briefing pages, each a 1920×1080 screen in the wall's look. Every figure carries its
 * definition (config/src/briefing.ts, the API's own words) behind an ⓘ: one click away.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { BRIEFING_DEFINITIONS, BULLETIN_KEYS, type Briefing, type BriefingFigure, type BriefingPercentiles } from '@watchfloor/config/briefing';
import { CASE_LEVELS } from '@watchfloor/config/contracts';
import { strings } from '@watchfloor/config/strings';
import EChart from '../panels/EChart';
import { accent, textDim } from '../wall/theme';
import type { RegionData } from '../wall/region-data';
import BriefingMap from './BriefingMap';

const t = strings.briefing;

export interface PageProps { b: Briefing; region: RegionData; px: number }

/** ⓘ beside a figure: a click shows its definition, another (or 关闭) hides it. */
export function Def({ k }: { k: BriefingFigure }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="def-wrap">
      <button type="button" className="def-btn" data-testid={`def-${k}`} aria-label={`${t.definition}：${BRIEFING_DEFINITIONS[k]}`} onClick={() => setOpen((o) => !o)}>ⓘ</button>
      {open && (
        <span className="def-pop" role="tooltip" data-testid="definition">
          <b>{t.definition}</b> {BRIEFING_DEFINITIONS[k]}
          <button type="button" className="def-close" onClick={() => setOpen(false)}>{t.close}</button>
        </span>
      )}
    </span>
  );
}

function Box({ title, def, children, className, style }: { title: string; def?: BriefingFigure; children: ReactNode; className?: string; style?: React.CSSProperties }) {
  return (
    <section className={`panel ${className ?? ''}`} style={style}>
      <h2>{title}{def && <Def k={def} />}</h2>
      <div className="panel-body">{children}</div>
    </section>
  );
}

const fmt = (n: number) => n.toLocaleString('zh-CN');
const pct = (r: number | null | undefined, digits = 1) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(digits)}%`);
const rate = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(2));

function Change({ cur, base, label }: { cur: number; base: number | null; label: string }) {
  if (base === null) return <div className="kpi-sub dim">{t.noLastYear}</div>;
  const diff = cur - base;
  const p = base > 0 ? `${diff >= 0 ? '+' : ''}${((diff / base) * 100).toFixed(1)}%` : '';
  return (
    <div className="kpi-sub">
      <span className="dim">{label} {fmt(base)}，</span>
      {diff === 0 ? <b>{t.flat}</b> : <b className={diff > 0 ? 'up' : 'down'}>{diff > 0 ? '+' : ''}{fmt(diff)} {p}</b>}
    </div>
  );
}

function Kpi({ value, unit, testId }: { value: string; unit?: string; testId?: string }) {
  return <div className="kpi"><span className="num" data-testid={testId}>{value}</span>{unit && <span className="unit">{unit}</span>}</div>;
}

function bars(labels: string[], values: number[], width: number, height: number, px: number, horizontal = true, fmtLabel?: (v: number) => string) {
  const option = {
    animation: false,
    grid: horizontal ? { left: 150, right: 70, top: 10, bottom: 10 } : { left: 50, right: 20, top: 20, bottom: 40 },
    xAxis: horizontal ? { type: 'value', show: false } : { type: 'category', data: labels, axisLabel: { color: textDim, fontSize: 18 } },
    yAxis: horizontal ? { type: 'category', data: labels, inverse: true, axisLabel: { color: '#dbe7ff', fontSize: 20 }, axisLine: { show: false }, axisTick: { show: false } }
      : { type: 'value', axisLabel: { color: textDim, fontSize: 16 }, splitLine: { lineStyle: { color: 'rgba(60,100,170,0.25)' } } },
    series: [{ type: 'bar', data: values, itemStyle: { color: accent }, barWidth: '55%', label: { show: true, position: horizontal ? 'right' : 'top', color: '#eaf4ff', fontSize: 18, formatter: fmtLabel ? (p: { value: number }) => fmtLabel(p.value) : undefined } }],
  };
  return <EChart option={option} width={width} height={height} pixelRatio={px} />;
}

const townName = (r: RegionData, code: string) => (code === 'outside' ? '网格外' : r.townName.get(code) ?? code);
const townsOf = (b: Briefing, r: RegionData) => r.towns.features.map((f) => f.properties.code).filter((c) => b.region.kind === 'county' || c === b.region.code);

/** 1. 总体态势: calls, alerts and cases against the previous period and the same period last year. */
export function Overview({ b, px }: PageProps) {
  const cats = Object.entries(b.calls.byCategory).sort((x, y) => y[1] - x[1]);
  return (
    <div className="bp-grid overview">
      <Box title={t.calls} def="callsTotal">
        <Kpi value={fmt(b.calls.total)} unit={t.unitCalls} testId="fig-calls-total" />
        <Change cur={b.calls.total} base={b.calls.previous.total} label={t.vsPrevious} />
        <Change cur={b.calls.total} base={b.calls.sameLastYear?.total ?? null} label={t.vsLastYear} />
      </Box>
      <Box title={t.alerts} def="alertsTotal">
        <Kpi value={fmt(b.alerts.total)} unit={t.unitItems} testId="fig-alerts-total" />
        <Change cur={b.alerts.total} base={b.alerts.previous.total} label={t.vsPrevious} />
        <Change cur={b.alerts.total} base={b.alerts.sameLastYear?.total ?? null} label={t.vsLastYear} />
      </Box>
      <Box title={t.cases} def="casesIdentified">
        <Kpi value={fmt(b.cases.identified)} unit={t.unitCases} testId="fig-cases-identified" />
        <Change cur={b.cases.identified} base={b.cases.previous.identified} label={t.vsPrevious} />
        <Change cur={b.cases.identified} base={b.cases.sameLastYear?.identified ?? null} label={t.vsLastYear} />
      </Box>
      <Box title={t.resolutionRate} def="casesRate">
        <Kpi value={pct(b.cases.resolutionRate)} testId="fig-cases-rate" />
        <div className="kpi-sub dim">{fmt(b.cases.resolved)} / {fmt(b.cases.identified)} {t.unitCases}</div>
      </Box>
      <Box title={t.callsByCategory} def="callsByCategory" className="wide">
        {bars(cats.map(([k]) => strings.callCategory[k as keyof typeof strings.callCategory] ?? k), cats.map(([, v]) => v), 1820, 470, px)}
      </Box>
    </div>
  );
}

/** 2. 热点区域: the grids on the map by calls per 10,000 people; the top grids and the towns. */
export function HotSpots({ b, region, px }: PageProps) {
  const byCalls = Object.entries(b.calls.byGrid).sort((x, y) => y[1] - x[1]).slice(0, 6);
  const byRate = Object.entries(b.calls.per10k.byGrid).sort((x, y) => y[1] - x[1]).slice(0, 6);
  const towns = townsOf(b, region).sort((x, y) => (b.calls.byTown[y] ?? 0) - (b.calls.byTown[x] ?? 0));
  void px;
  return (
    <div className="bp-grid hotspots">
      <Box title={t.mapLegend} def="per10kByGrid" className="map-box">
        <BriefingMap region={region} values={b.calls.per10k.byGrid} townCode={b.region.kind === 'town' ? b.region.code : null} width={1060} height={830} />
      </Box>
      <div className="bp-col">
        <Box title={t.topGridsByCalls} def="callsByGrid">
          <table className="bt"><tbody>
            {byCalls.map(([g, n]) => <tr key={g}><td>{region.gridName.get(g) ?? g}</td><td className="num">{fmt(n)}</td></tr>)}
          </tbody></table>
        </Box>
        <Box title={t.topGridsByRate} def="per10kByGrid">
          <table className="bt"><tbody>
            {byRate.map(([g, n]) => <tr key={g}><td>{region.gridName.get(g) ?? g}</td><td className="num">{rate(n)}</td></tr>)}
          </tbody></table>
        </Box>
        <Box title={t.towns} def="per10kByTown">
          <table className="bt"><thead><tr><th>{t.town}</th><th>{t.calls}</th><th>{t.per10k}</th></tr></thead><tbody>
            {towns.slice(0, 8).map((c) => <tr key={c}><td>{townName(region, c)}</td><td className="num">{fmt(b.calls.byTown[c] ?? 0)}</td><td className="num">{rate(b.calls.per10k.byTown[c])}</td></tr>)}
          </tbody></table>
        </Box>
      </div>
    </div>
  );
}

/** 3. 分类警情: the monthly bulletin's set, this period against the last, with the 8-period trend. */
export function Categories({ b, px }: PageProps) {
  const n = b.bulletin.periods.length;
  const labels = b.bulletin.periods.map((p) => p.from.slice(5, 10));
  const option = useMemo(() => ({
    animation: false,
    grid: { left: 50, right: 30, top: 60, bottom: 40 },
    legend: { data: BULLETIN_KEYS.map((k) => t.bulletinKey[k]), textStyle: { color: textDim, fontSize: 16 }, top: 0 },
    xAxis: { type: 'category', data: labels, axisLabel: { color: textDim, fontSize: 16 } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: textDim, fontSize: 16 }, splitLine: { lineStyle: { color: 'rgba(60,100,170,0.25)' } } },
    series: BULLETIN_KEYS.map((k) => ({ name: t.bulletinKey[k], type: 'line', data: b.bulletin.series[k], symbolSize: 6 })),
  }), [b, labels]);
  return (
    <div className="bp-grid categories">
      <Box title={t.bulletin} def="bulletinSeries">
        <table className="bt"><thead><tr><th /><th>{t.current}</th><th>{t.previous}</th><th>{t.per10k}<Def k="bulletinPer10k" /></th></tr></thead><tbody>
          {BULLETIN_KEYS.map((k) => {
            const s = b.bulletin.series[k] ?? [];
            return <tr key={k} data-testid={`bulletin-${k}`}><td>{t.bulletinKey[k]}</td><td className="num">{fmt(s[n - 1] ?? 0)}</td><td className="num">{fmt(s[n - 2] ?? 0)}</td><td className="num">{rate(b.bulletin.per10k[k])}</td></tr>;
          })}
        </tbody></table>
      </Box>
      <Box title={t.bulletinTrend} def="bulletinPeriods">
        <EChart option={option} width={1100} height={860} pixelRatio={px} />
      </Box>
    </div>
  );
}

/** 4. 矛盾纠纷: identified, resolved, 化解率, the level of resolution, overdue, by town. */
export function Disputes({ b, region, px }: PageProps) {
  const d = b.disputes;
  const lv = d.resolvedAtLevel;
  const share = (n: number) => (d.resolved > 0 ? n / d.resolved : null);
  return (
    <div className="bp-grid disputes">
      <Box title={t.disputesIdentified} def="disputesIdentified"><Kpi value={fmt(d.identified)} unit={t.unitCases} testId="fig-disputes-identified" /></Box>
      <Box title={t.disputesResolved} def="disputesResolved"><Kpi value={fmt(d.resolved)} unit={t.unitCases} testId="fig-disputes-resolved" /></Box>
      <Box title={t.resolutionRate} def="disputesRate"><Kpi value={pct(d.resolutionRate)} testId="fig-disputes-rate" /></Box>
      <Box title={t.disputesOverdue} def="disputesOverdue"><Kpi value={fmt(d.overdue)} unit={t.unitCases} testId="fig-disputes-overdue" /></Box>
      <Box title={t.resolvedAtLevel} def="disputesAtLevel" className="half">
        {bars(CASE_LEVELS.map((l) => strings.caseLevel[l]), CASE_LEVELS.map((l) => lv[l]), 860, 300, px)}
        <div className="kpi-sub">{t.withinVillage} <b>{pct(share(lv.grid + lv.village))}</b>　{t.withinTown} <b>{pct(share(lv.grid + lv.village + lv.town))}</b>　{t.escalatedCounty} <b>{pct(share(lv.county))}</b></div>
      </Box>
      <Box title={t.byTown} def="disputesByTown" className="half">
        <table className="bt"><thead><tr><th>{t.town}</th><th>{t.disputesIdentified}</th><th>{t.disputesResolved}</th><th>{t.resolutionRate}</th><th>{t.disputesOverdue}</th></tr></thead><tbody>
          {townsOf(b, region).map((c) => { const x = d.byTown[c]; return x && <tr key={c}><td>{townName(region, c)}</td><td className="num">{x.identified}</td><td className="num">{x.resolved}</td><td className="num">{pct(x.resolutionRate)}</td><td className="num">{x.overdue}</td></tr>; })}
        </tbody></table>
      </Box>
    </div>
  );
}

function PTable({ rows, name }: { rows: Array<[string, { toDispatchS: BriefingPercentiles; toArriveS: BriefingPercentiles }]>; name: string }) {
  return (
    <table className="bt"><thead><tr><th>{name}</th><th>{t.count}</th><th>{t.toDispatch} {t.p50}</th><th>{t.p90}</th><th>{t.toArrive} {t.p50}</th><th>{t.p90}</th></tr></thead><tbody>
      {rows.map(([k, v]) => <tr key={k}><td>{k}</td><td className="num">{v.toDispatchS.n}</td><td className="num">{t.seconds(v.toDispatchS.p50)}</td><td className="num">{t.seconds(v.toDispatchS.p90)}</td><td className="num">{t.seconds(v.toArriveS.p50)}</td><td className="num">{t.seconds(v.toArriveS.p90)}</td></tr>)}
    </tbody></table>
  );
}

/** 5. 接处警效率: exact p50 and p90 to dispatch and to arrive, by town and by unit kind. */
export function Dispatch({ b, region }: PageProps) {
  const x = b.dispatch;
  return (
    <div className="bp-grid dispatch-page">
      <Box title={`${t.toDispatch} · ${t.p50}`} def="toDispatch"><Kpi value={t.seconds(x.toDispatchS.p50)} testId="fig-dispatch-p50" /></Box>
      <Box title={`${t.toDispatch} · ${t.p90}`} def="toDispatch"><Kpi value={t.seconds(x.toDispatchS.p90)} testId="fig-dispatch-p90" /></Box>
      <Box title={`${t.toArrive} · ${t.p50}`} def="toArrive"><Kpi value={t.seconds(x.toArriveS.p50)} testId="fig-arrive-p50" /></Box>
      <Box title={`${t.toArrive} · ${t.p90}`} def="toArrive"><Kpi value={t.seconds(x.toArriveS.p90)} testId="fig-arrive-p90" /></Box>
      <Box title={t.byTown} def="dispatchByTown" className="half">
        <PTable name={t.town} rows={Object.entries(x.byTown).map(([k, v]) => [townName(region, k), v])} />
      </Box>
      <Box title={t.byUnitKind} def="dispatchByUnitKind" className="half">
        <PTable name={t.byUnitKind} rows={Object.entries(x.byUnitKind).map(([k, v]) => [t.unitKind[k] ?? k, v])} />
      </Box>
    </div>
  );
}

/** 6. 预警处置: raised, acknowledged, time to acknowledge, by rule. */
export function Warnings({ b, px }: PageProps) {
  const rules = Object.entries(b.warnings.byRule).sort((x, y) => y[1].raised - x[1].raised);
  const raised = rules.reduce((a, [, r]) => a + r.raised, 0);
  const acked = rules.reduce((a, [, r]) => a + r.acknowledged, 0);
  return (
    <div className="bp-grid warnings-page">
      <Box title={t.raised} def="warningsRaised" className="half"><Kpi value={fmt(raised)} unit={t.unitItems} testId="fig-warnings-raised" /></Box>
      <Box title={t.acknowledged} def="warningsAcknowledged" className="half"><Kpi value={fmt(acked)} unit={t.unitItems} testId="fig-warnings-acked" /></Box>
      <Box title={t.warningsByRule} def="warningsByRule" className="half">
        {rules.length === 0 ? <div className="empty">{t.none}</div> : bars(rules.map(([k]) => t.rule[k] ?? k), rules.map(([, r]) => r.raised), 860, 560, px)}
      </Box>
      <Box title={t.toAcknowledge} def="warningsToAck" className="half">
        <table className="bt"><thead><tr><th /><th>{t.raised}</th><th>{t.acknowledged}</th><th>{t.p50}</th><th>{t.p90}</th></tr></thead><tbody>
          {rules.map(([k, r]) => <tr key={k}><td>{t.rule[k] ?? k}</td><td className="num">{r.raised}</td><td className="num">{r.acknowledged}</td><td className="num">{t.seconds(r.toAcknowledgeS.p50)}</td><td className="num">{t.seconds(r.toAcknowledgeS.p90)}</td></tr>)}
        </tbody></table>
      </Box>
    </div>
  );
}

/** 7. 视频监控: online rate by town, alerts by type. */
export function Cameras({ b, region, px }: PageProps) {
  const towns = townsOf(b, region);
  const types = Object.entries(b.cameras.alertsByType).sort((x, y) => y[1] - x[1]);
  return (
    <div className="bp-grid cameras-page">
      <Box title={t.onlineCounty} def="cameraOnlineCounty" className="half"><Kpi value={pct(b.cameras.onlineRate.county)} testId="fig-camera-online" /></Box>
      <Box title={t.alertsByType} def="cameraAlertsByType" className="half tall">
        {types.length === 0 ? <div className="empty">{t.none}</div> : bars(types.map(([k]) => strings.alertType[k as keyof typeof strings.alertType] ?? k), types.map(([, v]) => v), 860, 760, px)}
      </Box>
      <Box title={t.onlineByTown} def="cameraOnlineByTown" className="half">
        {bars(towns.map((c) => townName(region, c)), towns.map((c) => Math.round((b.cameras.onlineRate.byTown[c] ?? 0) * 1000) / 10), 860, 560, px, true, (v) => `${v}%`)}
      </Box>
    </div>
  );
}

export const PAGES = [Overview, HotSpots, Categories, Disputes, Dispatch, Warnings, Cameras];
