// Check events: what the tiers tell the checker (src/check/) about page request groups,
// queues, responses and translations. They are simulator-only observations, never part of
// the modelled machine, and they are protocol messages so that one codec serves the
// per-worker log rings of a threaded run. Tags 0x600..0x6ff. Every event fits the widest
// message slot (13 words with the tag). Small numeric enums name layers, queues, queue
// operations and reasons; the name tables below turn them back into words for reports.

export const checkEventSpecs = {
  /**
   * The device raised a page request group. `incarnation`: how many groups this function raised before (ABA guard for a reused PRGI).
   * `pasidGen`: the incarnation of the PASID's address space the group belongs to (1, then +1 at each rebind; chk.pasidBind).
   */
  'chk.raise': { tag: 0x601, fields: { ghost: 'u32', rid: 'u16', pasid: 'u32', pasidPresent: 'bool', prgi: 'u16', requests: 'u16', incarnation: 'u32', firstPage: 'u32', pasidGen: 'u32' } },
  /** The device sent page request `index` of a group (`last` on the final one). */
  'chk.pageReq': { tag: 0x602, fields: { ghost: 'u32', index: 'u16', last: 'bool' } },
  /** A queue did something with `count` items (page requests, records or groups) of a group: op from checkQueueOp. */
  'chk.queue': { tag: 0x603, fields: { queue: 'u8', op: 'u8', ghost: 'u32', count: 'u16', reason: 'u8' } },
  /** A layer's IOPF core received one page request of a group (page = its address / 4096). */
  'chk.reqSeen': { tag: 0x604, fields: { layer: 'u8', ghost: 'u32', page: 'u32', last: 'bool' } },
  /** A layer delivered a whole group of `requests` page requests to its handler. */
  'chk.deliver': { tag: 0x605, fields: { layer: 'u8', ghost: 'u32', requests: 'u16' } },
  /**
   * A layer sent the response of a group (to the device for host and iommu; upwards for guest and vmm).
   * `auto`: the layer answered on its own (auto-response, no handler, overflow) instead of passing on its handler's answer.
   */
  'chk.respond': { tag: 0x606, fields: { layer: 'u8', ghost: 'u32', code: 'u8', rid: 'u16', prgi: 'u16', auto: 'bool' } },
  /** A PRG response reached the device; `ghost` is the group it matched (0: none, unexpected PRGI). */
  'chk.respDelivered': { tag: 0x607, fields: { ghost: 'u32', rid: 'u16', prgi: 'u16', code: 'u8' } },
  /** A layer retired `requests` page requests of a group without a response of its own (discarded partial, PRI stopped...). */
  'chk.retire': { tag: 0x608, fields: { layer: 'u8', ghost: 'u32', reason: 'u8', requests: 'u16' } },
  /** A DMA used a cached translation of (asid, page) made from the page table at `version`. */
  'chk.xlateUsed': { tag: 0x609, fields: { asid: 'u32', page: 'u32', version: 'u32' } },
  /** An invalidation of `pages` pages from firstPage in asid completed; translations older than `version` are gone. */
  'chk.invDone': { tag: 0x60a, fields: { asid: 'u32', firstPage: 'u32', pages: 'u32', version: 'u32' } },
  /** The host started draining (rid, pasid) of incarnation `gen` before freeing the PASID (VT-d intel_drain_pasid_prq). */
  'chk.drainStart': { tag: 0x60b, fields: { rid: 'u16', pasid: 'u32', gen: 'u32' } },
  /** That drain completed: every request of (rid, pasid, gen) is to have been answered in every layer (I5). */
  'chk.drainDone': { tag: 0x60c, fields: { rid: 'u16', pasid: 'u32', gen: 'u32' } },
  /** (rid, pasid) was bound to a new address space: incarnation `gen` from now on (I7). */
  'chk.pasidBind': { tag: 0x60d, fields: { rid: 'u16', pasid: 'u32', gen: 'u32' } },
  /**
   * The scenario's liveness plan (I8), announced once at start by the tier that runs the fault windows:
   * from healAtNs (run time) on, every group is to be answered within boundNs.
   */
  'chk.liveness': { tag: 0x60e, fields: { healAtNs: 'u64', boundNs: 'u64' } },
} as const;

export const checkLayer = { device: 0, iommu: 1, host: 2, vmm: 3, guest: 4 } as const;
/**
 * cmdq: the IOMMU's command (invalidation) queue, one item per command (ghost 0: it runs in order).
 * priCredits: a function's outstanding PRI credits, `count` page requests per group (ghost), held
 * from the raise until the response gives them back. Both are measured (src/check/metrics-collector.ts),
 * not judged by I4.
 */
/** deviceBacklog: open-loop arrivals a device holds until a slot may issue them (actors/device/backlog.ts); keyed by address space + 1, not by group. */
export const checkQueue = { prq: 0, hostCore: 1, faultFd: 2, vprq: 3, guestCore: 4, cmdq: 5, priCredits: 6, deviceBacklog: 7 } as const;
/**
 * accept: the item reached the queue; then enqueue or drop (with a reason); dequeue takes it out.
 * move: the item moved inside the queue (faultFd: read() took the group from the deliver list into the response map).
 */
export const checkQueueOp = { accept: 0, enqueue: 1, drop: 2, dequeue: 3, move: 4 } as const;
export const checkReason = {
  none: 0,
  overflow: 1,
  priDisabled: 2,
  malformed: 3,
  stopMarker: 4,
  noHandler: 5,
  discardPartial: 6,
  detach: 7,
  replace: 8,
  destroy: 9,
  unmapped: 10,
  priStopped: 11,
  backlogFull: 12,
  functionRemoved: 13,
} as const;

const invert = (o: Record<string, number>): string[] => {
  const names: string[] = [];
  for (const [k, v] of Object.entries(o)) names[v] = k;
  return names;
};
export const layerNames = invert(checkLayer);
export const queueNames = invert(checkQueue);
export const queueOpNames = invert(checkQueueOp);
export const reasonNames = invert(checkReason);

export type CheckLayer = (typeof checkLayer)[keyof typeof checkLayer];
export type CheckQueue = (typeof checkQueue)[keyof typeof checkQueue];
