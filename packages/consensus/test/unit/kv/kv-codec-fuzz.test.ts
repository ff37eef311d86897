import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import { decodeKvCommand, encodeKvCommand } from '../../../src/kv/kv-command-codec.js'
import { decodeKvSnapshot } from '../../../src/kv/kv-snapshot-codec.js'
import { KvStateMachine } from '../../../src/kv/kv-state-machine.js'
import type { KvCommand } from '../../../src/kv/kv-types.js'

function randomBytes (random: SeededRandom, max: number): Uint8Array {
  const out = new Uint8Array(Math.floor(random.next() * max))
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(random.next() * 256)
  return out
}

function randomCommand (random: SeededRandom): KvCommand {
  const request = { client: `client-${Math.floor(random.next() * 1000)}`, seq: Math.floor(random.next() * 2 ** 40) }
  const key = `key/${Math.floor(random.next() * 1e6)}/é`
  const pick = random.next()
  if (pick < 0.4) return { op: 'put', key, value: randomBytes(random, 300), request }
  if (pick < 0.8) return { op: 'cas', key, expected: random.next() < 0.5 ? undefined : randomBytes(random, 50), value: randomBytes(random, 300), request }
  return { op: 'delete', key, request }
}

function expectOnlyTypedErrors (decode: () => unknown): void {
  try {
    decode()
  } catch (err) {
    expect((err as Error).name).toBe('MalformedKvDataError')
  }
}

describe('KV codecs under fuzzing', () => {
  it('round-trips random commands', () => {
    const random = new SeededRandom(1)
    for (let i = 0; i < 2000; i++) {
      const command = randomCommand(random)
      expect(decodeKvCommand(encodeKvCommand(command))).toEqual(command)
    }
  })

  it('raises only MalformedKvDataError for random, truncated and bit-flipped commands', () => {
    const random = new SeededRandom(2)
    for (let i = 0; i < 5000; i++) {
      const valid = encodeKvCommand(randomCommand(random))
      expectOnlyTypedErrors(() => decodeKvCommand(randomBytes(random, 200)))
      expectOnlyTypedErrors(() => decodeKvCommand(valid.subarray(0, Math.floor(random.next() * valid.length))))
      const flipped = valid.slice()
      flipped[Math.floor(random.next() * flipped.length)] ^= 1 << Math.floor(random.next() * 8)
      expectOnlyTypedErrors(() => decodeKvCommand(flipped))
    }
  })

  it('raises only MalformedKvDataError for mangled snapshots, and restore leaves the state alone', () => {
    const random = new SeededRandom(3)
    const kv = new KvStateMachine()
    for (let i = 1; i <= 40; i++) kv.apply({ index: i, term: 1, type: 'normal', data: encodeKvCommand(randomCommand(random)) })
    const snapshot = kv.snapshot()
    const target = new KvStateMachine()
    target.restore(snapshot)
    for (let i = 0; i < 3000; i++) {
      const mangled = snapshot.slice(0, Math.max(1, Math.floor(random.next() * snapshot.length)))
      mangled[Math.floor(random.next() * mangled.length)] ^= 0xff
      expectOnlyTypedErrors(() => decodeKvSnapshot(mangled))
      try { target.restore(mangled) } catch { expect(target.size).toBe(kv.size) }
    }
  })
})
