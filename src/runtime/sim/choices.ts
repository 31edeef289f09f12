import { fail } from '../../util/errors.ts';

// A schedule is the list of choices the scheduler made: at each step, the index of the
// delivery it picked within the canonically ordered enabled set. This module stores it
// compactly and prints it as one line (unsigned LEB128 varints, base64url).
//
// A schedule made by a strategy that chooses delays (Strategy.chooseDelay, timing.ts) starts
// with `delayScheduleMark` and interleaves, after each step's ordering choice, the delays that
// step drew, in the order it drew them: each as its offset from its window's low end, in two
// words (high 16 bits, low 16 bits). An ordering choice is an index below the enabled count,
// which never reaches 0xffff, so a schedule without the mark is one of ordering choices only,
// as every schedule recorded before delay choices existed.

/** First word of a schedule that carries delay choices. */
export const delayScheduleMark = 0xffff;

/** The largest delay offset a schedule records (32 bits). */
export const delayOffsetMax = 0xffff_ffff;

export class ChoiceLog {
  private buf = new Uint16Array(1024);
  length = 0;

  /** One delay choice: its offset in the window (0..delayOffsetMax), as two words. */
  pushDelay(offset: number): void {
    this.push(Math.floor(offset / 0x10000));
    this.push(offset % 0x10000);
  }

  push(choice: number): void {
    if (this.length === this.buf.length) {
      const next = new Uint16Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = choice;
  }

  /** The choices so far (a copy, as compact as the log). */
  snapshot(): Uint16Array {
    return this.buf.slice(0, this.length);
  }
}

export function encodeChoices(choices: ArrayLike<number>): string {
  const bytes = new Uint8Array(choices.length * 3);
  let n = 0;
  for (let i = 0; i < choices.length; i++) {
    let v = choices[i]!;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      bytes[n++] = b;
    } while (v !== 0);
  }
  return Buffer.from(bytes.buffer, 0, n).toString('base64url');
}

export function decodeChoices(text: string): number[] {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    fail('FAULTLINE_CHOICES_FORMAT', 'a schedule is base64url text (A-Z a-z 0-9 - _)');
  }
  const bytes = Buffer.from(text, 'base64url');
  const out: number[] = [];
  let v = 0;
  let shift = 0;
  for (const b of bytes) {
    v |= (b & 0x7f) << shift;
    if (b & 0x80) {
      shift += 7;
      if (shift > 28) fail('FAULTLINE_CHOICES_FORMAT', 'a varint in the schedule is too long');
    } else {
      out.push(v >>> 0);
      v = 0;
      shift = 0;
    }
  }
  if (shift !== 0) fail('FAULTLINE_CHOICES_FORMAT', 'the schedule ends inside a varint');
  return out;
}

/**
 * A delay choice's offset read at word `at`: high 16 bits, then low. A schedule file drops
 * trailing zeros (schedule-file.ts), so a schedule's last delay may have lost its low word: a
 * missing word reads 0, as past the end of a schedule every choice does.
 */
export function delayOffsetAt(words: ArrayLike<number>, at: number): number {
  return words[at]! * 0x10000 + (at + 1 < words.length ? words[at + 1]! : 0);
}

/** One scheduler step of a schedule: its ordering choice, then the delay choices it drew (offsets from each window's low end). */
export interface ScheduleStep {
  order: number;
  delays: number[];
}

/** A schedule split into its steps; `withDelays`: it starts with delayScheduleMark (a run whose strategy chose delays). */
export interface StepSchedule {
  withDelays: boolean;
  steps: ScheduleStep[];
}

/**
 * Split a schedule into steps. The words alone do not say where a step's delays end (a delay's
 * high word looks like an ordering choice), so this takes the run's layout: how many delays each
 * step drew (step-layout.ts observes it). It reads as the replay does, one cursor: after the
 * mark, each step's ordering choice, then two words per delay. A schedule cut short (trailing
 * defaults dropped) ends early; its missing steps and delays are the defaults (0).
 */
export function parseSchedule(words: ArrayLike<number>, delaysPerStep: ArrayLike<number>): StepSchedule {
  const withDelays = words.length > 0 && words[0] === delayScheduleMark;
  const steps: ScheduleStep[] = [];
  let at = withDelays ? 1 : 0;
  for (let s = 0; at < words.length; s++) {
    const order = words[at++]!;
    const drawn = withDelays ? (s < delaysPerStep.length ? delaysPerStep[s]! : 0) : 0;
    const delays: number[] = [];
    for (let j = 0; j < drawn && at < words.length; j++, at += 2) delays.push(delayOffsetAt(words, at));
    steps.push({ order, delays });
  }
  return { withDelays, steps };
}

/** A step schedule as words again (the inverse of parseSchedule), trailing defaults dropped. */
export function scheduleWords(s: StepSchedule): number[] {
  const out: number[] = s.withDelays ? [delayScheduleMark] : [];
  let kept = out.length;
  for (const step of s.steps) {
    out.push(step.order);
    if (step.order !== 0) kept = out.length;
    if (!s.withDelays) continue;
    for (const d of step.delays) {
      out.push(Math.floor(d / 0x10000), d % 0x10000);
      if (d !== 0) kept = out.length;
    }
  }
  return out.slice(0, kept);
}
