const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Builds the error a reader throws; the wire throws `MalformedRaftMessageError`, storage `StorageCorruptionError`. */
export type ReadFailure = (reason: string) => Error

/**
 * A cursor over bytes written by {@link ByteWriter}, for input that may be hostile or corrupt.
 * Every read checks bounds and throws the error `fail` builds (never a `RangeError` or a
 * `TypeError`); nothing is allocated from a length before the bytes are known to be there.
 * `bytes()` returns a subarray of the input (zero-copy): whoever keeps it keeps the input alive.
 */
export class ByteReader {
  private at = 0

  constructor (private readonly input: Uint8Array, private readonly fail: ReadFailure) {}

  /** Bytes not read yet. */
  get remaining (): number {
    return this.input.length - this.at
  }

  /** The offset of the next byte. */
  get offset (): number {
    return this.at
  }

  u8 (): number {
    if (this.at >= this.input.length) throw this.fail('truncated')
    return this.input[this.at++]
  }

  /** A byte that must be 0 or 1. */
  bool (): boolean {
    const b = this.u8()
    if (b > 1) throw this.fail(`boolean byte ${b}`)
    return b === 1
  }

  u32 (): number {
    const b = this.input
    const at = this.at
    if (at + 4 > b.length) throw this.fail('truncated')
    this.at = at + 4
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0
  }

  /** A big-endian unsigned 64-bit integer that must be a safe integer. */
  u64 (): number {
    const high = this.u32()
    const low = this.u32()
    if (high > 0x1fffff) throw this.fail('integer beyond 2^53 - 1')
    return high * 0x1_0000_0000 + low
  }

  /**
   * An unsigned LEB128 varint. Refuses encodings longer than needed and values beyond
   * `Number.MAX_SAFE_INTEGER`, so every decoded number is a safe non-negative integer.
   */
  varint (): number {
    const b = this.input
    let at = this.at
    if (at >= b.length) throw this.fail('truncated')
    let byte = b[at++]
    if (byte < 0x80) {
      this.at = at
      return byte
    }
    let value = byte & 0x7f
    let scale = 128
    for (let i = 1; i < 8; i++) {
      if (at >= b.length) throw this.fail('truncated')
      byte = b[at++]
      value += (byte & 0x7f) * scale
      if (byte < 0x80) {
        if (byte === 0) throw this.fail('overlong varint')
        if (value > Number.MAX_SAFE_INTEGER) throw this.fail('integer beyond 2^53 - 1')
        this.at = at
        return value
      }
      scale *= 128
    }
    throw this.fail('integer beyond 2^53 - 1')
  }

  /** A varint-length-prefixed byte string of at most `maxLength` bytes, as a view of the input. */
  bytes (maxLength: number): Uint8Array {
    const length = this.varint()
    if (length > maxLength) throw this.fail(`${length} bytes, over the limit of ${maxLength}`)
    return this.take(length)
  }

  /** `length` bytes as a view of the input. */
  take (length: number): Uint8Array {
    if (length > this.remaining) throw this.fail('truncated')
    const view = this.input.subarray(this.at, this.at + length)
    this.at += length
    return view
  }

  /** A varint-length-prefixed UTF-8 string of at most `maxBytes` bytes; invalid UTF-8 is refused. */
  string (maxBytes: number): string {
    const length = this.varint()
    if (length > maxBytes) throw this.fail(`string of ${length} bytes, over the limit of ${maxBytes}`)
    if (length > this.remaining) throw this.fail('truncated')
    const start = this.at
    const end = start + length
    this.at = end
    const b = this.input
    if (length <= 64) {
      // Node and group ids are short ASCII: String.fromCharCode beats TextDecoder by far there.
      let ascii = true
      for (let i = start; i < end; i++) {
        if (b[i] > 0x7f) {
          ascii = false
          break
        }
      }
      if (ascii) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[])
    }
    try {
      return utf8.decode(b.subarray(start, end))
    } catch {
      throw this.fail('invalid UTF-8')
    }
  }

  /**
   * A varint count of items that each take at least `minItemBytes`, at most `max`: a count the
   * remaining input cannot hold is refused before anything is allocated for it.
   */
  count (max: number, minItemBytes: number, what: string): number {
    const n = this.varint()
    if (n > max) throw this.fail(`${n} ${what}, over the limit of ${max}`)
    if (n * minItemBytes > this.remaining) throw this.fail(`${n} ${what} cannot fit in ${this.remaining} bytes`)
    return n
  }

  /** Throws unless every byte was read. */
  end (): void {
    if (this.at !== this.input.length) throw this.fail(`${this.input.length - this.at} trailing bytes`)
  }
}
