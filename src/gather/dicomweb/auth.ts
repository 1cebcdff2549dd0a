import { OsteonError } from '../../errors.js';

/** How requests to a DICOMweb server prove who they are. */
export type DicomWebAuth = { kind: 'none' } | { kind: 'basic'; user: string; password: string } | { kind: 'bearer'; token: string };

export interface AuthFlags {
  user?: string;
  password?: string;
  token?: string;
}

/** The environment variables read when no flag gives credentials (keeps secrets out of shell history). */
export const AUTH_ENV = {
  user: 'OSTEON_DICOMWEB_USER',
  password: 'OSTEON_DICOMWEB_PASSWORD',
  token: 'OSTEON_DICOMWEB_TOKEN',
} as const;

/**
 * Credentials from, in order: the flags, the environment (OSTEON_DICOMWEB_TOKEN, OSTEON_DICOMWEB_USER and
 * OSTEON_DICOMWEB_PASSWORD), then the URL's `user:password@`. A token wins over a user and password given
 * at the same level.
 */
export function resolveAuth(flags: AuthFlags, url: URL, env: NodeJS.ProcessEnv = process.env): DicomWebAuth {
  const levels: AuthFlags[] = [
    flags,
    { user: env[AUTH_ENV.user], password: env[AUTH_ENV.password], token: env[AUTH_ENV.token] },
    { user: url.username ? decodeURIComponent(url.username) : undefined, password: url.password ? decodeURIComponent(url.password) : undefined },
  ];
  for (const level of levels) {
    if (level.token) return { kind: 'bearer', token: level.token };
    if (level.user !== undefined && level.user !== '') {
      if (level.password === undefined) {
        throw new OsteonError('DICOMWEB_BAD_AUTH', `A user "${level.user}" was given without a password: add --password (or ${AUTH_ENV.password}).`);
      }
      return { kind: 'basic', user: level.user, password: level.password };
    }
    if (level.password !== undefined && level.password !== '') {
      throw new OsteonError('DICOMWEB_BAD_AUTH', `A password was given without a user: add --user (or ${AUTH_ENV.user}).`);
    }
  }
  return { kind: 'none' };
}

export function authorizationHeader(auth: DicomWebAuth): string | undefined {
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.user}:${auth.password}`, 'utf8').toString('base64')}`;
  if (auth.kind === 'bearer') return `Bearer ${auth.token}`;
  return undefined;
}
