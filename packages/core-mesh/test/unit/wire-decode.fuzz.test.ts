import { describe, expect, it } from '@jest/globals'
import { MalformedMessageError } from '../../src/errors.js'
import { SeededRandom } from '../../src/testkit/index.js'
import { ControlMessage } from '../../src/wire/control.js'
import { decodeControlMessage, decodeFloodMessage } from '../../src/wire/decode.js'
import { FloodMessage } from '../../src/wire/flood.js'

const ORIGIN = '12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'

function randomBytes (random: SeededRandom, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.int(256))
}

function valid (): FloodMessage {
  return { id: new Uint8Array(16).fill(7), origin: ORIGIN, ttl: 3, hops: 1, payload: new Uint8Array([1, 2, 3]) }
}

describe('wire message decoders', () => {
  it('decode what they encode', () => {
    expect(decodeFloodMessage(FloodMessage.encode(valid()))).toEqual(valid())
    expect(decodeControlMessage(ControlMessage.encode({ type: ControlMessage.Type.LEAVE, reason: 'bye' })).reason).toBe('bye')
  })

  it('refuse flood messages with a short id, a forged origin or no TTL', () => {
    expect(() => decodeFloodMessage(FloodMessage.encode({ ...valid(), id: new Uint8Array(3) }))).toThrow(MalformedMessageError)
    expect(() => decodeFloodMessage(FloodMessage.encode({ ...valid(), origin: 'not a peer id' }))).toThrow(MalformedMessageError)
    expect(() => decodeFloodMessage(FloodMessage.encode({ ...valid(), ttl: 0 }))).toThrow(MalformedMessageError)
  })

  it('fuzz: random bytes and single-byte mutations decode or throw MalformedMessageError, nothing else', () => {
    const encodedFlood = FloodMessage.encode(valid())
    let refused = 0
    for (let seed = 1; seed <= 3000; seed++) {
      const random = new SeededRandom(seed)
      const inputs = [randomBytes(random, random.int(200))]
      const mutated = Uint8Array.from(encodedFlood)
      mutated[random.int(mutated.byteLength)] = random.int(256)
      inputs.push(mutated, encodedFlood.subarray(0, random.int(encodedFlood.byteLength)))
      for (const input of inputs) {
        for (const decode of [decodeFloodMessage, decodeControlMessage]) {
          try {
            decode(input)
          } catch (err) {
            expect(err).toBeInstanceOf(MalformedMessageError)
            refused++
          }
        }
      }
    }
    expect(refused).toBeGreaterThan(3000)
  })
})
