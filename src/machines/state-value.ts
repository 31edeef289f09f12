// Conversions between our dotted leaf path ('busy.working') and XState's StateValue
// ({ busy: 'working' }). Only single-leaf values exist in the supported subset (no parallel).

import type { StateValue } from 'xstate';

export function toXStateValue(value: string): StateValue {
  const keys = value.split('.');
  let out: StateValue = keys[keys.length - 1]!;
  for (let i = keys.length - 2; i >= 0; i--) out = { [keys[i]!]: out };
  return out;
}

export function fromXStateValue(value: StateValue): string {
  if (typeof value === 'string') return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new TypeError(`state value ${JSON.stringify(value)} has ${keys.length} active regions; only one is supported`);
  const key = keys[0]!;
  const inner = value[key];
  if (inner === undefined || (typeof inner === 'object' && Object.keys(inner).length === 0)) return key;
  return `${key}.${fromXStateValue(inner)}`;
}
