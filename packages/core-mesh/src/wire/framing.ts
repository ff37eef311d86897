import { Uint8ArrayList } from 'uint8arraylist'
import { FrameTooLargeError, MalformedFrameError } from '../errors.js'

/**
 * Frames are an unsigned LEB128 varint length followed by that many bytes. Lengths take at
 * most 5 varint bytes (frames are capped far below 2^32), so a longer prefix is malformed.
 */
const MAX_VARINT_BYTES = 5

export function varintLength (value: number): number {
  let bytes = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    bytes++
  }
  return bytes
}

function writeVarint (value: number, out: Uint8Array): number {
  let offset = 0
  while (value >= 0x80) {
    out[offset++] = (value & 0x7f) | 0x80
    value = Math.floor(value / 0x80)
  }
  out[offset++] = value
  return offset
}

/** The length prefix of a frame of `length` bytes. */
export function encodeLengthPrefix (length: number): Uint8Array {
  const out = new Uint8Array(varintLength(length))
  writeVarint(length, out)
  return out
}

/** Encode one frame: length prefix and payload copied into a single buffer. */
export function encodeFrame (payload: Uint8Array, maxFrameBytes: number): Uint8Array {
  if (payload.byteLength > maxFrameBytes) throw new FrameTooLargeError(payload.byteLength, maxFrameBytes)
  const out = new Uint8Array(varintLength(payload.byteLength) + payload.byteLength)
  out.set(payload, writeVarint(payload.byteLength, out))
  return out
}

/**
 * Incremental frame decoder: push chunks as they arrive, take whole frames out. It holds at
 * most one partial frame, so memory is bounded by `maxFrameBytes` plus one chunk. A length
 * over the maximum or a broken prefix throws before the frame's bytes are buffered.
 */
export class FrameDecoder {
  private readonly buffer = new Uint8ArrayList()
  private pendingLength = -1

  constructor (private readonly maxFrameBytes: number) {}

  /** Bytes held that do not yet form a whole frame. */
  get bufferedBytes (): number {
    return this.buffer.byteLength
  }

  push (chunk: Uint8Array | Uint8ArrayList): void {
    this.buffer.append(chunk)
  }

  /** The next whole frame, or undefined when more bytes are needed. */
  next (): Uint8Array | undefined {
    if (this.pendingLength < 0) {
      const header = this.readLength()
      if (header === undefined) return undefined
      this.buffer.consume(header.prefixBytes)
      this.pendingLength = header.length
    }
    if (this.buffer.byteLength < this.pendingLength) return undefined
    const frame = this.buffer.subarray(0, this.pendingLength)
    this.buffer.consume(this.pendingLength)
    this.pendingLength = -1
    return frame
  }

  /** Call when the stream ended: leftover bytes mean the peer sent a truncated frame. */
  finish (): void {
    if (this.buffer.byteLength > 0 || this.pendingLength >= 0) {
      throw new MalformedFrameError(`stream ended inside a frame (${this.buffer.byteLength} bytes left over)`)
    }
  }

  private readLength (): { length: number, prefixBytes: number } | undefined {
    let length = 0
    let multiplier = 1
    const available = Math.min(this.buffer.byteLength, MAX_VARINT_BYTES)
    for (let i = 0; i < available; i++) {
      const byte = this.buffer.get(i)
      length += (byte & 0x7f) * multiplier
      if ((byte & 0x80) === 0) {
        if (i > 0 && byte === 0) throw new MalformedFrameError('frame length is not minimally encoded')
        if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes)
        return { length, prefixBytes: i + 1 }
      }
      multiplier *= 0x80
    }
    if (this.buffer.byteLength >= MAX_VARINT_BYTES) throw new MalformedFrameError(`frame length prefix longer than ${MAX_VARINT_BYTES} bytes`)
    // An incomplete prefix that already exceeds the maximum can be refused early.
    if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes)
    return undefined
  }
}
