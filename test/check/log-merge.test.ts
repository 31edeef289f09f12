import { describe, expect, it } from 'vitest';
import type { CheckEvent } from '../../src/protocol/messages.ts';
import { CheckLogMerger, CheckLogWriter } from '../../src/runtime/threads/check-log.ts';
import { controlWords, kLogBusy } from '../../src/runtime/threads/control-block.ts';
import { logSlotWords } from '../../src/runtime/threads/layout.ts';
import { realAtomics, type AtomicsLike } from '../../src/transport/atomics-like.ts';
import { ringBytes, SabRing } from '../../src/transport/sab-ring.ts';
import { createRng, rngStateFrom } from '../../src/util/rng.ts';

interface Rig {
  writers: CheckLogWriter[];
  merger: CheckLogMerger;
  got: { seq: number; actor: number; ghost: number; timeNs: number }[];
  controls: Int32Array[];
}

/**
 * Several "workers" in one thread: each a writer on its own log ring and control block, all
 * sharing one sequence word, and the merger. A writer that finds its log full "parks" by
 * letting the other writers end their batches and the orchestrator pump, as real threads would.
 */
function rig(workers: number, capacity: number, firstSeq = 0): Rig {
  const ringB = ringBytes(capacity, logSlotWords);
  const sab = new SharedArrayBuffer(64 + workers * (ringB + controlWords * 4));
  const seq = new Int32Array(sab, 0, 1);
  seq[0] = firstSeq | 0;
  const rings: SabRing[] = [];
  const controls: Int32Array[] = [];
  for (let i = 0; i < workers; i++) {
    const base = 64 + i * (ringB + controlWords * 4);
    rings.push(new SabRing(sab, base, capacity, logSlotWords, undefined, { init: true }));
    controls.push(new Int32Array(sab, base + ringB, controlWords));
  }
  const got: Rig['got'] = [];
  const merger = new CheckLogMerger(
    rings.map((ring, i) => ({ ring, control: controls[i]! })),
    seq,
    (ev, s, actor, timeNs) => got.push({ seq: s, actor, ghost: (ev as Extract<CheckEvent, { type: 'chk.pageReq' }>).ghost, timeNs }),
    realAtomics,
    5,
  );
  // While one worker waits, the others finish their batches (publish) and the orchestrator polls.
  const parkWhileOthersRun: AtomicsLike = {
    ...realAtomics,
    wait: () => {
      for (const w of writers) w.publish();
      merger.pump();
      return 'ok';
    },
  };
  const writers: CheckLogWriter[] = rings.map((ring, i) => new CheckLogWriter(ring, seq, controls[i]!, parkWhileOthersRun));
  return { writers, merger, got, controls };
}

const ev = (ghost: number): CheckEvent => ({ type: 'chk.pageReq', ghost, index: ghost % 7, last: ghost % 3 === 0 });

describe('threaded check-log merge', () => {
  it('orders the events of several rings by sequence number (each with its time), holding back what a busy writer may still publish', () => {
    const r = rig(3, 8);
    r.writers[0]!.emit(ev(1), 10, 5); // seq 0, worker 0 mid-batch (not published)
    r.writers[1]!.emit(ev(2), 11, 7_000_000_000); // seq 1, a time beyond 32 bits
    r.writers[1]!.publish();
    expect(r.merger.pump()).toBe(0); // seq 0 is not visible yet: nothing can go
    r.writers[2]!.emit(ev(3), 12, 0);
    r.writers[2]!.publish();
    r.writers[0]!.emit(ev(4), 10, 2 ** 40 + 3);
    r.writers[0]!.publish();
    expect(r.merger.pump()).toBe(4);
    expect(r.got).toEqual([
      { seq: 0, actor: 10, ghost: 1, timeNs: 5 },
      { seq: 1, actor: 11, ghost: 2, timeNs: 7_000_000_000 },
      { seq: 2, actor: 12, ghost: 3, timeNs: 0 },
      { seq: 3, actor: 10, ghost: 4, timeNs: 2 ** 40 + 3 },
    ]);
  });

  for (const firstSeq of [0, 0x7ffffff0, -20]) {
    it(`model: random interleavings of emits, publishes and pumps never reorder, lose or duplicate (counter from ${firstSeq})`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const rng = createRng(rngStateFrom(seed, 1));
        const r = rig(3, 4, firstSeq);
        let ghost = 0;
        for (let step = 0; step < 400; step++) {
          const w = rng.int(3);
          const roll = rng.int(10);
          if (roll < 6) r.writers[w]!.emit(ev(++ghost), w, step * 1000);
          else if (roll < 8) r.writers[w]!.publish();
          else r.merger.pump();
          // Whatever has come out is a gap-free prefix, in order.
          expect(r.got.map((g) => g.ghost)).toEqual(Array.from({ length: r.got.length }, (_, i) => i + 1));
        }
        for (const wr of r.writers) wr.publish();
        for (const c of r.controls) expect(c[kLogBusy]).toBe(0);
        r.merger.pump();
        expect(r.got.length, `seed ${seed}`).toBe(ghost);
        expect(r.got.map((g) => g.ghost)).toEqual(Array.from({ length: ghost }, (_, i) => i + 1));
        expect(r.got.every((g, i) => g.seq === (firstSeq + i) >>> 0)).toBe(true);
        expect(r.writers.reduce((n, wr) => n + wr.waits, 0)).toBeGreaterThan(0); // the tiny logs filled: back-pressure, no loss
      }
    });
  }
});
