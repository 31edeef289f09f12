// The executor's contract spelled out on small cases: XState's microstep order, self-
// transitions with and without reenter, done machines, the in-place step() API, plain-data
// state, and the errors for misuse. (The exhaustive comparison is executor.diff.test.ts.)

import { describe, expect, it } from 'vitest';
import { assign, createMachine, initialTransition, setup, transition } from 'xstate';
import { compileMachine, createExecutor, executorFor } from '../../src/machines/index.ts';
import type { Effect } from '../../src/machines/index.ts';
import { FaultlineError } from '../../src/util/errors.ts';
import { prgInput, prgMachine } from './fixtures/prg.machine.ts';
import { priMachine } from './fixtures/pri.machine.ts';
import { reentryMachine } from './fixtures/reentry.machine.ts';

const types = (effects: readonly Effect[]): string[] => effects.map((e) => (e.params ? `${e.type}${JSON.stringify(e.params)}` : e.type));

describe('compiled executor semantics', () => {
  const reentry = createExecutor(compileMachine(reentryMachine));
  const busy = reentry.send(reentry.initial(), { type: 'start' }).state;

  it('runs root and initial-state entry actions on the initial transition', () => {
    const { state, effects } = reentry.initialTransition();
    expect(state).toEqual({ value: 'idle', context: { ticks: 0, entries: 1 }, status: 'active' });
    expect(types(effects)).toEqual(['enterRoot', 'enter{"state":"idle","entries":1}']);
    expect(reentry.initial()).toEqual(state);
  });

  it('a self-transition without reenter runs only its actions (no exit, no entry)', () => {
    expect(types(reentry.send(busy, { type: 'again' }).effects)).toEqual(['act{"on":"again@working"}']);
  });

  it('reenter: true exits and re-enters the target', () => {
    expect(types(reentry.send(busy, { type: 'again.hard' }).effects)).toEqual(['exit{"state":"working"}', 'enter{"state":"working","entries":1}']);
  });

  it('a parent targeting itself without reenter resets its children only', () => {
    expect(types(reentry.send(busy, { type: 'rewind' }).effects)).toEqual(['exit{"state":"working"}', 'act{"on":"rewind"}', 'enter{"state":"working","entries":1}']);
  });

  it('a root transition with reenter: true exits and re-enters the root', () => {
    const r = reentry.send(busy, { type: 'reset' });
    expect(types(r.effects)).toEqual(['exit{"state":"working"}', 'exit{"state":"busy"}', 'exitRoot', 'act{"on":"reset"}', 'enterRoot', 'enter{"state":"idle","entries":2}']);
  });

  it('entering a top-level final state runs the exit actions of the final configuration', () => {
    const r = reentry.send(busy, { type: 'finish' });
    expect(r.state.status).toBe('done');
    expect(types(r.effects).slice(-3)).toEqual(['enter{"state":"done","entries":1}', 'exit{"state":"done"}', 'exitRoot']);
  });

  it('a done machine ignores every event (actor semantics), unlike raw transition()', () => {
    const done = reentry.send(busy, { type: 'finish' }).state;
    const r = reentry.send(done, { type: 'reset' });
    expect(r.state).toBe(done);
    expect(r.effects).toEqual([]);
    expect(reentry.step(done, { type: 'reset' }, [])).toBe(false);
    // The documented XState quirk the executor deliberately does not reproduce:
    const [xsDone] = transition(reentryMachine, initialTransition(reentryMachine)[0], { type: 'finish' });
    expect(transition(reentryMachine, xsDone, { type: 'reset' })[0].value).toBe('idle');
  });

  it('an unhandled event changes nothing and returns the same state', () => {
    const r = reentry.send(busy, { type: 'noise' });
    expect(r.state).toBe(busy);
    expect(r.effects).toEqual([]);
  });

  it('assign is visible to the params of later actions in the same microstep', () => {
    const prg = createExecutor(compileMachine(prgMachine));
    let s = prg.initial(prgInput);
    s = prg.send(s, { type: 'prq.page', last: true }).state;
    const r = prg.send(s, { type: 'prq.deliver', cookie: 7 });
    expect(r.effects).toEqual([
      { type: 'deliverToGuest', params: { pasid: 5, prgi: 17, cookie: 7, pages: 1 } },
      { type: 'timerArm', params: { cookie: 7 } },
    ]);
  });
});

