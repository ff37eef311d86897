/**
 * A growable little-endian byte writer and a bounds-checked reader, for the small binary
 * formats of this package (KV commands and snapshots). The reader throws `RangeError` on any
 * overrun; callers turn that into their own typed error.
 */
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export class ByteWriter {
  private buffer: Uint8Array
  private view: DataView
  private length = 0

  constructor (initialSize = 64) {
    this.buffer = new Uint8Array(initialSize)
    this.view = new DataView(this.buffer.buffer)
  }

  u8 (value: number): this {
    this.reserve(1)
    this.buffer[this.length++] = value
    return this
  }

  u32 (value: number): this {
    this.reserve(4)
    this.view.setUint32(this.length, value, true)
    this.length += 4
    return this
  }

  /** A non-negative safe integer (8 bytes). */
  uint (value: number): this {
    this.reserve(8)
    this.view.setFloat64(this.length, value, true)
    this.length += 8
    return this
  }

  bytes (value: Uint8Array): this {
    this.u32(value.length)
    this.reserve(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
    return this
  }

  string (value: string): this {
    return this.bytes(encoder.encode(value))
  }

  finish (): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }

  private reserve (extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
    this.view = new DataView(grown.buffer)
  }
}

export class ByteReader {
  private offset = 0
  private readonly view: DataView

  constructor (private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  }

  get remaining (): number {
    return this.data.length - this.offset
  }

  u8 (): number {
    this.need(1)
    return this.data[this.offset++]
  }

  u32 (): number {
    this.need(4)
    const value = this.view.getUint32(this.offset, true)
    this.offset += 4
    return value
  }

  uint (): number {
    this.need(8)
    const value = this.view.getFloat64(this.offset, true)
    this.offset += 8
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a non-negative safe integer: ${value}`)
    return value
  }

  /** A view into the input, not a copy. */
  bytes (maxLength = Number.MAX_SAFE_INTEGER): Uint8Array {
    const length = this.u32()
    if (length > maxLength) throw new RangeError(`length ${length} exceeds ${maxLength}`)
    this.need(length)
    const value = this.data.subarray(this.offset, this.offset + length)
    this.offset += length
    return value
  }

  string (maxLength?: number): string {
    return decoder.decode(this.bytes(maxLength))
  }

  end (): void {
    if (this.remaining !== 0) throw new RangeError(`${this.remaining} trailing bytes`)
  }

  private need (count: number): void {
    if (this.offset + count > this.data.length) throw new RangeError(`needs ${count} bytes at offset ${this.offset}, has ${this.remaining}`)
  }
}
