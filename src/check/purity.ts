// The purity rule, enforced: actor and machine code must not touch time, randomness,
// shared memory, timers or async, because all of that must come through `ctx` for a run
// to replay. This walks the TypeScript syntax tree (comments and strings cannot trip it)
// and reports each use with its file, line and the rule it breaks.

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
    } else if (ts.isPropertyAccessExpression(node) && node.expression.getText(sf) === 'Math' && node.name.text === 'random') {
      report(node, 'Math.random: randomness outside the seed: use ctx.rng');
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
