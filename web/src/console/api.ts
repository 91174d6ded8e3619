/**
 * The console's calls to the API, each answer parsed with its wire shape from
 * config/src/dispatch.ts: a server that answers something else is an error here, not a
 * half-drawn card. The session cookie is the credential; writes carry the CSRF token.
 */
import { z } from 'zod';
import { CSRF_HEADER, SessionView } from '@watchfloor/config/auth';
import { AssignConflictBody, IncidentCard, IncidentView, ResponseTimes, Suggestion, type AssignBody } from '@watchfloor/config/dispatch';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const r = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
  if (!r.ok) throw new ApiError(r.status, `${url}: HTTP ${r.status}`);
  return schema.parse(await r.json());
}

/** The signed-in session, or null without one (401). */
export async function fetchSession(): Promise<SessionView | null> {
  const r = await fetch('/api/session', { credentials: 'same-origin', cache: 'no-store' });
  if (r.status === 401) return null;
  if (!r.ok) throw new ApiError(r.status, `session: HTTP ${r.status}`);
  return SessionView.parse(await r.json());
}

export async function signOut(csrf: string): Promise<void> {
  await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: { [CSRF_HEADER]: csrf } });
}

/** Incidents of the last 24 h, all states (the queue picks the unfinished ones). */
export const fetchIncidents = () => getJson('/api/incidents', z.array(IncidentView));

export const fetchSuggestions = (id: string) => getJson(`/api/incidents/${encodeURIComponent(id)}/suggestions`, z.array(Suggestion));

/** The incident's card, or null where the server has no card route yet (404 from an older server). */
export async function fetchCard(id: string): Promise<IncidentCard | null> {
  try {
    return await getJson(`/api/incidents/${encodeURIComponent(id)}`, IncidentCard);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

/** Today's and this week's response times, or null where the server does not offer them yet. */
export async function fetchResponseTimes(): Promise<ResponseTimes | null> {
  try {
    return await getJson('/api/incidents/response-times', ResponseTimes);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export type AssignOutcome =
  | { ok: true; incident: IncidentView }
  | { ok: false; conflict: AssignConflictBody }
  | { ok: false; status: number };

export async function assign(id: string, body: AssignBody, csrf: string): Promise<AssignOutcome> {
  const r = await fetch(`/api/incidents/${encodeURIComponent(id)}/assign`, {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', [CSRF_HEADER]: csrf }, body: JSON.stringify(body),
  });
  if (r.ok) return { ok: true, incident: IncidentView.parse(await r.json()) };
  if (r.status === 409) return { ok: false, conflict: AssignConflictBody.parse(await r.json()) };
  return { ok: false, status: r.status };
}

/** 确认 (ack) or 解除 (resolve) a warning; the answer's status (200, 403, 409…). */
export async function actOnWarning(id: string, action: 'ack' | 'resolve', csrf: string): Promise<number> {
  const r = await fetch(`/api/warnings/${encodeURIComponent(id)}/${action}`, {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', [CSRF_HEADER]: csrf }, body: '{}',
  });
  return r.status;
}
