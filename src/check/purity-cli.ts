// `npm run purity`: checks every actor and machine source file against the purity rule and
// exits non-zero, listing each violation, when any breaks it.

import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPurityFiles } from './purity.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** Pure code: actor step logic, machine definitions, the machine executor and the shared tier logic. */
export const pureRoots = ['actors', 'machines', 'src/actor', 'src/machines', 'src/iopf', 'src/queues'];

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

const files = pureRoots.flatMap((r) => tsFiles(join(root, r)));
const violations = checkPurityFiles(files);
for (const v of violations) console.error(`${relative(root, v.file)}:${v.line}:${v.column}  ${v.rule}  (${v.text})`);
if (violations.length > 0) {
  console.error(`purity: ${violations.length} violation(s) in actor/machine code; route time, randomness, timers and I/O through ctx`);
  process.exit(1);
}
console.log(`purity: ${files.length} actor/machine files checked, no violations`);
