// The compiled machine executor against XState on the same machine (the PRG fixture) and the
// same event sequence, in the same run: ns per event for executor.step (in place),
// executor.send (pure), xstate transition() and a started actor's send(), and the speedup of
// the executor over transition(). Medians of BENCH_RUNS runs (default 5) after one warm-up.
// Targets: executor ≤ 300 ns/event and ≥ 50× faster than transition().
// Run: node --import tsx bench/machines.bench.ts

import { createActor, initialTransition, transition } from 'xstate';
import { compileMachine, createExecutor, fromXStateValue } from '../src/machines/index.ts';
import type { Effect, MachineState } from '../src/machines/index.ts';
import { prgInput, prgMachine } from '../test/machines/fixtures/prg.machine.ts';
import type { PrgContext, PrgEvent } from '../test/machines/fixtures/prg.machine.ts';
import { fmtRatio, median, range } from './stats.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const SPEEDUP_MIN = 50;
const EXECUTOR_NS_PER_EVENT_MAX = 300;

/** Three lifecycles (answered after a stale response, timed out, PASID stopped) + one unhandled event. */
const LIFECYCLES: PrgEvent[][] = [
  [
    { type: 'prq.page', last: false },
    { type: 'prq.deliver', cookie: 7 }, // unhandled while collecting
    { type: 'prq.page', last: true },
    { type: 'prq.deliver', cookie: 7 },
    { type: 'prq.response', cookie: 9, code: 'success' },
    { type: 'prq.response', cookie: 7, code: 'success' },
  ],
  [{ type: 'prq.page', last: true }, { type: 'prq.deliver', cookie: 3 }, { type: 'prq.timeout' }],
  [{ type: 'prq.page', last: false }, { type: 'pasid.stop' }],
];
const EVENTS_PER_ROUND = LIFECYCLES.reduce((n, l) => n + l.length, 0);

interface Contender {
  name: string;
  /** Runs `rounds` rounds of all lifecycles; returns the nanoseconds spent on sends. */
  measure(rounds: number): number;
  rounds: number;
}

let sink = 0; // keeps results observable so that nothing is optimised away

function contenders(): Contender[] {
  const exec = createExecutor(compileMachine(prgMachine));
  const init = exec.initial(prgInput);
  const [xsInit] = initialTransition(prgMachine, prgInput);

  const executorStep: Contender = {
    name: 'executor.step (in place)',
    rounds: 100_000,
    measure(rounds) {
      const state: MachineState<PrgContext> = { ...init };
      const out: Effect[] = [];
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) {
        for (const lifecycle of LIFECYCLES) {
          state.value = init.value;
          state.context = init.context;
          state.status = 'active';
          // Drained once per lifecycle, as an actor shell flushes a batch (setting an array's
          // length costs about as much as a whole step).
          for (const ev of lifecycle) exec.step(state, ev, out);
          sink += out.length;
          out.length = 0;
        }
      }
      return Number(process.hrtime.bigint() - t0);
    },
  };
  const executorSend: Contender = {
    name: 'executor.send (pure)',
    rounds: 100_000,
    measure(rounds) {
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) {
        for (const lifecycle of LIFECYCLES) {
          let state = init;
          for (const ev of lifecycle) {
            const next = exec.send(state, ev);
            state = next.state;
            sink += next.effects.length;
          }
        }
      }
      return Number(process.hrtime.bigint() - t0);
    },
  };
  const xstateTransition: Contender = {
    name: 'xstate transition()',
    rounds: 1_000,
    measure(rounds) {
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < rounds; r++) {
        for (const lifecycle of LIFECYCLES) {
          let snapshot = xsInit;
          for (const ev of lifecycle) {
            const [next, actions] = transition(prgMachine, snapshot, ev);
            snapshot = next;
            sink += actions.length;
          }
        }
      }
      return Number(process.hrtime.bigint() - t0);
    },
  };
  const actorSend: Contender = {
    name: 'xstate actor.send() (sends only)',
    rounds: 2_000,
    measure(rounds) {
      let ns = 0;
      for (let r = 0; r < rounds; r++) {
        for (const lifecycle of LIFECYCLES) {
          const actor = createActor(prgMachine, { input: prgInput }).start();
          const t0 = process.hrtime.bigint();
          for (const ev of lifecycle) actor.send(ev);
          ns += Number(process.hrtime.bigint() - t0);
          sink += actor.getSnapshot().context.pages;
        }
      }
      return ns;
    },
  };
  return [executorStep, executorSend, xstateTransition, actorSend];
}

