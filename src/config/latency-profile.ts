// The calibrated latency profiles a scenario can name with `sim.profile` (simulator only): a
// latency for every hop of the nested topology and a service cost for the work a tier does per
// message, each with where its number comes from. One place: every figure the simulator uses
// for "a realistic machine" is here. Keys are the scenario's (src/scenario/sim-timing.ts):
// hops by channel name, service costs by what the work is.
//
// How to read a source: "measured" is a published measurement used as is; "derived" is a
// published figure turned into this one by the arithmetic given; "estimate" is this file's
// judgement where no measurement was found, with what bounds it. A software cost is log-normal
// (a median and a spread: a long right tail, as measured latencies have); a hardware hop is
// fixed. Where the profile names nothing (the device's DMA engines, the IOMMU's own work),
// the cost is 0: no published figure was found for it.

import type { Distribution } from '../util/distribution.ts';

export interface ProfileEntry {
  readonly value: Distribution;
  readonly source: string;
}

export interface LatencyProfile {
  readonly name: string;
  readonly description: string;
  /** Latency per hop, by channel name (`dev->iommu`). */
  readonly hops: Readonly<Record<string, ProfileEntry>>;
  /** Service cost per delivery, by service key (`prqDescriptor`, `host`). */
  readonly service: Readonly<Record<string, ProfileEntry>>;
}

const pcieOneWay: ProfileEntry = {
  value: { dist: 'fixed', value: 450 },
  source:
    'derived: half of a PCIe Gen3 x8 endpoint-to-host round trip of about 850–900 ns measured with an FPGA ping-pong (hackingnasdaq, "PCIe latency", 2014, http://hackingnasdaq.blogspot.com/2014/05/pcie-latency.html); the same order as the small-DMA latencies pcie-bench measures (Neugebauer et al., "Understanding PCIe performance for end host networking", SIGCOMM 2018, https://doi.org/10.1145/3230543.3230560)',
};

const syscallCrossing: ProfileEntry = {
  value: { dist: 'fixed', value: 150 },
  source:
    'derived: half of a null system call round trip of about 300 ns with the Meltdown/Spectre mitigations (KPTI) on Skylake (getpid in a loop; "what a syscall actually costs you", https://blog.i0.pm/posts/the-cost-of-a-syscall-measured-190303/)',
};

const threadWakeup: ProfileEntry = {
  value: { dist: 'lognormal', median: 2000, sigma: 0.5 },
  source:
    'derived: waking a sleeping thread is a context switch: about 1.1 µs per switch between two pthreads over a pipe on Linux 6.6 (https://ddumbying.vercel.app/experiments/ctx-switch-overhead), several µs with cache effects on older Xeons (Tsuna, "How long does it take to make a context switch?", https://blog.tsunanet.net/2010/11/how-long-does-it-take-to-make-context.html); median 2 µs between the two, spread 0.5',
};

const irqThreadWakeup: ProfileEntry = {
  value: { dist: 'lognormal', median: 1500, sigma: 0.5 },
  source:
    'derived: the page request interrupt is a threaded IRQ (drivers/iommu/intel/prq.c intel_iommu_enable_prq: request_threaded_irq(irq, NULL, prq_event_thread, IRQF_ONESHOT, …)), so each interrupt is a hardirq entry plus a wake-up of one kernel thread: about a context switch (1.1 µs, https://ddumbying.vercel.app/experiments/ctx-switch-overhead) plus interrupt entry; median 1.5 µs, spread 0.5',
};

