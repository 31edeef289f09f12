// Appending an object to a list a run makes empty (a free list of pooled records, a queue's
// items): `list[list.length] = item`, not `list.push(item)`. TurboFan inlines `push` for the
// array kinds its feedback saw, and a run's fresh empty list (still of the small-integer kind)
// meeting code an earlier run optimized deoptimized it ("not a Smi"), in every new run of a
// process, and V8 then compiled it again on its background threads: in a process's third
// 300 ms default-storm run, 10-15 deoptimizations and ~25 recompiles, about a tenth of that
// run's CPU (issue 9, seventh pass; `bench/sim-recompiles.ts` shows them). An indexed store
// moves the list to the object kind instead.

/** Adds `item` at the end of `list`, as push does. */
export function append<T>(list: T[], item: T): void {
  list[list.length] = item;
}
