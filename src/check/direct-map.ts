// DirectMap lives in src/util/direct-map.ts, where the tiers (a lower layer) can use it too; the
// checker's modules keep importing it from here.
export { DirectMap } from '../util/direct-map.ts';
