// Event descriptor matching, as xstate's matchesEventDescriptor: exact, '*', or a trailing
// 'prefix.*' that matches 'prefix.anything…'. Infix wildcards are refused by subset.ts.

export function matchesDescriptor(eventType: string, descriptor: string): boolean {
  if (descriptor === eventType || descriptor === '*') return true;
  if (!descriptor.endsWith('.*')) return false;
  const partial = descriptor.split('.');
  const tokens = eventType.split('.');
  for (let i = 0; i < partial.length; i++) {
    if (partial[i] === '*') return i === partial.length - 1;
    if (partial[i] !== tokens[i]) return false;
  }
  return true;
}
