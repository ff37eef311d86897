const utf8 = new TextEncoder()

/**
 * An append-only byte buffer for the hand-written binary formats (the Raft wire and the storage
 * records). It grows by doubling, so encoding a batch costs one or two copies in all, and
 * `finish()` hands back a view of the bytes written, not a copy.
 *
 * Integers are unsigned LEB128 varints up to `Number.MAX_SAFE_INTEGER`; `u32` is fixed-width
 * big-endian (checksums); byte strings and UTF-8 strings are length-prefixed with a varint.
 */
export class ByteWriter {
  private buffer: Uint8Array
  private length = 0

  constructor (initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity))
  }

  /** Bytes written so far. */
  get size (): number {
    return this.length
  }

  /** One byte, 0..255. */
  u8 (value: number): void {
    this.reserve(1)
    this.buffer[this.length++] = value
  }

  /** A boolean as one byte, 0 or 1. */
  bool (value: boolean): void {
    this.u8(value ? 1 : 0)
  }

  /** An unsigned 32-bit integer, big-endian. */
  u32 (value: number): void {
    this.reserve(4)
    const b = this.buffer
    const at = this.length
    b[at] = value >>> 24
    b[at + 1] = value >>> 16
    b[at + 2] = value >>> 8
    b[at + 3] = value
    this.length = at + 4
  }

  /** An unsigned 64-bit integer, big-endian, from a safe integer (storage keys sort by it). */
  u64 (value: number): void {
    this.u32(Math.floor(value / 0x1_0000_0000))
    this.u32(value >>> 0)
  }

  /**
   * A safe non-negative integer as an unsigned LEB128 varint (1 byte below 128, at most 8).
   * Throws `RangeError` for anything else: encoding a bad value is a bug of the caller.
   */
  varint (value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a safe non-negative integer: ${value}`)
    this.reserve(8)
    const b = this.buffer
    let at = this.length
    while (value > 0x7fffffff) {
      b[at++] = (value % 128) | 0x80
      value = Math.floor(value / 128)
    }
    while (value > 0x7f) {
      b[at++] = (value & 0x7f) | 0x80
      value >>>= 7
    }
    b[at++] = value
    this.length = at
  }

  /** Bytes as they are, without a length. */
  raw (bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.length)
    this.length += bytes.length
  }

  /** A varint length, then the bytes. */
  bytes (bytes: Uint8Array): void {
    this.varint(bytes.length)
    this.raw(bytes)
  }

  /** A varint byte length, then the UTF-8 of `value` (an ASCII fast path skips TextEncoder). */
  string (value: string): void {
    const n = value.length
    let ascii = true
    for (let i = 0; i < n; i++) {
      if (value.charCodeAt(i) > 0x7f) {
        ascii = false
        break
      }
    }
    if (!ascii) {
      this.bytes(utf8.encode(value))
      return
    }
    this.varint(n)
    this.reserve(n)
    const b = this.buffer
    const at = this.length
    for (let i = 0; i < n; i++) b[at + i] = value.charCodeAt(i)
    this.length = at + n
  }

  /** The bytes written: a view of the internal buffer; the writer must not be used afterwards. */
  finish (): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }

  private reserve (n: number): void {
    const needed = this.length + n
    if (needed <= this.buffer.length) return
    let capacity = this.buffer.length * 2
    while (capacity < needed) capacity *= 2
    const grown = new Uint8Array(capacity)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }
}

/** The UTF-8 byte length of `value`, without allocating for ASCII. */
export function utf8Length (value: string): number {
  let bytes = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}
