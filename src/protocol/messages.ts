// The one message union of faultline and its codec. Each domain declares its schemas in its
// own file with its own tag range; this module merges them and checks that tags are unique.

import { chainSpecs } from './chain.ts';
import { checkEventSpecs } from './check-events.ts';
import { hostIommuSpecs, iommufdSpecs, pcieSpecs, viommuSpecs } from './iopf.ts';
import { deviceSpecs } from './tier-device.ts';
import { guestSpecs } from './tier-guest.ts';
import { hostSpecs } from './tier-host.ts';
import { iommuSpecs } from './tier-iommu.ts';
import { vmmSpecs } from './tier-vmm.ts';
import { createSchemaCodec } from './schema-codec.ts';
import type { MessagesOf } from './schema.ts';

export const messageSpecs = {
  ...chainSpecs,
  ...pcieSpecs,
  ...hostIommuSpecs,
  ...iommufdSpecs,
  ...viommuSpecs,
  ...deviceSpecs,
  ...iommuSpecs,
  ...hostSpecs,
  ...vmmSpecs,
  ...guestSpecs,
  ...checkEventSpecs,
} as const;

export type Message = MessagesOf<typeof messageSpecs>;
export type MessageType = Message['type'];
export type MessageByType<T extends MessageType> = Extract<Message, { type: T }>;

export const messageCodec = createSchemaCodec(messageSpecs);

/** A check event (src/protocol/check-events.ts): what ctx.check takes. */
export type CheckEvent = Extract<Message, { type: `chk.${string}` }>;
