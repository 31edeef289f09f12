// Regression guard for the device's records per request (issue 9) that times nothing: PRG table
// entries and ATS translations come from the device's free lists (actors/device/records.ts) and
// go back once their response or completion was handled, so the number made is bounded by the
// requests outstanding at once, not by the length of the run. Counted, as the checker's are.
import { describe, expect, it } from 'vitest';
import { prgCode } from '../../../src/protocol/iopf.ts';
import { completion, config, response, rig } from './support.ts';

const inFlight = 4;

/** A device with `inFlight` accesses in flight, every first touch of a page faulting and answered Success, until `faults` groups were raised. */
function run(faults: number) {
  const r = rig(config({ workload: { inFlight, pages: 4096 }, pagesPerAsid: 4096 }));
  const mapped = new Set<number>();
  let now = 0;
  let retriedOk = 0;
  while (r.s.c.faults < faults) {
    for (const m of r.out()) {
      if (m.type === 'pci.atsReq') {
        const ok = mapped.has(m.addr);
        if (ok) retriedOk++;
        r.step(completion(m, ok, ok));
      } else if (m.type === 'pci.pageReq') {
        mapped.add(m.addr);
        r.step(response(m, prgCode.SUCCESS));
      }
    }
    now += 100;
    r.advance(now);
  }
  return { r, retriedOk };
}

describe('device records', () => {
  const short = run(200);
  const long = run(800);

  it('runs the real fault path: every group answered, its access retried and completed', () => {
    expect(long.r.s.c.faults).toBeGreaterThanOrEqual(800);
    expect(long.retriedOk).toBeGreaterThanOrEqual(800 - inFlight);
    expect(long.r.s.c.retries).toBeGreaterThanOrEqual(800 - inFlight);
  });

  it('makes no more records over 800 faults than over 200: they are reused', () => {
    expect(long.r.s.pool.groupsMade).toBe(short.r.s.pool.groupsMade);
    expect(long.r.s.pool.translationsMade).toBe(short.r.s.pool.translationsMade);
  });

  it('makes at most one record of each kind per access in flight', () => {
    expect(long.r.s.pool.groupsMade).toBeLessThanOrEqual(inFlight);
    expect(long.r.s.pool.translationsMade).toBeLessThanOrEqual(inFlight);
    expect(long.r.s.pool.groupsMade).toBeGreaterThan(0);
  });
});
