'use client';
/**
 * The dispatch console on a desktop beside the wall: the queue and the warnings on the left,
 * the wall's map (with selection) in the middle, the selected incident's card, its suggested
 * units and the response times on the right. The live state comes over the wall's socket
 * (the session cookie is the credential); what only a dispatcher may see comes from the API.
 * `data-ready` on the root turns true once the session, the live state and the map's first frame are there.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DISPATCHERS, type SessionView } from '@watchfloor/config/auth';
import { type IncidentCard, type IncidentView, type ResponseTimes } from '@watchfloor/config/dispatch';
import { geometryBBox } from '@watchfloor/config/region/geometry';
import { strings } from '@watchfloor/config/strings';
import type { WallCall, WallWarning } from '@watchfloor/config/wall';
import WallMap, { type FlyTarget } from '../map/WallMap';
import { useRegionData } from '../wall/region-data';
import { useWallFeed } from '../wall/use-wall-feed';
import { fetchCard, fetchResponseTimes, signOut } from './api';
import ConsoleHeader from './ConsoleHeader';
import IncidentCardView from './IncidentCardView';
import IncidentQueue from './IncidentQueue';
import { incidentOf, queueOf, wallCallOf } from './queue';
import ResponseTimesPanel from './ResponseTimesPanel';
import SuggestedUnits from './SuggestedUnits';
import { useIncidents } from './use-incidents';
import { useNow } from './use-now';
import { useSession } from './use-session';
import WarningsList from './WarningsList';

const t = strings.console;
const RESPONSE_TIMES_POLL_MS = 60_000;
/** How close the map comes to a selected incident. */
const INCIDENT_ZOOM = 13;

/** The element's size, followed as it changes; a callback ref, since the element appears only once signed in. */
function useElementSize(): [(el: HTMLElement | null) => void, { width: number; height: number }] {
  const [size, setSize] = useState({ width: 0, height: 0 });
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((el: HTMLElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    observer.current = ro;
  }, []);
  return [ref, size];
}

/** Nothing is asked of the server but the session until there is one: a signed-out visit goes straight on to /login. */
export default function ConsoleScreen({ tz }: { tz: string }) {
  const session = useSession();
  return session ? <SignedIn session={session} tz={tz} /> : <main className="console-checking">{t.checking}</main>;
}

function SignedIn({ session, tz }: { session: SessionView; tz: string }) {
  const region = useRegionData(null);
  const feed = useWallFeed(null, tz);
  const s = feed.state;
  const incidents = useIncidents(s?.incidents ?? null);
  const now = useNow(1000);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [flyTo, setFlyTo] = useState<FlyTarget | null>(null);
  const [card, setCard] = useState<IncidentCard | null>(null);
  const [times, setTimes] = useState<ResponseTimes | null>(null);
  const [mapDrawn, setMapDrawn] = useState(false);
  const [mapRef, mapSize] = useElementSize();
  const flyKey = useRef(0);

  const queue = useMemo(() => queueOf(incidents.list), [incidents.list]);
  const selected = selectedId ? incidents.list.find((i) => i.id === selectedId) ?? null : null;
  const selectedCall = selected && s ? wallCallOf(selected, s.incidents) : undefined;
  const canDispatch = DISPATCHERS.includes(session.user.role);

  const fly = useCallback((target: Omit<FlyTarget, 'key'>) => setFlyTo({ ...target, key: ++flyKey.current } as FlyTarget), []);
  const select = useCallback((i: IncidentView) => {
    setSelectedId(i.id);
    fly({ center: [i.lon, i.lat], minZoom: INCIDENT_ZOOM });
  }, [fly]);
  const onSelectCall = useCallback((c: WallCall) => {
    const i = incidentOf(c, incidents.list);
    if (i) select(i);
    else { setSelectedId(c.id); fly({ center: [c.lon, c.lat], minZoom: INCIDENT_ZOOM }); incidents.refresh(); }
  }, [incidents, select, fly]);
  const onLocateWarning = useCallback((w: WallWarning) => {
    const f = region?.grids.features.find((g) => g.properties.code === w.regionCode) ?? region?.towns.features.find((g) => g.properties.code === w.regionCode);
    if (f) fly({ bbox: geometryBBox(f.geometry) });
  }, [region, fly]);

  // The card follows the incident: a new version or state (assigned, on scene) reads it again.
  useEffect(() => {
    setCard(null);
    if (!selectedId) return;
    let cancelled = false;
    fetchCard(selectedId).then((c) => { if (!cancelled) setCard(c); }, () => undefined);
    return () => { cancelled = true; };
  }, [selectedId, selected?.version, selected?.status]);

  const loadTimes = useCallback(() => { fetchResponseTimes().then(setTimes, () => undefined); }, []);
  useEffect(() => {
    loadTimes();
    const timer = setInterval(loadTimes, RESPONSE_TIMES_POLL_MS);
    return () => clearInterval(timer);
  }, [loadTimes]);

  const onChanged = useCallback((i: IncidentView) => { incidents.merge(i); incidents.refresh(); loadTimes(); }, [incidents, loadTimes]);
  const onFirstFrame = useCallback(() => setMapDrawn(true), []);

  return (
    <div className="console-root" data-testid="console" data-ready={mapDrawn && s !== null && region !== null}>
      <ConsoleHeader session={session} connected={feed.connected} onSignOut={() => { void signOut(session.csrfToken).then(() => window.location.assign('/login')); }} />
      <div className="console-body">
        <aside className="console-left">
          <IncidentQueue queue={queue} now={now} selectedId={selectedId} region={region} onSelect={(id) => { const i = incidents.list.find((x) => x.id === id); if (i) select(i); }} />
          <WarningsList warnings={s?.warnings ?? {}} region={region} tz={tz} canAct={canDispatch} csrf={session.csrfToken} onLocate={onLocateWarning} />
        </aside>
        <main className="console-map" ref={mapRef}>
          {region && s && mapSize.width > 0 && (
            <WallMap region={region} state={s} width={mapSize.width} height={mapSize.height} scale={1} onFirstFrame={onFirstFrame} tz={tz}
              selectedIncidentId={selectedCall?.id ?? null} onSelectIncident={onSelectCall} flyTo={flyTo} exposeAutomation />
          )}
          {!s && <div className="connecting">{strings.wall.connecting}</div>}
        </main>
        <aside className="console-right">
          {selected ? (
            <>
              <IncidentCardView incident={selected} card={card && card.incident.id === selected.id ? card : null} region={region} tz={tz} />
              <SuggestedUnits incident={selected} csrf={session.csrfToken} canDispatch={canDispatch} onChanged={onChanged} />
            </>
          ) : <section className="cpanel card empty-card" data-testid="incident-card-empty"><h2>{t.card}</h2><div className="empty">{t.noSelection}</div></section>}
          <ResponseTimesPanel times={times} />
        </aside>
      </div>
    </div>
  );
}
