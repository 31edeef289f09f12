// From the text of a scenario (YAML or JSON) to a plain value, safely on any thread: a size
// cap, a nesting-depth cap measured on the yaml package's concrete syntax tree (its parser
// keeps an explicit stack, so a 100 000-deep document is measured, not recursed into, before
// anything recursive sees it), every parse error with its line and column, and `locate`,
// which maps a scenario path (`scenario.devices[0].rid`) to where it is written.

import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, type CST, type Document, type Node } from 'yaml';
import { fail } from '../util/errors.ts';
import { excerpt } from '../util/excerpt.ts';

/** Largest scenario file (1 MiB): the biggest shipped one is a few kB; 256 devices × 64 PASIDs written out is about 200 kB. */
export const scenarioBytesMax = 1 << 20;
/** Deepest nesting of collections a scenario file may have; a scenario needs 4 (scenario.devices[0].pasids). */
export const scenarioDepthMax = 32;

export interface ParsedText {
  value: unknown;
  /** `line:col` of the node at `path` (or of its nearest written ancestor); for unknown keys the key itself. */
  locate(path: string, at: 'key' | 'value'): string;
}

type Format = 'yaml' | 'json';

/** Parse `text`, named `source` in messages; `what` says what the text is ('scenario file', '--set value'). */
export function parseText(text: string, source: string, format: Format, what = 'scenario file'): ParsedText {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > scenarioBytesMax) {
    fail('FAULTLINE_SCENARIO_TOO_LARGE', `${source}: ${bytes} bytes is larger than a ${what} may be (${scenarioBytesMax} bytes, 1 MiB)`);
  }
  const lines = new LineCounter();
  const pos = (offset: number): string => {
    const p = lines.linePos(Math.max(0, Math.min(offset, text.length)));
    return `${p.line === 0 ? 1 : p.line}:${p.col}`;
  };
  const tokens = [...new Parser(lines.addNewLine).parse(text)];
  const deep = firstTooDeep(tokens);
  if (deep !== undefined) {
    fail('FAULTLINE_SCENARIO_PARSE', `${source}:${pos(deep)}: nested more than ${scenarioDepthMax} levels deep; a scenario needs at most 4 (scenario.devices[0].pasids)`);
  }
  const docs = [...new Composer({ prettyErrors: false }).compose(tokens, true, text.length)];
  if (docs.length > 1) fail('FAULTLINE_SCENARIO_PARSE', `${source}:${pos(docs[1]!.range[0])}: a second document; a ${what} holds one`);
  const doc = docs[0]!;
  let value: unknown;
  if (format === 'json') {
    value = parseJson(text, source, pos, doc.errors[0]?.pos[0]);
  } else {
    const err = doc.errors[0];
    if (err !== undefined) fail('FAULTLINE_SCENARIO_PARSE', `${source}:${pos(err.pos[0])}: not valid YAML: ${excerpt(err.message.split('\n')[0]!, 200)}`);
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      fail('FAULTLINE_SCENARIO_PARSE', `${source}:${pos(doc.range[0])}: not valid YAML: ${excerpt((e as Error).message.split('\n')[0]!, 200)}`);
    }
  }
  return { value, locate: (path, at) => pos(offsetOf(doc, path, at)) };
}

/** `yamlErrorAt`: where the YAML parser saw an error in the same text, for the JSON errors V8 gives no position for. */
function parseJson(text: string, source: string, pos: (offset: number) => string, yamlErrorAt: number | undefined): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const message = (e as Error).message;
    // V8 says "at position N" (Node 20) or "(line L column C)" (Node 22), or nothing (then the YAML parser's place, or the end).
    const lc = /line (\d+) column (\d+)/.exec(message);
    const at = lc ? `${lc[1]}:${lc[2]}` : pos(Number(/position (\d+)/.exec(message)?.[1] ?? yamlErrorAt ?? text.length));
    return fail('FAULTLINE_SCENARIO_PARSE', `${source}:${at}: not valid JSON: ${excerpt(message.replace(/ in JSON at position \d+.*$/, '').split('\n')[0]!, 200)}`);
  }
}

/** Offset of the first collection nested deeper than scenarioDepthMax, walking the CST with an explicit stack. */
function firstTooDeep(tokens: readonly CST.Token[]): number | undefined {
  const stack: [CST.Token | undefined, number][] = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (t === undefined) continue;
    if (t.type === 'document') {
      stack.push([t.value, depth]);
    } else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth >= scenarioDepthMax) return t.offset;
      for (const item of t.items) {
        if (item.key) stack.push([item.key, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** `scenario.devices[0].rid` → ['devices', 0, 'rid']. */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

function offsetOf(doc: Document.Parsed, path: string, at: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? doc.range[0];
  const segments = pathSegments(path);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    let next: { key: unknown; value: unknown } | undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair !== undefined) next = { key: pair.key, value: pair.value };
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item !== undefined) next = { key: item, value: item };
    }
    if (next === undefined) break;
    const last = i === segments.length - 1;
    const target = last && at === 'key' ? next.key : (next.value ?? next.key);
    const range = (target as Node | null)?.range ?? (next.key as Node | null)?.range;
    if (range) offset = range[0];
    node = next.value;
  }
  return offset;
}
