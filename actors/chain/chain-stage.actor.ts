// One stage of the example chain: the source issues requests (a window of them in flight),
// relays pass requests down and responses up, the sink turns each request around. Five
// stages make the shape of the IOPF path with trivial work per hop.

import { defineActor } from '../../src/actor/define.ts';
import { createHistogram, record, type Histogram } from '../../src/metrics/histogram.ts';
import { backlogSize, createOutboxes, flushOutbox, sendOrQueue, type Outboxes } from '../../src/actor/outbox.ts';

export interface ChainStageConfig {
  role: 'source' | 'relay' | 'sink';
  /** Position in the chain, 0 = source. */
  index: number;
  /** Channel toward the sink (absent on the sink). */
  down?: string;
  /** Channel toward the source (absent on the source). */
  up?: string;
  /** Source: round trips to complete; 0 means until durationNs. */
  requests?: number;
  /** Source: stop issuing new requests after this many ns of run time. */
  durationNs?: number;
  /** Source: requests in flight at once. */
  window?: number;
}

export interface ChainStageState {
  cfg: ChainStageConfig;
  issued: number;
  completed: number;
  forwardedDown: number;
  forwardedUp: number;
  latencyNs: Histogram | null;
  outboxes: Outboxes;
}

export const chainStageActor = defineActor<ChainStageState, ChainStageConfig>({
  kind: 'chain-stage',
  module: import.meta.url,
  init: (cfg) => ({
    cfg,
    issued: 0,
    completed: 0,
    forwardedDown: 0,
    forwardedUp: 0,
    latencyNs: cfg.role === 'source' ? createHistogram() : null,
    outboxes: createOutboxes(),
  }),
  step(s, msg, ctx) {
    const { cfg } = s;
    switch (msg.type) {
      case 'sys.start':
        if (cfg.role === 'source') {
          for (let i = 0; i < (cfg.window ?? 1); i++) if (!issue(s, ctx)) break;
        }
        return;
      case 'sys.writable':
        flushOutbox(s.outboxes, ctx, msg.channel);
        return;
      case 'chain.req':
        if (!(msg.stage === cfg.index - 1)) ctx.assert(false, 'FAULTLINE_CHAIN_ORDER', `request ${msg.id} reached stage ${cfg.index} from stage ${msg.stage}`);
        if (cfg.role === 'sink') {
          sendOrQueue(s.outboxes, ctx, cfg.up!, { type: 'chain.resp', id: msg.id, stage: cfg.index, originNs: msg.originNs });
        } else {
          s.forwardedDown++;
          sendOrQueue(s.outboxes, ctx, cfg.down!, { type: 'chain.req', id: msg.id, stage: cfg.index, originNs: msg.originNs });
        }
        return;
      case 'chain.resp':
        if (!(msg.stage === cfg.index + 1)) ctx.assert(false, 'FAULTLINE_CHAIN_ORDER', `response ${msg.id} reached stage ${cfg.index} from stage ${msg.stage}`);
        if (cfg.role === 'source') {
          s.completed++;
          record(s.latencyNs!, ctx.now() - msg.originNs);
          issue(s, ctx);
        } else {
          s.forwardedUp++;
          sendOrQueue(s.outboxes, ctx, cfg.up!, { type: 'chain.resp', id: msg.id, stage: cfg.index, originNs: msg.originNs });
        }
        return;
      default:
        ctx.assert(false, 'FAULTLINE_UNEXPECTED_MESSAGE', `chain stage got '${(msg as { type: string }).type}'`);
    }
  },
  pending: (s) => s.issued - s.completed + backlogSize(s.outboxes),
  stats: (s) => ({ issued: s.issued, completed: s.completed, forwardedDown: s.forwardedDown, forwardedUp: s.forwardedUp, latencyNs: s.latencyNs }),
});

function issue(s: ChainStageState, ctx: Parameters<typeof chainStageActor.step>[2]): boolean {
  const { requests = 0, durationNs = Infinity } = s.cfg;
  if (requests > 0 && s.issued >= requests) return false;
  if (requests === 0 && ctx.now() >= durationNs) return false;
  const id = s.issued++ % 0x100000000;
  sendOrQueue(s.outboxes, ctx, s.cfg.down!, { type: 'chain.req', id, stage: 0, originNs: ctx.now() });
  return true;
}
