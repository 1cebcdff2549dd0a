import crypto from 'node:crypto';
import type { Db } from '../data/db/open.js';
import { OsteonError } from '../errors.js';

export type KeyScope = 'predict' | 'admin';
export const KEY_SCOPES: readonly KeyScope[] = ['predict', 'admin'];

/** A stored key, without its secret (only its hash is kept). */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  scope: KeyScope;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string | null;
  scope: KeyScope;
  key_hash: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

/** `ost_<id>_<secret>`: the id finds the row, the 256-bit secret proves the holder. */
const KEY_PATTERN = /^ost_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
/** last_used_at is a hint, not an audit log: write it at most this often per key. */
const LAST_USED_EVERY_MS = 60_000;

const sha256 = (text: string): Buffer => crypto.createHash('sha256').update(text).digest();

function toInfo(row: ApiKeyRow): ApiKeyInfo {
  return { id: row.id, name: row.name, scope: row.scope, createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
}

/**
 * The API keys of a workspace (table api_keys). Keys are random, shown once at creation and stored as their
 * SHA-256; a presented key is checked against its row's hash in constant time.
 */
export class ApiKeyStore {
  private readonly lastWritten = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Makes a key; the returned `key` is the only copy of the secret. */
  create(options: { scope: KeyScope; name?: string | null }): ApiKeyInfo & { key: string } {
    if (!KEY_SCOPES.includes(options.scope)) {
      throw new OsteonError('BAD_OPTION', `The scope must be one of ${KEY_SCOPES.join(', ')}, got "${options.scope}".`);
    }
    const id = crypto.randomBytes(6).toString('hex');
    const key = `ost_${id}_${crypto.randomBytes(32).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    this.db
      .prepare('INSERT INTO api_keys (id, name, scope, key_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, options.name ?? null, options.scope, sha256(key).toString('hex'), createdAt);
    return { id, name: options.name ?? null, scope: options.scope, createdAt, revokedAt: null, lastUsedAt: null, key };
  }

  /** Every key, revoked ones included, oldest first. */
  list(): ApiKeyInfo[] {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as ApiKeyRow[]).map(toInfo);
  }

  /** Revokes a key for good. KEY_NOT_FOUND when there is no such id. Revoking twice keeps the first time. */
  revoke(id: string): ApiKeyInfo {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(id) as ApiKeyRow | undefined;
    if (!row) throw new OsteonError('KEY_NOT_FOUND', `There is no API key "${id}"; list the keys with \`osteon keys list\`.`);
    if (row.revoked_at === null) {
      row.revoked_at = new Date().toISOString();
      this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ?').run(row.revoked_at, id);
    }
    return toInfo(row);
  }

  /** The live key a presented secret belongs to, or null (unknown, malformed or revoked). */
  verify(presented: string): ApiKeyInfo | null {
    const match = KEY_PATTERN.exec(presented);
    if (!match) return null;
    const row = this.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(match[1]) as ApiKeyRow | undefined;
    if (!row || row.revoked_at !== null) return null;
    const stored = Buffer.from(row.key_hash, 'hex');
    const given = sha256(presented);
    if (stored.length !== given.length || !crypto.timingSafeEqual(stored, given)) return null;
    this.touch(row);
    return toInfo(row);
  }

  private touch(row: ApiKeyRow): void {
    const now = Date.now();
    if (now - (this.lastWritten.get(row.id) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastWritten.set(row.id, now);
    row.last_used_at = new Date(now).toISOString();
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(row.last_used_at, row.id);
  }
}
