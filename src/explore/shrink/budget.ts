// How much work a shrink may do: a number of candidate runs and a wall-clock time, whichever
// ends first. A shrink that runs out keeps the smallest failing run found so far and says so.

export interface ShrinkBudget {
  /** Candidate runs at most (default 400). */
  runsMax?: number;
  /** Wall-clock time at most, in ms (default 60 000). */
  wallMsMax?: number;
}

export class Budget {
  runs = 0;
  private readonly t0 = performance.now();
  private readonly runsMax: number;
  private readonly wallMsMax: number;

  constructor(b: ShrinkBudget = {}) {
    this.runsMax = b.runsMax ?? 400;
    this.wallMsMax = b.wallMsMax ?? 60_000;
  }

  get wallMs(): number {
    return performance.now() - this.t0;
  }

  get wallMsLeft(): number {
    return Math.max(1, this.wallMsMax - this.wallMs);
  }

  /** Whether another run fits; counts it when it does. */
  take(): boolean {
    if (this.exhausted) return false;
    this.runs++;
    return true;
  }

  get exhausted(): boolean {
    return this.runs >= this.runsMax || this.wallMs >= this.wallMsMax;
  }
}
