import { describe, expect, it } from 'vitest';
import { spawnWorker } from '../src/runtime/spawn-worker.ts';

describe('spawnWorker', () => {
  it('starts a real worker from a TypeScript entry', async () => {
    const w = spawnWorker(new URL('./fixtures/echo.worker.ts', import.meta.url), { x: 21 });
    const msg = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    expect(msg).toEqual({ doubled: 42 });
    await w.terminate();
  });
});
