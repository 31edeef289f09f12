// The purity rule, enforced: actor and machine code must not touch time, randomness,
// shared memory, timers or async, because all of that must come through `ctx` for a run
// to replay. This walks the TypeScript syntax tree (comments and strings cannot trip it)
// and reports each use with its file, line and the rule it breaks. A banned global is
// rejected wherever it is named, so it cannot be aliased; the global object (globalThis)
// is rejected outright, and Math is allowed only as Math.name or Math['name'] with a name
// other than random, so no alias of it can reach Math.random.

import { readFileSync } from 'node:fs';
import ts from 'typescript';

export interface PurityViolation {
  file: string;
  line: number;
  column: number;
  rule: string;
  text: string;
}

/** Globals whose mere mention breaks replay. */
const bannedGlobals = new Map<string, string>([
  ['Date', 'reads the wall clock: use ctx.now()'],
  ['performance', 'reads the wall clock: use ctx.now()'],
  ['Atomics', 'touches shared memory: actors talk only through ctx.send'],
  ['SharedArrayBuffer', 'touches shared memory: actors talk only through ctx.send'],
  ['setTimeout', 'a real timer: use ctx.timer()'],
  ['setInterval', 'a real timer: use ctx.timer()'],
  ['setImmediate', 'a real timer: use ctx.timer()'],
  ['queueMicrotask', 'asynchronous work: steps are synchronous'],
  ['process', 'reaches the host process (time, environment)'],
  ['crypto', 'randomness outside the seed: use ctx.rng'],
  ['WeakRef', 'depends on garbage collection'],
  ['FinalizationRegistry', 'depends on garbage collection'],
  ['Promise', 'asynchronous work: steps are synchronous'],
  ['Worker', 'threads belong to the runtime'],
]);

/** Names of the global object: through them every banned global is one property away. */
const globalObjects = new Set(['globalThis', 'global']);

const mathRandom = 'Math.random: randomness outside the seed: use ctx.rng';

const bannedModules = /^(node:)?(worker_threads|perf_hooks|timers|timers\/promises|crypto|fs|fs\/promises|child_process|os)$/;

export function checkPuritySource(file: string, source: string): PurityViolation[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: PurityViolation[] = [];
  const report = (node: ts.Node, rule: string): void => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    out.push({ file, line: line + 1, column: character + 1, rule, text: node.getText(sf).split('\n')[0]!.slice(0, 80) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && bannedGlobals.has(node.text) && isFreeReference(node)) {
      report(node, `${node.text}: ${bannedGlobals.get(node.text)}`);
    } else if (ts.isIdentifier(node) && globalObjects.has(node.text) && isFreeReference(node)) {
      // globalThis.Date, globalThis['performance'], const g = globalThis: pure code has no use for the global object.
      const key = memberKey(node);
      if (key !== undefined && bannedGlobals.has(key)) report(node.parent, `${node.text}.${key}: ${bannedGlobals.get(key)}`);
      else report(node, `${node.text}: the global object reaches every global (Date, performance, Math.random) around this check`);
    } else if (ts.isIdentifier(node) && node.text === 'Math' && isFreeReference(node)) {
      // Math only as Math.name or Math['name']: an alias (const m = Math, const { random } = Math,
      // f(Math)) or a computed key could reach Math.random where this check cannot see it.
      const key = memberKey(node);
      if (key === 'random') report(node.parent, mathRandom);
      else if (key === undefined && destructuresRandom(node)) report(node.parent, mathRandom);
      else if (key === undefined) report(node, 'Math as a value: an alias or a computed key can reach Math.random; call Math.floor and the others directly');
    } else if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      report(node, 'async: steps and machines are synchronous');
    } else if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      report(node, 'await: steps and machines are synchronous');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, 'dynamic import: asynchronous module loading');
    } else if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier) && bannedModules.test(node.moduleSpecifier.text)) {
      report(node, `import of '${node.moduleSpecifier.text}': host facilities belong to the runtime`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/**
 * The member name `expr.name` or `expr['name']` (a string literal or a template without
 * substitutions) reads from `expr`; undefined when `expr` is used otherwise: as a value or
 * with a computed key.
 */
function memberKey(expr: ts.Expression): string | undefined {
  const p = expr.parent;
  if (ts.isPropertyAccessExpression(p) && p.expression === expr) return p.name.text;
  if (ts.isElementAccessExpression(p) && p.expression === expr && ts.isStringLiteralLike(p.argumentExpression)) return p.argumentExpression.text;
  return undefined;
}

/** `const { random } = Math` (or `{ random: r }`, `{ 'random': r }`). */
function destructuresRandom(expr: ts.Expression): boolean {
  const p = expr.parent;
  if (!ts.isVariableDeclaration(p) || p.initializer !== expr || !ts.isObjectBindingPattern(p.name)) return false;
  return p.name.elements.some((e) => {
    const key = e.propertyName ?? e.name;
    return (ts.isIdentifier(key) || ts.isStringLiteralLike(key)) && key.text === 'random';
  });
}

/** True when the identifier names a global rather than a property, key or local declaration. */
function isFreeReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === id) return false;
  if ((ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isPropertySignature(p) || ts.isMethodDeclaration(p) || ts.isMethodSignature(p)) && p.name === id) return false;
  if (ts.isQualifiedName(p)) return false;
  if (ts.isTypeReferenceNode(p)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isBindingElement(p)) && p.name === id) return false;
  if (ts.isImportSpecifier(p) || ts.isExportSpecifier(p) || ts.isImportClause(p)) return false;
  return true;
}

export function checkPurityFiles(files: string[]): PurityViolation[] {
  return files.flatMap((f) => checkPuritySource(f, readFileSync(f, 'utf8')));
}
