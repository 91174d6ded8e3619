/**
 * The selected incident's card: what it is, where, who called (masked), what happened so far,
 * what belongs with it (fusion) and the 民转刑 flag. From GET /api/incidents/<id> when the
 * server has it; otherwise what the incident list carries, and it says so.
 */
import type { IncidentCard, IncidentView } from '@watchfloor/config/dispatch';
import { strings } from '@watchfloor/config/strings';
import type { RegionData } from '../wall/region-data';
import { clock, dayHourMinute } from '../wall/zoned-format';
import { priorityRisk } from './priority';

const t = strings.console;

function Fusion({ title, testId, items }: { title: string; testId: string; items: { key: string; text: string }[] }) {
  return (
    <div className="fusion-list" data-testid={testId} data-count={items.length}>
      <h4>{title}<span className="count num">{items.length}</span></h4>
      {items.length === 0 ? <div className="dim">{t.fusionNone}</div> : <ul>{items.map((x) => <li key={x.key}>{x.text}</li>)}</ul>}
    </div>
  );
}

export default function IncidentCardView({ incident, card, region, tz }: { incident: IncidentView; card: IncidentCard | null; region: RegionData | null; tz: string }) {
  const detail = card?.incident;
  const place = [incident.gridId ? region?.gridName.get(incident.gridId) : null, detail?.address].filter(Boolean).join(' · ');
  const when = (iso: string) => dayHourMinute(Date.parse(iso), tz);
  return (
    <section className="cpanel card" data-testid="incident-card" data-incident-id={incident.id} data-state={incident.status} data-version={incident.version}>
      <h2>{t.card}</h2>
      {card?.criminalRisk.flagged && (
        <div className="criminal-risk" role="alert" data-testid="criminal-risk"><b>{t.criminalRisk}</b>{t.criminalRiskDetail}</div>
      )}
      <dl className="facts">
        <dt>{t.category}</dt><dd>{strings.callCategory[incident.category]}</dd>
        <dt>{t.priority}</dt><dd className={`prio-text ${priorityRisk(incident.priority)}`}>{strings.priority(incident.priority)}</dd>
        <dt>{t.state}</dt>
        <dd><span className={`chip state-${incident.status}`} data-testid="card-state">{strings.incidentState[incident.status]}</span>
          {incident.assignedUnitId && <span className="assigned">{t.assignedTo(incident.assignedUnitId, incident.assignedBy)}</span>}</dd>
        <dt>{t.receivedAt}</dt><dd className="num">{clock(Date.parse(incident.receivedAt), tz)}</dd>
        <dt>{t.location}</dt><dd>{place || `${incident.lon.toFixed(5)}, ${incident.lat.toFixed(5)}`}</dd>
        {detail && <><dt>{t.caller}</dt><dd className="num">{detail.callerMasked ?? t.noCaller}</dd></>}
      </dl>
      {detail ? <p className="summary" data-testid="card-summary"><span className="dim">{t.summary}：</span>{detail.summary}</p> : <p className="dim">{t.cardPartial}</p>}
      {card && (
        <>
          <h3>{t.timeline}</h3>
          <ol className="timeline" data-testid="timeline">
            {card.timeline.map((e, k) => (
              <li key={k}><span className="num">{clock(Date.parse(e.at), tz)}</span> {t.timelineKind[e.kind]}
                {e.unitId && ` ${e.unitId}`}{e.status && ` ${strings.unitStatus[e.status]}`}{e.by && `（${e.by}）`}</li>
            ))}
          </ol>
          <h3>{t.fusion}</h3>
          <div className="fusion">
            <Fusion title={t.fusionAlerts} testId="fusion-alerts" items={card.fusion.alerts.map((a) => ({ key: a.id, text: `${when(a.occurredAt)} ${strings.alertType[a.type]} ${t.metres(a.distanceM)}` }))} />
            <Fusion title={t.fusionCases} testId="fusion-cases" items={card.fusion.cases.map((c) => ({ key: c.caseId, text: `${c.caseId} ${strings.caseStatus[c.status]} ${strings.risk[c.risk]}${c.distanceM !== null ? ` ${t.metres(c.distanceM)}` : ''}` }))} />
            <Fusion title={t.fusionSameCaller} testId="fusion-same-caller" items={card.fusion.sameCaller.map((c) => ({ key: c.id, text: `${when(c.receivedAt)} ${strings.callCategory[c.category]} ${t.metres(c.distanceM)}` }))} />
            <Fusion title={t.fusionSamePlace} testId="fusion-same-place" items={card.fusion.samePlace.map((c) => ({ key: c.id, text: `${when(c.receivedAt)} ${strings.callCategory[c.category]} ${t.metres(c.distanceM)}` }))} />
          </div>
        </>
      )}
    </section>
  );
}
