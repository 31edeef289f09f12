// Memory views handed to actors through ctx.mem(): plain memory for the simulator, atomic
// loads and stores over SharedArrayBuffer for threads. Both check bounds, so a bad index in
// a walk is a clear error rather than a silent undefined. The simulator allocates each region
// whole: memory paged in on its first store (issue 9, seventh pass) cut a run's fixed cost by
// 0.8 ms, but the pages a workload touches then grow with the groups in flight: 6 KB a group in
// the heap-per-group measure, against 1.8 KB for the run's own records.

import type { MemView } from '../actor/define.ts';
import { fail } from '../util/errors.ts';

function checkIndex(region: string, words: number, index: number): void {
  if (!(index >= 0 && index < words && Number.isInteger(index))) {
    fail('FAULTLINE_MEM_INDEX', `memory '${region}': word index ${index} is outside 0..${words - 1}`);
  }
}

export function plainMemView(region: string, words: Int32Array): MemView {
  return {
    words: words.length,
    load(i) {
      checkIndex(region, words.length, i);
      return words[i]!;
    },
    store(i, v) {
      checkIndex(region, words.length, i);
      words[i] = v;
    },
  };
}

export function sharedMemView(region: string, words: Int32Array): MemView {
  return {
    words: words.length,
    load(i) {
      checkIndex(region, words.length, i);
      return Atomics.load(words, i);
    },
    store(i, v) {
      checkIndex(region, words.length, i);
      Atomics.store(words, i, v);
    },
  };
}
