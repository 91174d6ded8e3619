/**
 * Third stage: places each event in the region (grid → village → town) and protects
 * caller phones. Pure given the region and the phone key, so it is tested without servers.
 */
import type { AnyEvent, EventOf, RejectionCode } from '@watchfloor/config/contracts';
import { displayId, redactPhones } from '@watchfloor/config/privacy';
import type { GridIndex, Region } from '@watchfloor/config/region';
import type { PhoneProtector } from './privacy';
import type { Placement, StoredRecord } from '../records';

export interface EnrichContext {
  region: Region;
  grids: GridIndex;
  phones: PhoneProtector;
}

export type Enriched = { ok: true; record: StoredRecord } | { ok: false; code: RejectionCode; reason: string };

const OUTSIDE: Placement = { gridId: null, villageCode: null, townCode: null };

function placeByGrid(ctx: EnrichContext, gridId: string): Placement | null {
  const g = ctx.region.gridById.get(gridId);
  return g ? { gridId, villageCode: g.villageCode, townCode: g.townCode } : null;
}

/** Where a point lies; a point outside every grid is still kept (counted under "outside"). */
function placeByPoint(ctx: EnrichContext, lon: number, lat: number): Placement {
  return ctx.grids.locate(lon, lat) ?? OUTSIDE;
}

function enrichCall(ctx: EnrichContext, e: EventOf<'police.calls'>): Enriched {
  let place: Placement;
  if (e.gridId) {
    const p = placeByGrid(ctx, e.gridId);
    if (!p) return { ok: false, code: 'unknown_grid', reason: `gridId: unknown grid ${displayId('grid', e.gridId)}` };
    place = p;
  } else {
    place = placeByPoint(ctx, e.location.lon, e.location.lat);
  }
  const phone = e.callerPhone;
  // The clear number is dropped here: nothing after this stage ever sees it. Numbers a
  // dispatcher typed into the summary or the address are stored masked (still readable).
  const location = e.location.address === undefined ? e.location : { ...e.location, address: redactPhones(e.location.address) };
  const event = { ...e, summary: redactPhones(e.summary), location, callerPhone: undefined };
  return {
    ok: true,
    record: {
      topic: 'police.calls', event, place,
      callerHash: phone ? ctx.phones.hash(phone) : null,
      callerMasked: phone ? ctx.phones.mask(phone) : null,
    },
  };
}

function enrichAlert(ctx: EnrichContext, e: EventOf<'camera.alerts'>): Enriched {
  const cam = ctx.region.cameraById.get(e.cameraId);
  const pos = e.location ?? (cam ? { lon: cam.lon, lat: cam.lat } : null);
  if (!pos) return { ok: false, code: 'unknown_camera', reason: `cameraId: unknown camera ${displayId('camera', e.cameraId)} and no location given` };
  // A registered camera's grid is authoritative; a point lookup only for moved or unknown cameras.
  const place = cam && !e.location ? (placeByGrid(ctx, cam.gridId) ?? placeByPoint(ctx, pos.lon, pos.lat)) : placeByPoint(ctx, pos.lon, pos.lat);
  return { ok: true, record: { topic: 'camera.alerts', event: e, place, lon: pos.lon, lat: pos.lat } };
}

function enrichCase(ctx: EnrichContext, e: EventOf<'case.status'>): Enriched {
  const place = placeByGrid(ctx, e.gridId);
  if (!place) return { ok: false, code: 'unknown_grid', reason: `gridId: unknown grid ${displayId('grid', e.gridId)}` };
  return { ok: true, record: { topic: 'case.status', event: e, place } };
}

export function enrich(ctx: EnrichContext, e: AnyEvent): Enriched {
  switch (e.topic) {
    case 'police.calls': return enrichCall(ctx, e.value);
    case 'camera.alerts': return enrichAlert(ctx, e.value);
    case 'case.status': return enrichCase(ctx, e.value);
    case 'unit.status': return { ok: true, record: { topic: 'unit.status', event: e.value } };
    case 'dispatch.commands': return { ok: true, record: { topic: 'dispatch.commands', event: e.value } };
  }
}
