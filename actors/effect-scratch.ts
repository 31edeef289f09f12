// A spare effects array for a machine step's effectsOut, reused from one step to the next: a
// fresh `[]` per step allocates a 17-slot backing store at its first push, about 170 bytes a
// step (issue 9). take() hands out the spare (a new array while a nested step still holds it);
// give() empties it with pop(), which keeps the backing store (`length = 0` would drop it), and
// keeps it for the next take(). One per module that steps machines; nothing in it outlives a call.
// clearKeepingStore empties any other reused list the same way.

import type { Effect } from '../src/machines/index.ts';

export class EffectScratch {
  private spare: Effect[] | null = [];

  take(): Effect[] {
    const effects = this.spare ?? [];
    this.spare = null;
    return effects;
  }

  give(effects: Effect[]): void {
    clearKeepingStore(effects);
    this.spare = effects;
  }
}

/** Empties a reused list with pop(), which keeps its backing store for the next fill. */
export function clearKeepingStore(list: unknown[]): void {
  while (list.length > 0) list.pop();
}
