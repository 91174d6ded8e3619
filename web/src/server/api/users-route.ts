/**
 * People's accounts (admin only; every change is audited and ends the user's sessions):
 *   GET    /api/users                    → [{ name, role, disabled, createdAt }]
 *   POST   /api/users  { name, role, password }   → 201 (409 when the name is taken)
 *   PATCH  /api/users/<name>  { role } | { password } | { disabled }
 *   DELETE /api/users/<name>/sessions    → { revoked }: signs the user out everywhere
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ADMINS, Password, UserRole, Username } from '@watchfloor/config/auth';
import { addUser, revokeSessions, updateUser, type Actor } from '@watchfloor/ingest/auth/accounts';
import { listUsers, type UserRow } from '@watchfloor/ingest/store/users';
import { ready, type ApiContext } from './context';
import { HttpError, requireRole } from './http';

const view = (u: UserRow) => ({ name: u.name, role: u.role, disabled: u.disabled, createdAt: u.createdAt });
const Change = z.union([z.object({ role: UserRole }).strict(), z.object({ password: Password }).strict(), z.object({ disabled: z.boolean() }).strict()]);
const actor = (req: FastifyRequest): Actor => ({ name: req.caller?.name ?? 'unknown', ip: req.ip });

export function usersRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const onRequest = requireRole(ADMINS, ctx.settings);
  api.get('/api/users', { onRequest }, async (_req, reply) => reply.header('cache-control', 'no-store').send((await listUsers(ready(ctx).db)).map(view)));

  api.post('/api/users', { onRequest, bodyLimit: 16 * 1024, schema: { body: z.object({ name: Username, role: UserRole, password: Password }) } }, async (req, reply) => {
    const row = await addUser(ready(ctx).db, actor(req), req.body);
    if (!row) throw new HttpError(409, `a user named ${req.body.name} exists`);
    return reply.code(201).header('cache-control', 'no-store').send(view(row));
  });

  api.patch('/api/users/:name', { onRequest, bodyLimit: 16 * 1024, schema: { params: z.object({ name: z.string().min(1).max(64) }), body: Change } }, async (req, reply) => {
    const row = await updateUser(ready(ctx).db, actor(req), req.params.name, req.body);
    if (!row) throw new HttpError(404, `no user ${req.params.name}`);
    ctx.onSessionsChanged?.();
    return reply.header('cache-control', 'no-store').send(view(row));
  });

  api.delete('/api/users/:name/sessions', { onRequest, schema: { params: z.object({ name: z.string().min(1).max(64) }) } }, async (req, reply) => {
    const n = await revokeSessions(ready(ctx).db, actor(req), req.params.name);
    if (n === null) throw new HttpError(404, `no user ${req.params.name}`);
    ctx.onSessionsChanged?.();
    return reply.header('cache-control', 'no-store').send({ revoked: n });
  });
}
