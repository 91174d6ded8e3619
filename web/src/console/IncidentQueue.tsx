/** The queue: unassigned incidents, then those being handled, by priority then wait; the wait ticks with `now`. */
import type { IncidentView } from '@watchfloor/config/dispatch';
import { strings } from '@watchfloor/config/strings';
import type { RegionData } from '../wall/region-data';
import { riskCss } from '../wall/theme';
import { waitClock, type Queue } from './queue';
import { priorityRisk } from './priority';

const t = strings.console;

function Row({ i, now, selected, region, onSelect }: { i: IncidentView; now: number; selected: boolean; region: RegionData | null; onSelect: (id: string) => void }) {
  return (
    <li>
      <button type="button" className={`queue-row${selected ? ' selected' : ''}`} aria-pressed={selected} onClick={() => onSelect(i.id)}
        data-incident-id={i.id} data-state={i.status} data-priority={i.priority}>
        <span className="prio" style={{ background: riskCss(priorityRisk(i.priority)) }}>{strings.priority(i.priority)}</span>
        <span className="cat">{strings.callCategory[i.category]}</span>
        <span className="place">{(i.gridId && region?.gridName.get(i.gridId)) || ''}</span>
        <span className={`chip state-${i.status}`}>{strings.incidentState[i.status]}</span>
        <span className="wait num" title={t.waited} data-testid="wait">{waitClock(now - Date.parse(i.receivedAt))}</span>
      </button>
    </li>
  );
}

export default function IncidentQueue({ queue, now, selectedId, region, onSelect }: { queue: Queue; now: number; selectedId: string | null; region: RegionData | null; onSelect: (id: string) => void }) {
  const section = (title: string, list: IncidentView[], testId: string) => (
    <div className="queue-section" data-testid={testId}>
      <h3>{title}<span className="count num">{list.length}</span></h3>
      <ul>{list.map((i) => <Row key={i.id} i={i} now={now} selected={i.id === selectedId} region={region} onSelect={onSelect} />)}</ul>
    </div>
  );
  return (
    <section className="cpanel queue" data-testid="queue">
      <h2 title={t.queueDefinition}>{t.queue}</h2>
      {queue.unassigned.length + queue.active.length === 0 ? <div className="empty">{t.noIncidents}</div> : (
        <div className="scroll">
          {section(t.unassigned, queue.unassigned, 'queue-unassigned')}
          {section(t.active, queue.active, 'queue-active')}
        </div>
      )}
    </section>
  );
}
