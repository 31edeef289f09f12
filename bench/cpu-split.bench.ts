// Where the CPU of a nested fault goes, on threads: a default-storm run under V8's sampling
// profiler (every worker writes a profile), self time classified by the file it runs in —
// transport and runtime (rings, eventfds, codecs, the worker loop), machines (the executor
// and machine definitions), tier logic (actors, the IOPF core, the PRQ rules), the online
// checker (monitors on the orchestrator's thread), garbage
// collection, other (Node, the loader). Time a worker spends parked in Atomics.wait is not
// CPU and is reported apart. Profiling slows the run; the split is what this measures.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const categories = ['transport+runtime', 'machines', 'tier logic', 'checker (online monitors)', 'gc', 'native (V8/libuv: wake-ups, syscalls)', 'other', 'parked', 'idle', 'startup'] as const;
type Category = (typeof categories)[number];

function classify(frame: ProfileNode['callFrame']): Category {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(program)') return 'native (V8/libuv: wake-ups, syscalls)';
  if (functionName === 'parkOnWord') return 'parked';
  // Module loading through tsx happens once per worker at start-up, before the run's clock starts.
  if (
    /esm\/|\/tsx\/|register-|bootstrap\/|esbuild|modules\/|cjs\/|lexer|node:internal|^node:/.test(url) ||
    ['makeSyncRequest', 'waitForWorker', 'compileForInternalLoader', 'openFileHandle', 'fstat', 'wrapSafe', 'postMessage', 'close', 'read', 'readFileUtf8', 'lstat', 'internalBinding'].includes(
      functionName,
    )
  )
    return 'startup';
  if (url.includes('/src/check/')) return 'checker (online monitors)';
  if (/\/src\/(transport|runtime|protocol)\//.test(url) || url.includes('/src/util/')) return 'transport+runtime';
  if (/\/src\/machines\/|\/machines\//.test(url)) return 'machines';
  if (/\/actors\/|\/src\/iopf\/|\/src\/queues\/|\/src\/report\//.test(url)) return 'tier logic';
  return 'other';
}

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-cpu-'));
  const root = fileURLToPath(new URL('../', import.meta.url));
  const runMs = Number(process.env.BENCH_CPU_MS ?? 3000);
  const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'bench/fixtures/nested-threads-run.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, RUN_MS: String(runMs) },
  });
  const runReport = JSON.parse(out.trim().split('\n').pop()!) as { faults: number; perSec: number; ok: boolean };
  const totalsUs = Object.fromEntries(categories.map((c) => [c, 0])) as Record<Category, number>;
  const otherUs = new Map<string, number>();
  for (const f of readdirSync(dir)) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const frame = byId.get(id)!.callFrame;
      const c = classify(frame);
      totalsUs[c] += p.timeDeltas[i] ?? 0;
      if (c === 'other') {
        const k = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}`;
        otherUs.set(k, (otherUs.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
      }
    });
  }
  rmSync(dir, { recursive: true, force: true });
  const cpuCats = categories.filter((c) => c !== 'parked' && c !== 'idle' && c !== 'startup');
  const cpuUs = cpuCats.reduce((n, c) => n + totalsUs[c], 0);
  const perFaultUs = Object.fromEntries(cpuCats.map((c) => [c, totalsUs[c] / runReport.faults]));
  console.log(`\nCPU per nested fault on threads (profiled default-storm, ${runMs} ms, ${runReport.faults} faults, checks ${runReport.ok ? 'ok' : 'FAILED'}):`);
  for (const c of cpuCats) console.log(`  ${c.padEnd(40)} ${(totalsUs[c] / runReport.faults).toFixed(1).padStart(7)} µs   ${((100 * totalsUs[c]) / cpuUs).toFixed(1).padStart(5)} %`);
  console.log(
    `  ${'total CPU'.padEnd(40)} ${(cpuUs / runReport.faults).toFixed(1).padStart(7)} µs   (not counted: parked in Atomics.wait ${(totalsUs.parked / 1e6).toFixed(2)} s, module loading at start-up ${(totalsUs.startup / 1e6).toFixed(2)} s of thread time)`,
  );
  const topOther = [...otherUs.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4);
  console.log(`  largest in other: ${topOther.map(([k, us]) => `${k.trim()} ${(us / runReport.faults).toFixed(1)} µs`).join(', ')}`);
  return { faults: runReport.faults, perFaultUs, totalCpuUsPerFault: cpuUs / runReport.faults, parkedSec: totalsUs.parked / 1e6, runMs };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
