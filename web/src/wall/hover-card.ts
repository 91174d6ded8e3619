/**
 * What the wall's map hover card says about an incident, a unit or a camera: what it is, its
 * status and since when — nothing personal (no caller, address or summary reaches the wall).
 * Pure, so the map only picks and this only words.
 */
import { strings } from '@watchfloor/config/strings';
import type { WallCall, WallState, WallUnit } from '@watchfloor/config/wall';
import { dayHourMinute, hourMinute } from './zoned-format';

const DAY = 86_400_000;

/** 14:05 today, 11/20 14:05 on another day. */
function when(t: number, now: number, dayStart: number, tz: string): string {
  return t >= dayStart && t < dayStart + DAY && now >= dayStart ? hourMinute(t, tz) : dayHourMinute(t, tz);
}

export function incidentCard(c: WallCall, s: WallState, tz: string): string[] {
  const at = when(c.t, s.at, s.figures.dayStart, tz);
  return [`${strings.map.hover.incident} · ${strings.callCategory[c.category]} · ${strings.priority(c.priority)}`, strings.incidentState[c.state], strings.map.hover.received(at)];
}

export function unitCard(u: WallUnit & { id: string }, s: WallState, tz: string): string[] {
  return [`${strings.map.hover.unit} ${u.id}`, strings.unitStatus[u.status], strings.map.hover.since(when(u.t, s.at, s.figures.dayStart, tz))];
}

export function cameraCard(cameraId: string, s: WallState, tz: string): string[] {
  const h = strings.map.hover;
  const offlineAt = s.offlineCameras[cameraId];
  if (offlineAt !== undefined) return [`${h.camera} ${cameraId}`, strings.map.legend.cameraState.offline, h.since(when(offlineAt, s.at, s.figures.dayStart, tz))];
  const a = s.alerts.find((x) => x.cameraId === cameraId); // newest first
  if (a) return [`${h.camera} ${cameraId}`, strings.map.legend.cameraState.alerting, h.alertAt(strings.alertType[a.type], when(a.t, s.at, s.figures.dayStart, tz))];
  return [`${h.camera} ${cameraId}`, strings.map.legend.cameraState.online];
}
