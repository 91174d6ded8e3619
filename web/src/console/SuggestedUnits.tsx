/**
 * Suggested units for the selected incident (GET …/suggestions) and the one action that
 * sends one (POST …/assign with the incident's version). A received incident is assigned
 * (指派); one already dispatched is reassigned only by the explicit 改派, which says so in
 * its body (`reassign: true`). A 409 tells who won and where the incident stands now.
 */
import { useEffect, useState } from 'react';
import { ASSIGNABLE_STATES, REASSIGNABLE_STATES, type AssignConflictBody, type IncidentView, type Suggestion } from '@watchfloor/config/dispatch';
import { strings } from '@watchfloor/config/strings';
import { assign, fetchSuggestions } from './api';

const t = strings.console;

type Message = { kind: 'ok' | 'conflict' | 'error'; text: string };

export function conflictText(c: AssignConflictBody): string {
  const cur = c.current;
  return `${t.conflict[c.error.code]}：${t.conflictWinner(cur.assignedBy, cur.assignedUnitId, strings.incidentState[cur.status])}`;
}

interface Props {
  incident: IncidentView;
  csrf: string;
  canDispatch: boolean;
  /** The incident as the server answered (after a success or a conflict). */
  onChanged: (i: IncidentView) => void;
}

export default function SuggestedUnits({ incident, csrf, canDispatch, onChanged }: Props) {
  const [units, setUnits] = useState<Suggestion[] | null>(null);
  const [instruction, setInstruction] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  useEffect(() => { setMessage(null); setInstruction(''); }, [incident.id]);
  useEffect(() => {
    let cancelled = false;
    fetchSuggestions(incident.id).then((s) => { if (!cancelled) setUnits(s); }, () => { if (!cancelled) setUnits([]); });
    return () => { cancelled = true; };
  }, [incident.id, incident.version, incident.status]);

  const assignable = ASSIGNABLE_STATES.has(incident.status);
  const reassignable = REASSIGNABLE_STATES.has(incident.status);

  async function send(unitId: string) {
    setBusy(true);
    setMessage(null);
    try {
      const text = instruction.trim();
      const out = await assign(incident.id, {
        unitId, expectedVersion: incident.version, ...(text ? { instruction: text } : {}), ...(reassignable ? { reassign: true } : {}),
      }, csrf);
      if (out.ok) {
        setMessage({ kind: 'ok', text: t.assigned(unitId) });
        setInstruction('');
        onChanged(out.incident);
      } else if ('conflict' in out) {
        setMessage({ kind: 'conflict', text: conflictText(out.conflict) });
        onChanged(out.conflict.current);
      } else {
        setMessage({ kind: 'error', text: out.status === 403 ? t.forbidden : t.failed });
      }
    } catch {
      setMessage({ kind: 'error', text: t.failed });
    } finally {
      setBusy(false);
    }
  }

  const action = assignable ? t.assign : reassignable ? t.reassign : null;
  return (
    <section className="cpanel suggestions" data-testid="suggestions">
      <h2 title={t.suggestionsDefinition}>{t.suggestions}</h2>
      {message && (
        <div className={`assign-message ${message.kind}`} role={message.kind === 'ok' ? 'status' : 'alert'}
          data-testid={message.kind === 'ok' ? 'assign-ok' : message.kind === 'conflict' ? 'assign-conflict' : 'assign-error'}>{message.text}</div>
      )}
      {canDispatch && action && (
        <label className="instruction">{t.instruction}
          <input value={instruction} maxLength={2000} placeholder={t.instructionPlaceholder} onChange={(e) => setInstruction(e.target.value)} data-testid="instruction" />
        </label>
      )}
      {reassignable && canDispatch && <div className="dim hint">{t.reassignHint}</div>}
      {!action && <div className="dim hint">{t.notAssignable}</div>}
      {units === null ? null : units.length === 0 ? <div className="empty">{t.noSuggestions}</div> : (
        <table className="units">
          <thead><tr><th>{t.unit}</th><th>{t.kind}</th><th>{t.distance}</th><th>{t.eta}</th><th>{t.loadToday}</th><th>{t.reasonHeader}</th><th /></tr></thead>
          <tbody>
            {units.map((u) => (
              <tr key={u.unitId} data-unit-id={u.unitId} data-stale={u.stale}>
                <td><b>{u.unitId}</b><div className="dim">{strings.unitStatus[u.status]}</div></td>
                <td>{u.kind ? t.unitKind[u.kind] : t.unknownKind}</td>
                <td className="num">{t.km(u.distanceM)}</td>
                <td className="num">{t.minutes(u.etaS)}</td>
                <td className="num">{t.loadTimes(u.loadToday)}</td>
                <td className="why">{u.stale && <span className="stale">{t.stale}</span>}{t.reason[u.reason]}</td>
                <td className="act">
                  {canDispatch && action && <button type="button" disabled={busy} onClick={() => void send(u.unitId)} data-testid="assign">{busy ? t.assigning : action}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
