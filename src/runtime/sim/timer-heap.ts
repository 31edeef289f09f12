// Timers of the deterministic runtime: a binary min-heap ordered by (fire time, sequence),
// so timers set for the same instant fire in the order they were set.

import type { Message } from '../../protocol/messages.ts';

export interface SimTimer {
  atNs: number;
  seq: number;
  actor: number;
  msg: Message;
}

export class TimerHeap {
  private readonly heap: SimTimer[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(atNs: number, actor: number, msg: Message): void {
    const t = { atNs, seq: this.seq++, actor, msg };
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const up = h[i]!;
      const parent = h[p]!;
      if (!less(up, parent)) break;
      h[i] = parent;
      h[p] = up;
      i = p;
    }
  }

  peekNs(): number {
    return this.heap.length === 0 ? Infinity : this.heap[0]!.atNs;
  }

  pop(): SimTimer {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        const down = h[i]!;
        h[i] = h[m]!;
        h[m] = down;
        i = m;
      }
    }
    return top;
  }

  countFor(actor: number): number {
    let n = 0;
    for (const t of this.heap) if (t.actor === actor) n++;
    return n;
  }
}

function less(a: SimTimer, b: SimTimer): boolean {
  return a.atNs < b.atNs || (a.atNs === b.atNs && a.seq < b.seq);
}
