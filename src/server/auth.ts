import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OsteonError } from '../errors.js';
import type { ApiKeyInfo, ApiKeyStore } from './api-keys.js';
import type { RateLimiter } from './rate-limit.js';

/** Who may call a route: anyone, a key of any scope, or an admin key. */
export type RouteAccess = 'public' | 'predict' | 'admin';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Default `predict`: a route added without saying needs a key. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The key that authenticated the request; null on public routes and without auth (`--no-auth`). */
    apiKey: ApiKeyInfo | null;
  }
}

export interface AuthOptions {
  /** null: no keys needed (`--no-auth`, loopback only). */
  keys: ApiKeyStore | null;
  rateLimiter: RateLimiter | null;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Checks every request before its body is read: public routes pass; others need `Authorization: Bearer KEY`
 * of a live key, admin routes a key of scope admin; then the key's rate limit applies (by client address
 * without auth). CORS preflights (OPTIONS) carry no credentials and reach no data, so they pass.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access ?? 'predict';
    if (access === 'public' || request.method === 'OPTIONS') return;
    if (options.keys) request.apiKey = authenticate(options.keys, request, access);
    options.rateLimiter?.take(request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`);
  });
}

function authenticate(keys: ApiKeyStore, request: FastifyRequest, access: RouteAccess): ApiKeyInfo {
  const header = request.headers.authorization;
  if (!header) {
    throw new OsteonError('UNAUTHORIZED', 'This route needs an API key as `Authorization: Bearer KEY`; create one with `osteon keys create --scope predict`.');
  }
  const match = BEARER.exec(header);
  const key = match ? keys.verify(match[1] as string) : null;
  if (!key) throw new OsteonError('UNAUTHORIZED', 'The API key is unknown or revoked; create a new one with `osteon keys create`.');
  if (access === 'admin' && key.scope !== 'admin') {
    throw new OsteonError('FORBIDDEN', `This route needs a key of scope admin; key ${key.id} has scope ${key.scope}.`);
  }
  return key;
}
