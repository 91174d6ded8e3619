/** Valid events for tests, placed in the real Tongguan region; override any field. */
import type { EventOf } from '@watchfloor/config/contracts';
import { tongguan } from './region';

let n = 0;
export const uid = (p: string) => `${p}-${process.pid}-${Date.now().toString(36)}-${(n++).toString(36)}`;

export function someGrid(i = 0) {
  const f = tongguan().grids.features[i % tongguan().grids.features.length]!;
  // A point surely inside: a vertex-average can fall outside a concave cell, so use a camera of the grid when there is one.
  const cam = tongguan().cameras.find((c) => c.gridId === f.properties.code);
  return { props: f.properties, point: cam ? { lon: cam.lon, lat: cam.lat } : null };
}

export function call(over: Partial<EventOf<'police.calls'>> = {}): EventOf<'police.calls'> {
  const g = someGrid(3);
  return {
    id: uid('C'), receivedAt: '2026-11-20T10:15:00+08:00', category: 'traffic', priority: 2,
    summary: '报警人称路口两车相撞，无人员伤亡', location: { lon: g.point!.lon, lat: g.point!.lat, address: '城关街道某路12号' },
    callerPhone: '13812341234', source: 'phone', ...over,
  };
}

export function alert(over: Partial<EventOf<'camera.alerts'>> = {}): EventOf<'camera.alerts'> {
  const cam = tongguan().cameras[5]!;
  return { id: uid('A'), cameraId: cam.id, occurredAt: '2026-11-20T11:00:00+08:00', type: 'crowd', confidence: 0.9, ...over };
}

export function caseChange(over: Partial<EventOf<'case.status'>> = {}): EventOf<'case.status'> {
  return {
    caseId: uid('MD'), changedAt: '2026-11-20T09:00:00+08:00', kind: 'dispute', category: 'neighbor', status: 'registered',
    level: 'grid', risk: 'blue', gridId: someGrid(7).props.code, ...over,
  };
}

export function unitStatus(over: Partial<EventOf<'unit.status'>> = {}): EventOf<'unit.status'> {
  const u = tongguan().units[0]!;
  return { unitId: u.id, at: '2026-11-20T10:20:00+08:00', status: 'en_route', position: { lon: u.lon, lat: u.lat }, ...over };
}

export function dispatch(over: Partial<EventOf<'dispatch.commands'>> = {}): EventOf<'dispatch.commands'> {
  return { id: uid('D'), incidentId: uid('C'), unitId: tongguan().units[0]!.id, by: 'duty-1', at: '2026-11-20T10:17:00+08:00', ...over };
}
