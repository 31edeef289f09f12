// Overrides of a scenario's keys from the command line (`--set iommu.prqEntries=64`,
// `--duration-ms 5`): applied to the document as written, before defaults and before the
// schema, so an override is checked exactly like the file, and an error it causes names the
// option as the user wrote it.

import { fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';
import { parseText } from './parse-text.ts';
import { describeValue } from './validate.ts';

export interface ScenarioOverride {
  /** Dotted keys with numeric list indexes: `devices.0.pasids`. */
  path: string;
  value: unknown;
  /** How the user wrote it, for messages: `--set iommu.prqEntries=64`, `--duration-ms 0`. */
  option: string;
}

/** An override as applied: where it landed, in the validator's path form (`scenario.devices[0].pasids`). */
export interface AppliedOverride {
  override: ScenarioOverride;
  schemaPath: string;
}

const setForm = '--set path=value (e.g. --set iommu.prqEntries=64 or --set devices[0].pasids=[1, 2])';
const pathSyntax = /^[^.[\]=\s]+(?:\.[^.[\]=\s]+|\[\d+\])*$/;

/** `path=value`, the value a YAML flow value (number, boolean, null, string, `[a, b]`, `{k: v}`). */
export function parseSetOption(text: string): ScenarioOverride {
  const option = `--set ${excerpt(text)}`;
  const bad = (why: string): never => fail('FAULTLINE_CLI_OPTION', `${option}: ${why}; the form is ${setForm}`);
  const eq = text.indexOf('=');
  if (eq < 0) bad("no '='");
  const rawPath = text.slice(0, eq).trim();
  if (rawPath === '') bad('no path before the =');
  if (!pathSyntax.test(rawPath)) bad(`'${excerpt(rawPath)}' is not a path of keys separated by dots`);
  let value: unknown;
  try {
    value = parseText(text.slice(eq + 1), '--set value', 'yaml', '--set value').value;
  } catch (err) {
    bad(`the value is not a YAML value (${(err as Error).message.replace(/^FAULTLINE_[A-Z_]+: --set value:/, '').trim()})`);
  }
  return { path: rawPath.replace(/\[(\d+)\]/g, '.$1'), value, option };
}

/** Apply `overrides` in order to `doc` (a parsed document, changed in place); the result may be a new root. */
export function applyOverrides(doc: unknown, overrides: readonly ScenarioOverride[]): { doc: unknown; applied: AppliedOverride[] } {
  const root = doc === null || doc === undefined ? {} : doc;
  const applied: AppliedOverride[] = [];
  for (const o of overrides) {
    const segments = o.path.split('.');
    let where = 'scenario';
    let node: unknown = root;
    segments.forEach((seg, i) => {
      if (typeof node !== 'object' || node === null) {
        fail('FAULTLINE_SCENARIO_INVALID', `${o.option}: ${where}: is ${describeValue(node)}, not an object or a list; cannot set '${excerpt(seg)}' in it`, { path: where });
      }
      const last = i === segments.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(segments[i + 1]!);
      const fresh = (): unknown => (nextIsIndex ? [] : {});
      if (Array.isArray(node)) {
        if (!/^\d+$/.test(seg)) fail('FAULTLINE_SCENARIO_INVALID', `${o.option}: ${where}: is a list; '${excerpt(seg)}' is not an index (0..${node.length})`, { path: where });
        const index = Number(seg);
        if (index > node.length) {
          fail('FAULTLINE_SCENARIO_INVALID', `${o.option}: ${where}: has ${node.length} items; index ${index} is past the end (use 0..${node.length - 1}, or ${node.length} to add one)`, {
            path: where,
          });
        }
        where = `${where}[${index}]`;
        if (last) node[index] = o.value;
        else if (typeof node[index] !== 'object' || node[index] === null) node[index] = fresh();
        node = node[index];
      } else {
        const obj = node as Record<string, unknown>;
        where = `${where}.${seg}`;
        // defineProperty, so `__proto__` becomes an own key the schema refuses rather than a prototype.
        const own = Object.hasOwn(obj, seg) ? obj[seg] : undefined;
        if (last) define(obj, seg, o.value);
        else if (own === undefined || own === null) define(obj, seg, fresh());
        node = obj[seg];
      }
    });
    applied.push({ override: o, schemaPath: where });
  }
  return { doc: root, applied };
}

function define(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The override an error at `errorPath` comes from: the last one at, under or above that path. */
export function overrideAt(errorPath: string, applied: readonly AppliedOverride[]): AppliedOverride | undefined {
  const within = (inner: string, outer: string): boolean => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  for (let i = applied.length - 1; i >= 0; i--) {
    const a = applied[i]!;
    if (within(errorPath, a.schemaPath) || within(a.schemaPath, errorPath)) return a;
  }
  return undefined;
}
