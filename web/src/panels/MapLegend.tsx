/**
 * The map's legend, under it: what every colour on the map means, read from the same theme
 * the layers draw with (web/src/wall/theme.ts), so a legend can never disagree with its layer.
 * Only layers on screen are explained; the heat ramp carries its numbers, unit and window.
 */
import { strings } from '@watchfloor/config/strings';
import { UNIT_STATUSES } from '@watchfloor/config/contracts';
import type { HeatSpec } from '@watchfloor/config/wall';
import { CAMERA, PRIORITY, RISK, UNIT, heat, rgbCss, type RGBA } from '../wall/theme';

const L = strings.map.legend;

function Swatch({ c, ring = false }: { c: RGBA; ring?: boolean }) {
  return <span className={`swatch${ring ? ' ring' : ''}`} style={ring ? { borderColor: rgbCss(c) } : { background: rgbCss(c) }} />;
}

function Group({ title, id, items }: { title: string; id: string; items: { c: RGBA; label: string; ring?: boolean }[] }) {
  return (
    <div className="legend-group" data-legend={id}>
      <span className="legend-title">{title}</span>
      {items.map((i) => <span key={i.label} className="legend-item"><Swatch c={i.c} ring={i.ring} />{i.label}</span>)}
    </div>
  );
}

/** Round the ramp's top to a figure a room reads at a glance. */
function niceMax(max: number, rate: boolean): number {
  if (!(max > 0)) return rate ? 1 : 1;
  if (rate) return max >= 10 ? Math.ceil(max) : Math.ceil(max * 10) / 10;
  return Math.ceil(max);
}

export default function MapLegend({ layers, heatSpec, heatMax }: { layers: ReadonlySet<string>; heatSpec: HeatSpec; heatMax: number }) {
  // Unit statuses drawn in one colour are one entry (已派出 and 在途 share theirs).
  const units: { c: RGBA; label: string }[] = [];
  for (const st of UNIT_STATUSES) {
    const same = units.find((u) => u.c.join() === UNIT[st].join());
    if (same) same.label += ` / ${strings.unitStatus[st]}`;
    else units.push({ c: UNIT[st], label: strings.unitStatus[st] });
  }
  const rate = heatSpec.metric === 'rate';
  const top = niceMax(heatMax, rate);
  const ramp = Array.from({ length: 9 }, (_, i) => rgbCss(heat(i === 0 ? 0.0001 : (top * i) / 8, top))).join(', ');
  const fmt = (v: number) => (rate && top < 10 ? v.toFixed(1) : String(Math.round(v)));
  return (
    <div className="map-legend" data-testid="map-legend">
      {layers.has('grid-heat') && (
        <div className="legend-group heat" data-legend="grid-heat" data-heat-max={top}>
          <span className="legend-title">{L.heat(strings.map.heatLabel(heatSpec.source, heatSpec.window), L.heatUnit(heatSpec.source, rate))}</span>
          <span className="num">0</span>
          <span className="ramp" style={{ background: `linear-gradient(90deg, ${ramp})` }} />
          <span className="num">{fmt(top)}</span>
        </div>
      )}
      {layers.has('incidents') && <Group id="incidents" title={L.incidents} items={[1, 2, 3].map((p) => ({ c: PRIORITY[p]!, label: strings.priority(p) }))} />}
      {layers.has('incident-pulse') && <Group id="incident-pulse" title={L.pulse} items={[{ c: PRIORITY[1]!, label: strings.map.pulse, ring: true }]} />}
      {layers.has('units') && <Group id="units" title={L.units} items={units} />}
      {layers.has('cameras') && <Group id="cameras" title={L.cameras} items={(['online', 'alerting', 'offline'] as const).map((k) => ({ c: CAMERA[k], label: L.cameraState[k] }))} />}
      {layers.has('warning-outlines') && <Group id="warning-outlines" title={L.warnings} items={(['red', 'yellow'] as const).map((k) => ({ c: RISK[k], label: L.warningColour[k], ring: true }))} />}
    </div>
  );
}