describe('step(): the in-place API', () => {
  const prg = createExecutor(compileMachine(prgMachine));

  it('mutates the state, appends effects, reports whether a transition was taken, and matches send()', () => {
    const state = prg.initial(prgInput);
    const before = structuredClone(state);
    const out: Effect[] = [{ type: 'earlier', params: undefined }];
    expect(prg.step(state, { type: 'prq.page', last: true }, out)).toBe(true);
    expect(state).toEqual(prg.send(before, { type: 'prq.page', last: true }).state);
    expect(out.map((e) => e.type)).toEqual(['earlier']);
    expect(prg.step(state, { type: 'prq.response', cookie: 1, code: 'success' }, out)).toBe(false);
    expect(prg.step(state, { type: 'prq.timeout' }, out)).toBe(true);
    expect(state.status).toBe('done');
    expect(out).toEqual([
      { type: 'earlier', params: undefined },
      { type: 'respond', params: { code: 'failure', prgi: -1 } },
    ]);
  });

  it('send() never mutates its input', () => {
    const state = prg.initial(prgInput);
    const copy = structuredClone(state);
    prg.send(state, { type: 'prq.page', last: true });
    expect(state).toEqual(copy);
  });
});

describe('reset(): a pooled state started again', () => {
  const prg = createExecutor(compileMachine(prgMachine));

  it('equals a fresh initial state, key order included, and keeps its context object when the keys match', () => {
    const state = prg.initial(prgInput);
    prg.step(state, { type: 'prq.page', last: true }, []);
    prg.step(state, { type: 'prq.timeout' }, []);
    const context = state.context;
    const input = { ...prgInput, prgi: 3 };
    prg.reset(state, input);
    const fresh = prg.initial(input);
    expect(state).toEqual(fresh);
    expect(Object.keys(state.context)).toEqual(Object.keys(fresh.context));
    expect(state.context).toBe(context);
  });

  it('makes a new context when the context function gives other keys, or an assignment added one', () => {
    const varying = setup({ types: {} as { input: { wide: boolean } } }).createMachine({
      id: 'varying',
      initial: 'a',
      context: ({ input }) => (input.wide ? { b: 2, a: 1 } : { a: 1 }),
      states: { a: { on: { grow: { actions: assign({ c: () => 3 } as never) } } } },
    });
    const exec = createExecutor(compileMachine(varying));
    const state = exec.initial({ wide: false });
    exec.reset(state, { wide: true });
    expect(Object.keys(state.context)).toEqual(['b', 'a']);
    const before = state.context;
    exec.reset(state, { wide: false });
    expect(state.context).not.toBe(before);
    expect(Object.keys(state.context)).toEqual(['a']);
    exec.step(state, { type: 'grow' }, []);
    expect(Object.keys(state.context)).toEqual(['a', 'c']);
    exec.reset(state, { wide: false });
    expect(state.context).toEqual({ a: 1 });
    expect(Object.keys(state.context)).toEqual(['a']);
  });

  it('a static context is refilled in place', () => {
    const pri = createExecutor(compileMachine(priMachine));
    const state = pri.initial();
    const context = state.context;
    pri.step(state, { type: 'pri.enable', outstanding: 32 }, []);
    pri.reset(state);
    expect(state).toEqual(pri.initial());
    expect(state.context).toBe(context);
  });
});

describe('plain-data state', () => {
  it('survives structuredClone and JSON, and instances never share a context object', () => {
    const pri = createExecutor(compileMachine(priMachine));
    const a = pri.initial();
    const b = pri.initial();
    expect(a.context).not.toBe(b.context);
    const moved = pri.send(JSON.parse(JSON.stringify(a)), { type: 'pri.enable', outstanding: 32 }).state;
    expect(pri.send(structuredClone(moved), { type: 'pri.stop' }).state.value).toBe('stopped');
  });
});

describe('misuse', () => {
  const pri = createExecutor(compileMachine(priMachine));

  it('an unknown state value is FAULTLINE_MACHINE_STATE', () => {
    expect(() => pri.send({ value: 'nowhere', context: pri.initial().context, status: 'active' }, { type: 'pri.stop' })).toThrow(expect.objectContaining({ code: 'FAULTLINE_MACHINE_STATE' }));
  });

  it("sending '*' or an xstate.* event is FAULTLINE_MACHINE_EVENT", () => {
    expect(() => pri.send(pri.initial(), { type: '*' } as never)).toThrow(expect.objectContaining({ code: 'FAULTLINE_MACHINE_EVENT' }));
    expect(() => pri.send(pri.initial(), { type: 'xstate.init' } as never)).toThrow(expect.objectContaining({ code: 'FAULTLINE_MACHINE_EVENT' }));
  });

  it('spawn in a context function is refused', () => {
    const m = setup({}).createMachine({ id: 'sp', initial: 'a', context: ({ spawn }) => ({ kid: spawn }), states: { a: {} } });
    const ex = createExecutor(compileMachine(m));
    expect(() => ex.initial()).toThrow(FaultlineError);
  });
});

describe('executorFor', () => {
  it('selects the compiled executor by default and XState with mode "xstate"', () => {
    const m = createMachine({ id: 'toggle', initial: 'off', states: { off: { on: { flip: 'on' } }, on: { on: { flip: 'off' } } } });
    for (const mode of ['compiled', 'xstate'] as const) {
      const ex = executorFor(m, mode);
      expect(ex.send(ex.initial(), { type: 'flip' }).state.value).toBe('on');
    }
  });
});
