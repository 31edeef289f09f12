// Memory views handed to actors through ctx.mem(): zeroed paged memory for the simulator, plain
// memory over a given array (the recorded replay), atomic loads and stores over
// SharedArrayBuffer for threads. All check bounds, so a bad index in a walk is a clear error
// rather than a silent undefined.

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

/** Words in a page of a zeroedMemView (a power of two), and the shift and mask that split an index. */
const pageShift = 10;
const pageWords = 1 << pageShift;
const pageMask = pageWords - 1;

/**
 * The simulator's memory: `words` words that start zeroed, held in pages allocated on their first
 * non-zero store (a page never stored to reads as zeros). A run that touches little of a large
 * region (a race search's short runs: the nested guest's 4 MB stage-1 tables) neither allocates
 * nor clears all of it, and leaves the GC no large buffer per run.
 */
export function zeroedMemView(region: string, words: number): MemView {
  const pages = new Array<Int32Array | undefined>((words + pageMask) >>> pageShift).fill(undefined);
  return {
    words,
    load(i) {
      checkIndex(region, words, i);
      const page = pages[i >>> pageShift];
      return page === undefined ? 0 : page[i & pageMask]!;
    },
    store(i, v) {
      checkIndex(region, words, i);
      let page = pages[i >>> pageShift];
      if (page === undefined) {
        // Exactly 0 leaves the page as it reads (any other value, even one an Int32Array stores as 0, is stored as before).
        if (v === 0) return;
        page = new Int32Array(pageWords);
        pages[i >>> pageShift] = page;
      }
      page[i & pageMask] = v;
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
