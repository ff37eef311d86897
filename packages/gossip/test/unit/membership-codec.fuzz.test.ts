import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededRandom, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { MalformedGossipError } from '../../src/errors.js'
import type { MembershipUpdate, SwimMessage } from '../../src/membership/core/messages.js'
import { decodeSwimMessage, encodeSwimMessage, SWIM_LIMITS } from '../../src/membership/membership-codec.js'

const PEER = '12D3KooWGRUVh6pNk3YJHEZsVyJ3XfN4c3Lk7jGqTtGfQvWqPZmV'

function randomUpdate (random: SeededRandom): MembershipUpdate {
  const signature = new Uint8Array(64).map(() => random.int(256))
  const incarnation = random.int(1_000_000)
  switch (random.int(3)) {
    case 0: return { type: 'alive', member: PEER, incarnation, addresses: ['/ip4/127.0.0.1/tcp/1'], metadata: { roles: ['r'], tags: { k: String(random.int(9)) } }, signature }
    case 1: return { type: 'suspect', member: PEER, incarnation, from: `${PEER}x`, signature }
    default: return { type: 'dead', member: PEER, incarnation, from: PEER, signature }
  }
}

function randomMessage (random: SeededRandom): SwimMessage {
  const updates = Array.from({ length: random.int(5) }, () => randomUpdate(random))
  const seq = random.int(2 ** 31)
  switch (random.int(6)) {
    case 0: return { type: 'ping', seq, target: PEER, updates }
    case 1: return { type: 'ping-req', seq, target: PEER, updates }
    case 2: return { type: 'ack', seq, updates }
    case 3: return { type: 'nack', seq, updates }
    case 4: return { type: 'gossip', updates }
    default: return { type: 'push-pull', join: random.chance(0.5), reply: random.chance(0.5), members: updates }
  }
}

describe('SWIM frame codec', () => {
  it('round-trips every message kind', async () => {
    await runSeeded(seedsFromEnv(200), seed => {
      const message = randomMessage(new SeededRandom(seed))
      expect(decodeSwimMessage(encodeSwimMessage(message))).toEqual(message)
    })
  })

  it('throws only MalformedGossipError on random, truncated and mutated bytes', async () => {
    let refused = 0
    await runSeeded(seedsFromEnv(400), seed => {
      const random = new SeededRandom(seed)
      const valid = encodeSwimMessage(randomMessage(random))
      const mutated = Uint8Array.from(valid)
      if (mutated.byteLength > 0) mutated[random.int(mutated.byteLength)] ^= 1 + random.int(255)
      for (const bytes of [new Uint8Array(random.int(200)).map(() => random.int(256)), valid.subarray(0, random.int(valid.byteLength + 1)), mutated]) {
        try {
          decodeSwimMessage(bytes)
        } catch (err) {
          if (!(err instanceof MalformedGossipError)) throw new Error(`seed ${seed}: ${String(err)}`)
          refused++
        }
      }
    })
    expect(refused).toBeGreaterThan(100)
  })

  it('refuses frames over the limits', () => {
    const random = new SeededRandom(1)
    const many = Array.from({ length: SWIM_LIMITS.piggybackUpdates + 1 }, () => randomUpdate(random))
    expect(() => decodeSwimMessage(encodeSwimMessage({ type: 'gossip', updates: many }))).toThrow(MalformedGossipError)
    expect(decodeSwimMessage(encodeSwimMessage({ type: 'push-pull', join: true, reply: true, members: many })).type).toBe('push-pull')
    const longId = { ...randomUpdate(random), member: 'x'.repeat(SWIM_LIMITS.idLength + 1) }
    expect(() => decodeSwimMessage(encodeSwimMessage({ type: 'gossip', updates: [longId] }))).toThrow(MalformedGossipError)
    const unsigned = { ...randomUpdate(random), signature: new Uint8Array(0) }
    expect(() => decodeSwimMessage(encodeSwimMessage({ type: 'gossip', updates: [unsigned] }))).toThrow(MalformedGossipError)
    // Whatever the core lets a node claim, the wire carries (else its honest sender is penalised).
    const rich: MembershipUpdate = {
      type: 'alive', member: PEER, incarnation: 1, signature: new Uint8Array(64),
      addresses: Array.from({ length: SWIM_LIMITS.addresses }, (_, i) => `/dns4/host-${i}.example/tcp/443/tls/ws/${'c'.repeat(SWIM_LIMITS.addressLength - 40)}`),
      metadata: { region: 'r'.repeat(SWIM_LIMITS.stringLength), roles: Array.from({ length: SWIM_LIMITS.roles }, (_, i) => `role-${i}`), tags: Object.fromEntries(Array.from({ length: SWIM_LIMITS.tags }, (_, i) => [`k${i}`, 'v'.repeat(300)])) }
    }
    expect(decodeSwimMessage(encodeSwimMessage({ type: 'push-pull', join: false, reply: false, members: [rich] }))).toEqual({ type: 'push-pull', join: false, reply: false, members: [rich] })
    const huge = { ...randomUpdate(random), incarnation: Number.MAX_SAFE_INTEGER }
    expect(decodeSwimMessage(encodeSwimMessage({ type: 'gossip', updates: [huge] })).type).toBe('gossip')
  })
})
