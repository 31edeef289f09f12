// The model check shared by the id-keyed tables' tests (DirectMap, OrderedIdMap): random
// set/delete/get over a pool of ids, each answer compared with a Map's; `each` adds a table's
// own comparisons (iteration order) after every operation. Returns the model and how many
// operations ran with more than 16 ids held, so a test can insist that collisions were reached.
import { expect } from 'vitest';
import type { Rng } from '../../src/util/rng.ts';

export interface IdTable {
  readonly size: number;
  get(id: number): number | undefined;
  has(id: number): boolean;
  set(id: number, value: number): void;
  delete(id: number): boolean;
}

export function matchAgainstMap<T extends IdTable>(
  d: T,
  rng: Rng,
  pool: readonly number[],
  ops: number,
  each?: (d: T, m: Map<number, number>, i: number) => void,
): { crowded: number; model: Map<number, number> } {
  const m = new Map<number, number>();
  let crowded = 0;
  for (let i = 0; i < ops; i++) {
    const id = pool[rng.int(pool.length)]!;
    const op = rng.int(3);
    if (op === 0) {
      d.set(id, i);
      m.set(id, i);
    } else if (op === 1) expect(d.delete(id)).toBe(m.delete(id));
    expect(d.get(id)).toBe(m.get(id));
    expect(d.has(id)).toBe(m.has(id));
    expect(d.size).toBe(m.size);
    each?.(d, m, i);
    if (d.size > 16) crowded++;
  }
  return { crowded, model: m };
}
