import { describe, expect, it } from '@jest/globals'
import { FrameTooLargeError, MalformedFrameError, MeshError } from '../../src/errors.js'
import { SeededRandom } from '../../src/testkit/index.js'
import { FrameDecoder, encodeFrame } from '../../src/wire/framing.js'

const MAX = 4096

function randomBytes (random: SeededRandom, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = random.int(256)
  return bytes
}

/** Split `bytes` into random chunks, as a socket would deliver them. */
function chunked (random: SeededRandom, bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = []
  for (let offset = 0; offset < bytes.byteLength;) {
    const size = 1 + random.int(Math.min(700, bytes.byteLength - offset))
    chunks.push(bytes.subarray(offset, offset + size))
    offset += size
  }
  return chunks
}

describe('frame codec', () => {
  it('round-trips random frames through random chunk boundaries', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = new SeededRandom(seed)
      const frames = Array.from({ length: 1 + random.int(20) }, () => randomBytes(random, random.int(MAX + 1)))
      const wire = Buffer.concat(frames.map(f => encodeFrame(f, MAX)))
      const decoder = new FrameDecoder(MAX)
      const out: Uint8Array[] = []
      for (const chunk of chunked(random, wire)) {
        decoder.push(chunk)
        for (let f = decoder.next(); f !== undefined; f = decoder.next()) out.push(f)
      }
      decoder.finish()
      expect(out.map(f => Buffer.from(f).toString('hex'))).toEqual(frames.map(f => Buffer.from(f).toString('hex')))
    }
  })

  it('refuses to encode a frame over the maximum', () => {
    expect(() => encodeFrame(new Uint8Array(MAX + 1), MAX)).toThrow(FrameTooLargeError)
  })

  it('refuses a declared length over the maximum before buffering the body', () => {
    const decoder = new FrameDecoder(MAX)
    decoder.push(encodeFrame(new Uint8Array(MAX + 1), MAX * 2).subarray(0, 3))
    expect(() => decoder.next()).toThrow(FrameTooLargeError)
  })

  it('refuses an over-long or non-minimal length prefix', () => {
    const long = new FrameDecoder(MAX)
    long.push(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))
    expect(() => long.next()).toThrow(MalformedFrameError)
    const padded = new FrameDecoder(MAX)
    padded.push(Uint8Array.from([0x81, 0x00, 0x01]))
    expect(() => padded.next()).toThrow(MalformedFrameError)
  })

  it('reports a frame truncated by the end of the stream', () => {
    const decoder = new FrameDecoder(MAX)
    decoder.push(encodeFrame(new Uint8Array(100), MAX).subarray(0, 50))
    expect(decoder.next()).toBeUndefined()
    expect(() => { decoder.finish() }).toThrow(MalformedFrameError)
  })

  it('fuzz: random garbage yields frames or a typed error, and never holds more than one frame', () => {
    let typedErrors = 0
    for (let seed = 1; seed <= 1000; seed++) {
      const random = new SeededRandom(seed)
      const decoder = new FrameDecoder(MAX)
      try {
        for (const chunk of chunked(random, randomBytes(random, 1 + random.int(8_000)))) {
          decoder.push(chunk)
          for (let f = decoder.next(); f !== undefined; f = decoder.next()) expect(f.byteLength).toBeLessThanOrEqual(MAX)
          expect(decoder.bufferedBytes).toBeLessThanOrEqual(MAX + 5 + 700)
        }
      } catch (err) {
        expect(err).toBeInstanceOf(MeshError)
        expect(['FrameTooLargeError', 'MalformedFrameError']).toContain((err as Error).name)
        typedErrors++
      }
    }
    expect(typedErrors).toBeGreaterThan(500)
  })
})
