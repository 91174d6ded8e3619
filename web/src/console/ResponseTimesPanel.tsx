/** p50/p90 response times, today and this week (exact, from GET /api/incidents/response-times); — where there is none. */
import type { Percentiles, ResponseTimes } from '@watchfloor/config/dispatch';
import { strings } from '@watchfloor/config/strings';

const t = strings.console;
const MEASURES = [['toDispatch', t.toDispatch], ['toArrive', t.toArrive], ['onScene', t.onScene]] as const;

const fmt = (s: number | null | undefined) => (s === null || s === undefined ? t.none : t.duration(s));

function Cell({ p, testId }: { p: Percentiles | undefined; testId: string }) {
  return (
    <td className="num" data-testid={testId} data-n={p?.n ?? ''}>
      {fmt(p?.p50S)} <span className="dim">/</span> {fmt(p?.p90S)}
    </td>
  );
}

export default function ResponseTimesPanel({ times }: { times: ResponseTimes | null }) {
  return (
    <section className="cpanel response-times" data-testid="response-times" data-available={times !== null}>
      <h2 title={t.responseTimesDefinition}>{t.responseTimes}<span className="dim sub">p50 / p90</span></h2>
      <table>
        <thead><tr><th />{MEASURES.map(([k, label]) => <th key={k}>{label}</th>)}</tr></thead>
        <tbody>
          {(['today', 'week'] as const).map((period) => (
            <tr key={period}>
              <th>{t[period]}{times && <span className="dim n"> {t.count(times[period].toDispatch.n)}</span>}</th>
              {MEASURES.map(([k]) => <Cell key={k} p={times?.[period][k]} testId={`rt-${period}-${k}`} />)}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
