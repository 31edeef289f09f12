// Timers of the deterministic runtime: a binary min-heap ordered by (fire time, sequence),
// so timers set for the same instant fire in the order they were set. The heap is held in
// parallel arrays (fire time, sequence, actor, message), not an object per timer: setting a
// timer allocates nothing once the arrays have grown, and sifting compares numbers in typed
// arrays rather than fields of objects spread over the heap (issue 9).

import type { Message } from '../../protocol/messages.ts';

export interface SimTimer {
  atNs: number;
  seq: number;
  actor: number;
  msg: Message;
}

/** Slots allocated at first; doubled whenever an add finds them all taken. */
const initialSlots = 64;

export class TimerHeap {
  private atNs = new Float64Array(initialSlots);
  private seqs = new Float64Array(initialSlots);
  private actors = new Int32Array(initialSlots);
  private msgs: (Message | undefined)[] = new Array<Message | undefined>(initialSlots).fill(undefined);
  private count = 0;
  private seq = 0;

  get size(): number {
    return this.count;
  }

  add(atNs: number, actor: number, msg: Message): void {
    if (this.count === this.msgs.length) this.grow();
    const seq = this.seq++;
    const { atNs: at, seqs } = this;
    // Sift up: move parents down into the hole until the new timer's place is found.
    let i = this.count++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!(atNs < at[p]! || (atNs === at[p]! && seq < seqs[p]!))) break;
      this.move(p, i);
      i = p;
    }
    at[i] = atNs;
    seqs[i] = seq;
    this.actors[i] = actor;
    this.msgs[i] = msg;
  }

  peekNs(): number {
    return this.count === 0 ? Infinity : this.atNs[0]!;
  }

  /** The actor of the earliest timer (the heap is not empty). */
  peekActor(): number {
    return this.actors[0]!;
  }

  /** Takes the earliest timer and returns its message (the heap is not empty); peekNs and peekActor tell the rest. */
  popMsg(): Message {
    const msg = this.msgs[0]!;
    const last = --this.count;
    if (last > 0) {
      const { atNs: at, seqs } = this;
      const lastAt = at[last]!;
      const lastSeq = seqs[last]!;
      const lastActor = this.actors[last]!;
      const lastMsg = this.msgs[last]!;
      // Sift down: move the earlier child up into the hole until the last timer's place is found.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && (at[r]! < at[l]! || (at[r]! === at[l]! && seqs[r]! < seqs[l]!)) ? r : l;
        if (!(at[c]! < lastAt || (at[c]! === lastAt && seqs[c]! < lastSeq))) break;
        this.move(c, i);
        i = c;
      }
      at[i] = lastAt;
      seqs[i] = lastSeq;
      this.actors[i] = lastActor;
      this.msgs[i] = lastMsg;
    }
    this.msgs[last] = undefined;
    return msg;
  }

  /** Takes the earliest timer (the heap is not empty). */
  pop(): SimTimer {
    const t = { atNs: this.atNs[0]!, seq: this.seqs[0]!, actor: this.actors[0]!, msg: this.msgs[0]! };
    this.popMsg();
    return t;
  }

  countFor(actor: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.actors[i] === actor) n++;
    return n;
  }

  private move(from: number, to: number): void {
    this.atNs[to] = this.atNs[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.actors[to] = this.actors[from]!;
    this.msgs[to] = this.msgs[from];
  }

  private grow(): void {
    const slots = this.msgs.length * 2;
    const atNs = new Float64Array(slots);
    atNs.set(this.atNs);
    const seqs = new Float64Array(slots);
    seqs.set(this.seqs);
    const actors = new Int32Array(slots);
    actors.set(this.actors);
    const msgs = new Array<Message | undefined>(slots).fill(undefined);
    for (let i = 0; i < this.count; i++) msgs[i] = this.msgs[i];
    this.atNs = atNs;
    this.seqs = seqs;
    this.actors = actors;
    this.msgs = msgs;
  }
}
