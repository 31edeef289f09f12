// Opt-in bug toggles: historic bugs of the real stack (reference §7, R1–R24) that the
// model can reproduce, so a user can watch the checks catch them. Every toggle is off by
// default; a scenario or `--bug NAME` turns it on.

export interface BugToggle {
  name: string;
  race: string;
  tier: 'device' | 'iommu' | 'host' | 'vmm' | 'guest';
  summary: string;
  /** The shipped scenario that shows it (with `with` turned on too), and the invariants that catch it there. */
  shownBy: { scenario: string; invariants: string; with?: string; simOnly?: true };
}

export const bugToggles: readonly BugToggle[] = [
  {
    name: 'clear-pro-early',
    race: 'R4',
    tier: 'host',
    summary: 'the PRQ consumer clears the overflow flag without checking that the queue is empty',
    shownBy: { scenario: 'prq-clear-pro-early', invariants: 'I6' },
  },
  {
    name: 'replace-wrong-hwpt',
    race: 'R11',
    tier: 'host',
    summary: 'replace auto-answers the new hwpt instead of the old one, so the old groups stay pending',
    shownBy: { scenario: 'replace-with-pending', invariants: 'I1, I8' },
  },
  {
    name: 'destroy-misses-read',
    race: 'R12',
    tier: 'host',
    summary: 'fault object destroy answers the deliver list but not read-but-unanswered groups',
    shownBy: { scenario: 'fault-fd-close-pending', invariants: 'I1, I4, I8', with: 'replace-wrong-hwpt' },
  },
  {
    name: 'vmm-prgi-only-match',
    race: 'R20',
    tier: 'vmm',
    summary: 'the VMM matches guest responses by PRG index only and answers every group with that index',
    shownBy: { scenario: 'flr-prgi-reuse', invariants: 'I2' },
  },
  {
    name: 'vprq-drop-leaks-cookie',
    race: 'R20',
    tier: 'vmm',
    summary: 'a last request dropped by a full virtual PRQ leaves its host group pending (the cookie is remembered)',
    shownBy: { scenario: 'vprq-overflow', invariants: 'I1, I8' },
  },
  {
    name: 'vmm-failure-passthrough',
    race: 'R20',
    tier: 'vmm',
    summary: 'the VMM forwards a guest Response Failure as iommufd code 2, which the host refuses (-EINVAL): the group stays pending until teardown',
    shownBy: { scenario: 'guest-response-failure', invariants: 'I1, I8' },
  },
  {
    name: 'atc-before-iotlb',
    race: 'R18',
    tier: 'host',
    summary: 'HWPT_INVALIDATE issues the device-TLB (ATC) invalidation before the IOTLB invalidation, so an ATS refill can fetch the stale IOTLB entry',
    shownBy: { scenario: 'atc-before-iotlb', invariants: 'I3' },
  },
  {
    name: 'no-drain-before-reuse',
    race: 'R1',
    tier: 'host',
    summary: 'a freed PASID is rebound as soon as the device stopped, without the PRQ drain: requests of the old address space still queued reach the new one',
    shownBy: { scenario: 'pasid-teardown-reuse', invariants: 'I7' },
  },
  {
    name: 'atc-keeps-raced-translation',
    race: '§1.4',
    tier: 'device',
    summary: 'the ATC caches (and uses) a translation completion that raced an overlapping ATC invalidation: a stale entry survives the invalidation',
    shownBy: { scenario: 'ats-vs-atc-invalidate', invariants: 'I3' },
  },
];

export const bugNames = bugToggles.map((b) => b.name);

/**
 * Bugs of current mainline: no toggle turns them on, the default model has them. Each names the
 * scenario that shows it with no toggle and the option that models what a fix would do.
 */
export interface MainlineBug {
  race: string;
  tier: BugToggle['tier'];
  summary: string;
  shownBy: { scenario: string; invariants: string; simOnly?: true };
  /** The scenario option that models the fix. */
  fix: string;
}

export const mainlineBugs: readonly MainlineBug[] = [
  {
    race: 'R22',
    tier: 'host',
    summary:
      'with no handler attached every page request is answered Invalid, non-last ones too (io-pgfault.c iommu_report_device_fault → err_bad_iopf): the device gets a response per request of the group',
    shownBy: { scenario: 'no-handler-partial', invariants: 'I1', simOnly: true },
    fix: 'host.noHandlerResponse: last-request',
  },
];

export function bugsFor(tier: BugToggle['tier'], enabled: readonly string[]): string[] {
  return enabled.filter((n) => bugToggles.find((b) => b.name === n)?.tier === tier);
}