/** Both implementations must end every lifecycle in the same state before we time them. */
function checkAgreement(): void {
  const exec = createExecutor(compileMachine(prgMachine));
  for (const lifecycle of LIFECYCLES) {
    let state = exec.initial(prgInput);
    let [snapshot] = initialTransition(prgMachine, prgInput);
    for (const ev of lifecycle) {
      state = exec.send(state, ev).state;
      [snapshot] = transition(prgMachine, snapshot, ev);
    }
    if (state.value !== fromXStateValue(snapshot.value) || state.status !== snapshot.status) {
      throw new Error(`bench lifecycle disagrees: executor ${state.value}/${state.status}, xstate ${String(snapshot.value)}/${snapshot.status}`);
    }
  }
}

export interface MachinesBenchResult {
  machine: string;
  eventsPerRound: number;
  runs: number;
  nsPerEvent: Record<string, number>;
  nsPerEventRange: Record<string, [number, number]>;
  speedupStepOverTransition: number;
  speedupSendOverTransition: number;
  targets: { speedupMin: number; executorNsPerEventMax: number };
  meetsTargets: boolean;
}

export async function run(): Promise<MachinesBenchResult> {
  checkAgreement();
  const cs = contenders();
  const samples = new Map<string, number[]>(cs.map((c) => [c.name, []]));
  for (const c of cs) c.measure(Math.max(1, c.rounds / 10)); // warm-up
  for (let i = 0; i < runs; i++) {
    // Interleaved, so that drift on a shared machine hits every contender alike.
    for (const c of cs) samples.get(c.name)!.push(c.measure(c.rounds) / (c.rounds * EVENTS_PER_ROUND));
  }
  const nsPerEvent: Record<string, number> = {};
  const nsPerEventRange: Record<string, [number, number]> = {};
  for (const [name, xs] of samples) {
    nsPerEvent[name] = median(xs);
    nsPerEventRange[name] = range(xs);
  }
  const [step, send, xs, actor] = cs.map((c) => nsPerEvent[c.name]!) as [number, number, number, number];
  const result: MachinesBenchResult = {
    machine: prgMachine.id,
    eventsPerRound: EVENTS_PER_ROUND,
    runs,
    nsPerEvent,
    nsPerEventRange,
    speedupStepOverTransition: xs / step,
    speedupSendOverTransition: xs / send,
    targets: { speedupMin: SPEEDUP_MIN, executorNsPerEventMax: EXECUTOR_NS_PER_EVENT_MAX },
    meetsTargets: xs / step >= SPEEDUP_MIN && step <= EXECUTOR_NS_PER_EVENT_MAX,
  };

  console.log(`\nmachines: '${prgMachine.id}' fixture, ${EVENTS_PER_ROUND} events per round of 3 lifecycles, median of ${runs} runs`);
  console.log('contender                          ns/event   (range)            vs transition()');
  for (const c of cs) {
    const [lo, hi] = nsPerEventRange[c.name]!;
    const ns = nsPerEvent[c.name]!;
    console.log(`${c.name.padEnd(34)} ${ns.toFixed(1).padStart(9)}   (${lo.toFixed(1)}–${hi.toFixed(1)})`.padEnd(70) + `${fmtRatio(xs / ns).padStart(8)}`);
  }
  console.log(
    `targets: executor ≤ ${EXECUTOR_NS_PER_EVENT_MAX} ns/event and ≥ ${SPEEDUP_MIN}× transition(): ${result.meetsTargets ? 'met' : 'NOT met'} (actor.send ${fmtRatio(actor / step)} the executor)`,
  );
  if (sink === -1) console.log(sink);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
