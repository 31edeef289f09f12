// Messages of the example five-stage chain (device → iommu → host → vmm → guest and back):
// the shape of the IOPF path with trivial work, used to prove both runtimes and to give
// the benchmarks their transport ceiling. Tags 1..15.

export const chainSpecs = {
  'chain.req': { tag: 1, fields: { id: 'u32', stage: 'u8', originNs: 'u64' } },
  'chain.resp': { tag: 2, fields: { id: 'u32', stage: 'u8', originNs: 'u64' } },
} as const;
