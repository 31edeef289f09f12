// I2: no response to a stale or retired group. A response sent towards the device must be
// for a group still live (not answered, not retired); a response reaching the device must
// answer the very incarnation it was sent for, not a later group reusing the same (RID,
// PRGI); and a layer passing a handler's answer on (auto = false) must have had that answer
// from the layer above for the same group — otherwise it answered a group nobody answered;
// the report then also names the group the layer above last answered with that PRG index
// (the answer that was passed on to the wrong group, as PRGI-only matching does), so the
// causal chain shows both.

import { checkLayer, layerNames } from '../../protocol/check-events.ts';
import type { CheckEventOf, Monitor, MonitorEnv } from '../types.ts';

/** Per layer: the layer whose answer it passes on (-1: none). */
const answerFrom: readonly number[] = Array.from({ length: 8 }, (_, layer) => (layer === checkLayer.host ? checkLayer.vmm : layer === checkLayer.vmm ? checkLayer.guest : -1));

export interface StaleResponseMonitor extends Monitor {
  respond(ev: CheckEventOf<'chk.respond'>, g: number): void;
  /** `intended`: as for I1 (GroupTable.peekIntended of the event's RID and PRGI). */
  respDelivered(ev: CheckEventOf<'chk.respDelivered'>, intended: number | undefined): void;
}

export function staleResponseMonitor(env: MonitorEnv): StaleResponseMonitor {
  const t = env.table;
  /**
   * Per layer, PRGI → the group that layer answered last with it: for the 512 PRGIs of PCIe an
   * array (ghost + 1; 0: none), not a Map set on every response (issue 9); a wider key in the Map.
   */
  const lastAnswered = new Float64Array(512 * 8);
  const lastAnsweredWide = new Map<number, number>();
  const lastOf = (k: number): number | undefined => {
    if (!(k >= 0 && k < lastAnswered.length)) return lastAnsweredWide.get(k);
    const v = lastAnswered[k]!;
    return v === 0 ? undefined : v - 1;
  };
  const key = (layer: number, prgi: number): number => prgi * 8 + layer;
  return {
    invariant: 'I2',
    respond(ev, g): void {
      // Only a final layer's response is judged against how the group finished (one lookup fewer for the others).
      const how = t.isFinal(ev.layer) ? t.finishedAs(ev.ghost) : undefined;
      if (how !== undefined) {
        env.violate('I2', `the ${layerNames[ev.layer]} sent a response for group ${ev.ghost}, which was already ${how}`, [ev.ghost]);
        return;
      }
      const from = answerFrom[ev.layer] ?? -1;
      if (!ev.auto && from >= 0 && g >= 0 && (t.respondedMask(g) & (1 << from)) === 0) {
        const cause = lastOf(key(from, ev.prgi));
        const why = cause === undefined || cause === ev.ghost ? '' : ` (the ${layerNames[from]} had answered group ${cause} with that PRG index ${ev.prgi})`;
        env.violate(
          'I2',
          `the ${layerNames[ev.layer]} answered group ${ev.ghost}, which the ${layerNames[from]} never answered${why}`,
          cause === undefined || cause === ev.ghost ? [ev.ghost] : [ev.ghost, cause],
        );
      }
      const k = key(ev.layer, ev.prgi);
      if (k >= 0 && k < lastAnswered.length) lastAnswered[k] = ev.ghost + 1;
      else lastAnsweredWide.set(k, ev.ghost);
    },
    respDelivered(ev, intended): void {
      if (intended === undefined) return;
      if (ev.ghost !== 0 && intended !== ev.ghost) {
        const a = t.slotOf(intended);
        const b = t.slotOf(ev.ghost);
        env.violate(
          'I2',
          `a response sent for group ${intended} (incarnation ${a >= 0 ? t.incarnation(a) : '?'}) answered group ${ev.ghost} ` +
            `(incarnation ${b >= 0 ? t.incarnation(b) : '?'}) reusing rid ${ev.rid} prgi ${ev.prgi}`,
          [intended, ev.ghost],
        );
      } else if (ev.ghost === 0 && t.finishedAs(intended) === 'retired') {
        env.violate('I2', `a response for retired group ${intended} reached the device`, [intended]);
      }
    },
    finish(): void {},
  };
}
