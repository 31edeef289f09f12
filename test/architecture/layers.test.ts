// Imports flow one way: cli → api → explore → runtime / harness → report → scenario / check →
// actors → machines / queues / iopf / config / metrics / actor → protocol → transport → util.
// This reads every import of the shipped code (not tests or benches) and fails on an import
// that goes up a layer, on a folder-level cycle, and on a command line that reaches past the API.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Each folder's layer: a folder may import its own layer's folders (without cycles) and lower ones. */
const rank: Record<string, number> = {
  'src/cli': 10,
  'src/api': 9,
  'src/explore': 8,
  'src/runtime': 7,
  'src/harness': 7,
  'src/report': 6,
  'src/scenario': 5,
  'src/check': 5,
  actors: 4,
  machines: 3,
  'src/machines': 3,
  'src/queues': 3,
  'src/iopf': 3,
  'src/config': 3,
  'src/metrics': 3,
  'src/actor': 3,
  'src/protocol': 2,
  'src/transport': 1,
  'src/util': 0,
};
/** The command line is a thin layer over the API: it imports the API and the utilities only. */
const cliMayImport = new Set(['src/api', 'src/util']);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function folderOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' ? `src/${parts[1]}` : parts[0]!;
}

interface Edge {
  from: string;
  to: string;
  file: string;
  target: string;
}

function edges(): Edge[] {
  const out: Edge[] = [];
  const files = ['actors', 'machines', 'src'].flatMap(sourceFiles).filter((f) => !f.startsWith('src/index.ts'));
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const target = relative(root, normalize(join(root, dirname(file), (m[1] ?? m[2])!)));
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ from, to, file, target });
    }
  }
  return out;
}

const upward = (es: readonly Edge[]): string[] => es.filter((e) => rank[e.from]! < rank[e.to]!).map((e) => `${e.file} → ${e.target} (${e.from} is below ${e.to})`);

describe('the layers of the code', () => {
  const all = edges();

  it('knows every folder', () => {
    const unknown = [...new Set(all.flatMap((e) => [e.from, e.to]))].filter((f) => rank[f] === undefined);
    expect(unknown, 'give each new folder a layer in this test').toEqual([]);
  });

  it('never imports a higher layer', () => {
    expect(upward(all)).toEqual([]);
  });

  it('has no folder-level cycle', () => {
    const next = new Map<string, Set<string>>();
    for (const e of all) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to));
    const cycles: string[] = [];
    const visit = (path: string[]): void => {
      for (const to of next.get(path[path.length - 1]!) ?? []) {
        if (to === path[0]) cycles.push([...path, to].join(' → '));
        else if (!path.includes(to) && to > path[0]!) visit([...path, to]);
      }
    };
    for (const f of next.keys()) visit([f]);
    expect(cycles).toEqual([]);
  });

  it('keeps the command line on the API', () => {
    const past = all.filter((e) => e.from === 'src/cli' && !cliMayImport.has(e.to)).map((e) => `${e.file} → ${e.target}`);
    expect(past).toEqual([]);
  });

  it('catches an import that goes up (the check itself can fail), and sees the imports that go down', () => {
    expect(upward([{ from: 'actors', to: 'src/scenario', file: 'actors/x.ts', target: 'src/scenario/load.ts' }])).toHaveLength(1);
    expect(all.some((e) => e.from === 'actors' && e.to === 'src/protocol')).toBe(true);
    expect(all.some((e) => e.from === 'src/cli' && e.to === 'src/api')).toBe(true);
  });
});
