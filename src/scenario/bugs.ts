// Opt-in bug toggles: historic bugs of the real stack (reference §7, R1–R24) that the
// model can reproduce, so a user can watch the checks catch them. Every toggle is off by
// default; a scenario or `--bug NAME` turns it on.

export interface BugToggle {
  name: string;
  race: string;
  tier: 'device' | 'iommu' | 'host' | 'vmm' | 'guest';
  summary: string;
}

export const bugToggles: readonly BugToggle[] = [
  { name: 'clear-pro-early', race: 'R4', tier: 'host', summary: 'the PRQ consumer clears the overflow flag without checking that the queue is empty' },
  { name: 'no-handler-answers-partial', race: 'R22', tier: 'host', summary: 'a non-last request with no handler attached gets an Invalid response (mainline behaviour)' },
  { name: 'replace-wrong-hwpt', race: 'R11', tier: 'host', summary: 'replace auto-answers the new hwpt instead of the old one, so the old groups stay pending' },
  { name: 'destroy-misses-read', race: 'R12', tier: 'host', summary: 'fault object destroy answers the deliver list but not read-but-unanswered groups' },
  { name: 'vmm-prgi-only-match', race: 'R20', tier: 'vmm', summary: 'the VMM matches guest responses by PRG index only and answers every group with that index' },
  { name: 'vprq-drop-leaks-cookie', race: 'R20', tier: 'vmm', summary: 'a last request dropped by a full virtual PRQ leaves its host group pending (the cookie is remembered)' },
  { name: 'vmm-failure-passthrough', race: 'R20', tier: 'vmm', summary: 'the VMM forwards a guest Response Failure as iommufd code 2, which the host refuses (-EINVAL): the group stays pending until teardown' },
  { name: 'atc-before-iotlb', race: 'R18', tier: 'host', summary: 'HWPT_INVALIDATE issues the device-TLB (ATC) invalidation before the IOTLB invalidation, so an ATS refill can fetch the stale IOTLB entry' },
  { name: 'no-drain-before-reuse', race: 'R1', tier: 'host', summary: 'a freed PASID is rebound as soon as the device stopped, without the PRQ drain: requests of the old address space still queued reach the new one' },
  { name: 'atc-keeps-raced-translation', race: '§1.4', tier: 'device', summary: 'the ATC caches (and uses) a translation completion that raced an overlapping ATC invalidation: a stale entry survives the invalidation' },
];

export const bugNames = bugToggles.map((b) => b.name);

export function bugsFor(tier: BugToggle['tier'], enabled: readonly string[]): string[] {
  return enabled.filter((n) => bugToggles.find((b) => b.name === n)?.tier === tier);
}
