import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { currentOwner, ownerState } from './run-owner.js';

describe('ownerState', () => {
  it('knows this process alive and a finished one gone', () => {
    expect(ownerState(currentOwner())).toBe('alive');
    const finished = spawnSync(process.execPath, ['-e', '0']);
    expect(finished.status).toBe(0);
    expect(ownerState(`${os.hostname()}:${finished.pid}`)).toBe('gone');
  });

  it('cannot tell for another machine, an unrecorded owner or a malformed one', () => {
    expect(ownerState(`not-${os.hostname()}:${process.pid}`)).toBe('unknown');
    expect(ownerState(null)).toBe('unknown');
    expect(ownerState(`${os.hostname()}:`)).toBe('unknown');
    expect(ownerState(`${os.hostname()}:-3`)).toBe('unknown');
    expect(ownerState(String(process.pid))).toBe('unknown');
  });
});
