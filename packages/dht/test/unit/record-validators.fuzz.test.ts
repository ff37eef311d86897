import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { InvalidRecordError, contentCid, contentRecordKey, recordRules, signRecord } from '../../src/index.js'

const NOW = 1_800_000_000_000
const LIMITS = { maxValueBytes: 4096, maxLifetimeMs: 48 * 3_600_000 }

function randomBytes (random: SeededRandom, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.int(256))
}

/**
 * Every decoder a peer's bytes reach: the two validators kad-dht runs on records. Whatever the
 * input, they accept the original or throw an InvalidRecordError; nothing else escapes, and a
 * changed record is never accepted as anything but the original.
 */
describe('record validators under fuzzing', () => {
  it('random bytes, single-byte mutations and truncations: refused with typed errors, never accepted when changed', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const signed = await signRecord({ privateKey, name: 'fuzz', value: new TextEncoder().encode('original value'), sequence: 3n, expiresAt: NOW + 60_000 })
    const content = new TextEncoder().encode('content bytes')
    const contentKey = contentRecordKey(await contentCid(content))
    const { validators } = recordRules({ ...LIMITS, now: () => NOW })
    const cases: Array<{ key: Uint8Array, valid: Uint8Array, validate: (key: Uint8Array, value: Uint8Array) => unknown }> = [
      { key: signed.key, valid: signed.bytes, validate: validators['mw-signed'] },
      { key: contentKey, valid: content, validate: validators['mw-content'] }
    ]
    let refused = 0
    let runs = 0
    for (let seed = 1; seed <= 400; seed++) {
      const random = new SeededRandom(seed)
      for (const { key, valid, validate } of cases) {
        const mutated = Uint8Array.from(valid)
        const at = random.int(mutated.byteLength)
        mutated[at] = (mutated[at] + 1 + random.int(255)) % 256
        const inputs = [randomBytes(random, random.int(300)), mutated, valid.subarray(0, random.int(valid.byteLength))]
        const keyMutated = Uint8Array.from(key)
        keyMutated[random.int(keyMutated.byteLength)] = random.int(256)
        for (const [k, input] of [...inputs.map(i => [key, i] as const), [keyMutated, valid] as const]) {
          runs++
          try {
            await validate(k, input)
          } catch (err) {
            if (!(err instanceof InvalidRecordError)) throw new Error(`seed ${seed}: ${String((err as Error).name)} escaped: ${(err as Error).message}`)
            refused++
            continue
          }
          // accepted: it must be the untouched original under its own key
          const untouched = Buffer.from(k).equals(Buffer.from(key)) && Buffer.from(input).equals(Buffer.from(valid))
          if (!untouched) throw new Error(`seed ${seed}: accepted a changed record: key ${new TextDecoder().decode(k)} value ${Buffer.from(input).toString('hex')}`)
        }
      }
    }
    expect(refused).toBeGreaterThan(runs * 0.95)
  }, 60_000)
})
