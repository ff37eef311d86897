import { describe, expect, it } from '@jest/globals'
import { runSeeded, SeededRandom, seedsFromEnv } from '@meshwork/core-mesh/testkit'
import { MalformedGossipError } from '../../src/errors.js'
import { MAX_WIRE_ID_LENGTH, MAX_WIRE_IDS, MAX_WIRE_ROUND } from '../../src/plumtree/constants.js'
import type { PlumtreeMessage } from '../../src/plumtree/messages.js'
import { decodePlumtreeFrame, encodePlumtreeMessage, type PlumtreeWireMessage } from '../../src/plumtree/plumtree-codec.js'
import { PlumtreeFrame } from '../../src/wire/plumtree.js'

const ORIGIN = '12D3KooWGRUVh6pNk3YJHEZsVyJ3XfN4c3Lk7jGqTtGfQvWqPZmV'

function randomId (random: SeededRandom): string {
  return `${ORIGIN}/${random.int(2 ** 31)}`
}

function randomRound (random: SeededRandom): number {
  return random.chance(0.1) ? MAX_WIRE_ROUND : random.int(64)
}

function randomMessage (random: SeededRandom): PlumtreeMessage {
  switch (random.int(4)) {
    case 0: return { type: 'gossip', id: randomId(random), origin: ORIGIN, round: randomRound(random), payload: new Uint8Array(1 + random.int(300)).map(() => random.int(256)), grafted: random.chance(0.5) }
    case 1: return { type: 'ihave', announcements: Array.from({ length: 1 + random.int(20) }, () => ({ id: randomId(random), round: randomRound(random) })) }
    case 2: return { type: 'graft', ids: Array.from({ length: random.int(20) }, () => randomId(random)) }
    default: return { type: 'prune' }
  }
}

/** What a peer decodes from `message`: a GOSSIP carries its envelope, not yet checked (no id nor origin). */
function onTheWire (message: PlumtreeMessage): PlumtreeWireMessage {
  if (message.type !== 'gossip') return message
  return { type: 'gossip', envelope: message.payload, round: message.round, grafted: message.grafted }
}

function refusal (bytes: Uint8Array): string {
  try {
    decodePlumtreeFrame(bytes)
    return 'accepted'
  } catch (err) {
    return err instanceof MalformedGossipError ? 'MalformedGossipError' : `unexpected ${String(err)}`
  }
}

describe('Plumtree frame codec', () => {
  it('round-trips every message kind', async () => {
    const kinds = new Set<string>()
    await runSeeded(seedsFromEnv(200), seed => {
      const message = randomMessage(new SeededRandom(seed))
      kinds.add(message.type)
      expect(decodePlumtreeFrame(encodePlumtreeMessage(message))).toEqual(onTheWire(message))
    })
    expect([...kinds].sort()).toEqual(['gossip', 'graft', 'ihave', 'prune'])
  })

  it('throws only MalformedGossipError on random, truncated and mutated bytes', async () => {
    let refused = 0
    await runSeeded(seedsFromEnv(400), seed => {
      const random = new SeededRandom(seed)
      const valid = encodePlumtreeMessage(randomMessage(random))
      const mutated = Uint8Array.from(valid)
      for (let i = 1 + random.int(3); i > 0 && mutated.byteLength > 0; i--) mutated[random.int(mutated.byteLength)] ^= 1 + random.int(255)
      const inputs = [new Uint8Array(random.int(200)).map(() => random.int(256)), valid.subarray(0, random.int(valid.byteLength + 1)), mutated]
      for (const bytes of inputs) {
        let decoded: PlumtreeWireMessage
        try {
          decoded = decodePlumtreeFrame(bytes)
        } catch (err) {
          if (!(err instanceof MalformedGossipError)) throw new Error(`seed ${seed}: ${String(err)}`)
          refused++
          continue
        }
        // Whatever decodes stays within the limits the rest of the node relies on.
        if (decoded.type === 'gossip') {
          expect(decoded.envelope.byteLength).toBeGreaterThan(0)
          expect(decoded.round).toBeLessThanOrEqual(MAX_WIRE_ROUND)
        }
        const ids = decoded.type === 'ihave' ? decoded.announcements.map(a => a.id) : decoded.type === 'graft' ? decoded.ids : []
        expect(ids.length).toBeLessThanOrEqual(MAX_WIRE_IDS)
        for (const id of ids) expect(id.length).toBeGreaterThan(0)
        for (const id of ids) expect(id.length).toBeLessThanOrEqual(MAX_WIRE_ID_LENGTH)
        if (decoded.type === 'ihave') for (const { round } of decoded.announcements) expect(round).toBeLessThanOrEqual(MAX_WIRE_ROUND)
      }
    })
    expect(refused).toBeGreaterThan(100)
  })

  it('enforces the limits: id count, id length, hop count, non-empty IHAVE and envelope, one message per frame', () => {
    const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => `${ORIGIN}/${i}`)
    const announcements = (count: number): Array<{ id: string, round: number }> => ids(count).map(id => ({ id, round: 1 }))
    const envelope = new Uint8Array([1, 2, 3])

    expect(refusal(PlumtreeFrame.encode({ graft: { ids: ids(MAX_WIRE_IDS) } }))).toBe('accepted')
    expect(refusal(PlumtreeFrame.encode({ graft: { ids: ids(MAX_WIRE_IDS + 1) } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ ihave: { announcements: announcements(MAX_WIRE_IDS) } }))).toBe('accepted')
    expect(refusal(PlumtreeFrame.encode({ ihave: { announcements: announcements(MAX_WIRE_IDS + 1) } }))).toBe('MalformedGossipError')

    expect(refusal(PlumtreeFrame.encode({ graft: { ids: ['x'.repeat(MAX_WIRE_ID_LENGTH)] } }))).toBe('accepted')
    expect(refusal(PlumtreeFrame.encode({ graft: { ids: ['x'.repeat(MAX_WIRE_ID_LENGTH + 1)] } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ graft: { ids: [''] } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ ihave: { announcements: [{ id: '', round: 0 }] } }))).toBe('MalformedGossipError')

    expect(refusal(PlumtreeFrame.encode({ gossip: { envelope, round: MAX_WIRE_ROUND, grafted: false } }))).toBe('accepted')
    expect(refusal(PlumtreeFrame.encode({ gossip: { envelope, round: MAX_WIRE_ROUND + 1, grafted: false } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ gossip: { envelope, round: 2 ** 32 - 1, grafted: false } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ ihave: { announcements: [{ id: 'a/1', round: MAX_WIRE_ROUND + 1 }] } }))).toBe('MalformedGossipError')

    expect(refusal(PlumtreeFrame.encode({ ihave: { announcements: [] } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ gossip: { envelope: new Uint8Array(0), round: 0, grafted: false } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ graft: { ids: [] } }))).toBe('accepted')

    expect(refusal(new Uint8Array(0))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ prune: {}, graft: { ids: [] } }))).toBe('MalformedGossipError')
    expect(refusal(PlumtreeFrame.encode({ gossip: { envelope, round: 0, grafted: false }, ihave: { announcements: announcements(1) } }))).toBe('MalformedGossipError')
  })
})
