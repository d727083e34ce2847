import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7: time-ordered, so ordering by id is ordering by creation and keyset pagination over
 * ids is stable; opaque to clients. Within one millisecond, a counter keeps ids increasing.
 */
let lastMillis = 0;
let sequence = 0;

export function newId(now: number = Date.now()): string {
  if (now <= lastMillis) {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMillis += 1;
      sequence = 0;
    }
  } else {
    lastMillis = now;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  const millis = BigInt(lastMillis);
  for (let i = 0; i < 6; i += 1) bytes[i] = Number((millis >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
