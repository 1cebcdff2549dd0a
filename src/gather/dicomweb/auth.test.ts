import { describe, expect, it } from 'vitest';
import { authorizationHeader, resolveAuth } from './auth.js';

const url = new URL('http://alice:s%40cret@pacs:8042/dicom-web');
const bare = new URL('http://pacs:8042/dicom-web');

describe('resolveAuth', () => {
  it('takes flags first, then the environment, then the URL', () => {
    const env = { OSTEON_DICOMWEB_USER: 'env-user', OSTEON_DICOMWEB_PASSWORD: 'env-pass' };
    expect(resolveAuth({ token: 't0k' }, url, env)).toEqual({ kind: 'bearer', token: 't0k' });
    expect(resolveAuth({ user: 'bob', password: 'pw' }, url, env)).toEqual({ kind: 'basic', user: 'bob', password: 'pw' });
    expect(resolveAuth({}, url, env)).toEqual({ kind: 'basic', user: 'env-user', password: 'env-pass' });
    expect(resolveAuth({}, url, { OSTEON_DICOMWEB_TOKEN: 'env-token' })).toEqual({ kind: 'bearer', token: 'env-token' });
    expect(resolveAuth({}, url, {})).toEqual({ kind: 'basic', user: 'alice', password: 's@cret' });
    expect(resolveAuth({}, bare, {})).toEqual({ kind: 'none' });
  });

  it('refuses half a credential', () => {
    expect(() => resolveAuth({ user: 'bob' }, bare, {})).toThrow(/--password/);
    expect(() => resolveAuth({ password: 'pw' }, bare, {})).toThrow(/--user/);
  });

  it('writes the Authorization header', () => {
    expect(authorizationHeader({ kind: 'basic', user: 'a', password: 'b' })).toBe(`Basic ${Buffer.from('a:b').toString('base64')}`);
    expect(authorizationHeader({ kind: 'bearer', token: 'x' })).toBe('Bearer x');
    expect(authorizationHeader({ kind: 'none' })).toBeUndefined();
  });
});
