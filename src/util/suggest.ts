// "Did you mean …?": the closest of a set of known names to a mistyped one, by edit
// distance, for every message that rejects a name (scenario keys, commands, options,
// scenario and bug names).

/** The known name nearest to `word` (case-insensitive), or undefined when none is within two edits. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const o of options) {
    // The distance is at least the difference in length: skip the quadratic table when that alone rules it out (a 50 MB key).
    if (Math.abs(o.length - word.length) >= bestD) continue;
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  return best;
}

/** ` (did you mean 'x'?)` when a near name exists, else ''. */
export function didYouMean(word: string, options: readonly string[]): string {
  const near = closest(word, options);
  return near === undefined ? '' : ` (did you mean '${near}'?)`;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i]![j] = Math.min(dp[i - 1]![j]! + 1, dp[i]![j - 1]! + 1, dp[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length]![b.length]!;
}
