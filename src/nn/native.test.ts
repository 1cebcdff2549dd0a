import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

it('explains how to build the engine when the addon or libtorch is missing', async () => {
  const script = "import('./src/nn/native.ts').then((m) => m.loadNative()).catch((e) => console.log(JSON.stringify({ code: e.code, message: e.message })))";
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', script], {
    env: { ...process.env, OSTEON_NATIVE_ADDON: '/nonexistent/osteon_native.node' },
  });
  const error = JSON.parse(stdout);
  expect(error.code).toBe('NATIVE_ENGINE_MISSING');
  expect(error.message).toMatch(/Run scripts\/setup\.sh, which installs libtorch-dev/);
});
