// The folder of faultline's package.json, found from this module whether it runs from the
// sources (src/util/) or the build (dist/src/util/), so shipped files (scenarios/, schema/)
// are found the same way in both.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`FAULTLINE_PACKAGE_ROOT: no package.json with scenarios/ above ${from}`);
    dir = up;
  }
}

export const packageRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));
