// src/iopf and the PRQ consumer run inside actor steps, so they obey the actor purity rule
// even though `npm run purity` only walks actors/, machines/ and src/machines/.

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPurityFiles } from '../../src/check/purity.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('shared IOPF modules purity', () => {
  it('src/iopf/* and src/queues/prq-consumer.ts use nothing impure', () => {
    const files = [
      ...readdirSync(`${root}src/iopf`)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${root}src/iopf/${f}`),
      `${root}src/queues/prq-consumer.ts`,
    ];
    expect(files.length).toBeGreaterThanOrEqual(4);
    expect(checkPurityFiles(files)).toEqual([]);
  });
});