export const mainlineX86: LatencyProfile = {
  name: 'mainline-x86',
  description: 'an x86 server (VT-d, KPTI on, posted interrupts) running mainline Linux, KVM and a QEMU-like VMM',
  hops: {
    'dev->iommu': pcieOneWay,
    'iommu->dev': pcieOneWay,
    'iommu->host': {
      value: { dist: 'fixed', value: 450 },
      source: 'derived: the IOMMU writes the page request descriptor to the PRQ in host memory and signals an MSI: one posted write across the root complex, as a PCIe one-way trip (see dev->iommu)',
    },
    'host->iommu': {
      value: { dist: 'fixed', value: 450 },
      source: 'derived: the driver writes the invalidation queue tail register (MMIO, posted) and the IOMMU fetches the descriptor: a one-way trip as dev->iommu',
    },
    'vmm->host': syscallCrossing,
    'host->vmm': syscallCrossing,
    'vmm->guest': {
      value: { dist: 'fixed', value: 700 },
      source:
        'derived: the virtual PRQ entry is written to guest memory and its interrupt posted to the running vCPU (posted interrupts: no VM exit); bounded by the 0.71 µs average EXTERNAL_INTERRUPT VM exit that posting avoids, measured with perf kvm stat (Linux commit 0c5f81dad46c, "KVM: LAPIC: Inject timer interrupt via posted interrupt")',
    },
    'guest->vmm': {
      value: { dist: 'lognormal', median: 2000, sigma: 0.4 },
      source:
        'estimate: the guest writes the vIOMMU invalidation queue tail (an MMIO write), which exits to KVM (about 0.7 µs handled in the kernel, Linux commit 0c5f81dad46c) and on to the VMM in user space and back (two more kernel crossings, about 0.3 µs each with KPTI, https://blog.i0.pm/posts/the-cost-of-a-syscall-measured-190303/) plus the VMM dispatch; median 2 µs, spread 0.4',
    },
  },
  service: {
    prqInterrupt: irqThreadWakeup,
    prqDescriptor: {
      value: { dist: 'lognormal', median: 1000, sigma: 0.5 },
      source:
        'estimate: prq_event_thread per descriptor (iommu_report_device_fault: group lookup and allocation, iommufd_fault_iopf_handler queueing the group and waking the fault fd); under the 3.5–5.7 µs a whole minor fault costs on an IOMMU-detected software fault path (NP-RDMA, arXiv 2310.11062, https://arxiv.org/abs/2310.11062), which also resolves the fault; median 1 µs',
    },
    iommufdCall: {
      value: { dist: 'lognormal', median: 800, sigma: 0.4 },
      source:
        "derived: a read or write system call on the fault fd: the kernel crossing (about 300 ns for a null call with KPTI, https://blog.i0.pm/posts/the-cost-of-a-syscall-measured-190303/) plus copying whole groups of 40-byte records and the fault object's locking; median 0.8 µs, spread 0.4",
    },
    iommufdWriteRecord: {
      value: { dist: 'lognormal', median: 1000, sigma: 0.4 },
      source: 'estimate: per 8-byte response written: the cookie lookup (xa_erase), iopf_group_response and the page group response descriptor submitted to the invalidation queue; median 1 µs',
    },
    vmmPollWake: threadWakeup,
    vmmInjectRecord: {
      value: { dist: 'lognormal', median: 500, sigma: 0.4 },
      source: 'estimate: the VMM maps dev_id to the virtual RID, remembers the cookie and writes one virtual PRQ entry to guest memory: user-space work without a system call; median 0.5 µs',
    },
    guestInterrupt: {
      ...irqThreadWakeup,
      source: `derived: the guest runs the same driver (a threaded page request IRQ) on a posted interrupt: ${irqThreadWakeup.source}`,
    },
    guestDescriptor: {
      value: { dist: 'lognormal', median: 4500, sigma: 0.3 },
      source:
        'measured: a minor fault handled in software costs 3.5–5.7 µs (NP-RDMA, arXiv 2310.11062, https://arxiv.org/abs/2310.11062); the guest resolves the fault (maps the page in its stage-1 table) and answers; median 4.5 µs, spread 0.3 (about 3.5–5.7 µs within ±0.8σ)',
    },
  },
};

export const latencyProfiles: Readonly<Record<string, LatencyProfile>> = { [mainlineX86.name]: mainlineX86 };
