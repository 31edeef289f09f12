// End-of-run checks over the tiers' counters: every page request group answered exactly
// once, every queue conserving what entered it (accepted = forwarded + dropped with a
// reason), every DMA access ended, nothing left owed. They read only counters the tiers
// publish, so they run the same after a threaded or a deterministic run.

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

type Stats = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const sumValues = (v: unknown): number => (v && typeof v === 'object' ? Object.values(v).reduce<number>((n, x) => n + num(x), 0) : 0);
const at = (s: Stats, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Stats)[k] : undefined), s);

function eq(name: string, lhsLabel: string, lhs: number, rhsLabel: string, rhs: number): CheckResult {
  return { name, ok: lhs === rhs, detail: `${lhsLabel} ${lhs} ${lhs === rhs ? '=' : '≠'} ${rhsLabel} ${rhs}` };
}

export interface TierStats {
  device: Stats;
  iommu: Stats;
  host: Stats;
  vmm: Stats;
  guest: Stats;
}

export function endChecks(t: TierStats, pending: Record<string, number>, quiescent: boolean): CheckResult[] {
  const d = t.device;
  const responses = sumValues(d.responses);
  const checks: CheckResult[] = [];
  checks.push(eq('exactly-once: every group raised got one response', 'groups raised', num(d.faults), 'responses', responses));
  checks.push({
    name: 'exactly-once: no unexpected or duplicate responses',
    ok: num(d.unexpectedPrgi) === 0 && num(d.responsePasidMismatch) === 0 && num(at(t.host, 'duplicateResponsesDropped')) === 0,
    detail: `unexpected PRG index ${num(d.unexpectedPrgi)}, PASID mismatch ${num(d.responsePasidMismatch)}, duplicate responses dropped by the host ${num(at(t.host, 'duplicateResponsesDropped'))}`,
  });
  const dmaEnded = num(d.dmaOk) + sumValues(d.dmaFailed);
  checks.push(eq('every DMA access completed or failed with a reason', 'started', num(d.accessesStarted), 'ended', dmaEnded + num(d.slotsActive)));
  const prqIn = num(at(t.iommu, 'prq.queued')) + sumValues(at(t.iommu, 'drops'));
  checks.push(eq('conservation: PRQ (iommu) accepted = queued + dropped', 'page requests sent', num(d.pageRequests), 'queued + dropped', prqIn));
  checks.push(eq('conservation: PRQ (host) queued = processed', 'queued by iommu', num(at(t.iommu, 'prq.queued')), 'processed by host', num(t.host.descriptors)));
  const vprqIn = num(at(t.vmm, 'injected.descs')) + sumValues(at(t.vmm, 'vprqDrops'));
  checks.push(
    eq('conservation: vPRQ (vmm) records read = injected + dropped', 'records read', num(at(t.vmm, 'reads.records')) - num(at(t.vmm, 'reads.unmappedRecords')), 'injected + dropped', vprqIn),
  );
  checks.push(eq('conservation: vPRQ (guest) injected = processed', 'injected', num(at(t.vmm, 'injected.descs')), 'processed by guest', num(t.guest.descriptors)));
  const owed = Object.entries(pending).filter(([, n]) => n > 0);
  checks.push({
    name: 'liveness: nothing owed at the end',
    ok: quiescent && owed.length === 0,
    detail: quiescent ? (owed.length === 0 ? 'every tier is idle and owes nothing' : `still owed: ${owed.map(([k, n]) => `${k} ${n}`).join(', ')}`) : 'the run did not reach quiescence',
  });
  return checks;
}
