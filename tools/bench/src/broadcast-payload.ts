/**
 * The benchmark's broadcast payload: a 20-byte header (magic, phase, message index, send time)
 * padded to the configured size. The send time is `performance.now()` of the publishing
 * node's thread, which is also the thread of every receiver (a side's whole network runs in
 * one worker), so receive time − send time needs no clock sync.
 */

const MAGIC = 0x4d574243 // "MWBC"
export const HEADER_BYTES = 20

export interface PayloadHeader {
  phase: number
  index: number
  sentAt: number
}

/** A payload of `bytes` (at least the header) for message `index` of `phase`, stamped `sentAt`. */
export function encodePayload (bytes: number, header: PayloadHeader): Uint8Array {
  const payload = new Uint8Array(Math.max(bytes, HEADER_BYTES))
  const view = new DataView(payload.buffer)
  view.setUint32(0, MAGIC)
  view.setUint32(4, header.phase)
  view.setUint32(8, header.index)
  view.setFloat64(12, header.sentAt)
  // Filler that is not all zeros, so no layer could shortcut it.
  for (let i = HEADER_BYTES; i < payload.length; i++) payload[i] = (i * 31 + header.index) & 0xff
  return payload
}

/** The header of a benchmark payload; undefined for anything else. */
export function decodePayload (payload: Uint8Array): PayloadHeader | undefined {
  if (payload.byteLength < HEADER_BYTES) return undefined
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  if (view.getUint32(0) !== MAGIC) return undefined
  return { phase: view.getUint32(4), index: view.getUint32(8), sentAt: view.getFloat64(12) }
}
