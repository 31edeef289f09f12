// Removing one element from an array in place, keeping the others' order, without what
// `splice(i, 1)` allocates (the array of removed elements it returns; issue 9). For short
// lists the IOPF path keeps per device or per group, where the element is usually near the front.

/** Removes the first element `=== value`; returns whether there was one. */
export function removeFirst<T>(list: T[], value: T): boolean {
  const i = list.indexOf(value);
  if (i < 0) return false;
  removeAt(list, i);
  return true;
}

/** Removes the element at index `i` (0 ≤ i < length), moving the ones after it down by one. */
export function removeAt<T>(list: T[], i: number): void {
  if (i === 0) {
    list.shift();
    return;
  }
  for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j]!;
  list.pop();
}
