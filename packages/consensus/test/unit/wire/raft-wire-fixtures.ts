import type { SeededRandom } from '@meshwork/core-mesh/testkit'
import type { ConfState, Entry, Message, MessageType } from '../../../src/raft/core/types.js'
import type { RaftBatchItem } from '../../../src/wire/raft-batch-codec.js'

export const MESSAGE_TYPES: readonly MessageType[] = [
  'append', 'appendResponse', 'vote', 'voteResponse', 'preVote', 'preVoteResponse', 'heartbeat',
  'heartbeatResponse', 'snapshot', 'snapshotResponse', 'timeoutNow', 'propose', 'readIndex', 'readIndexResponse'
]

const NODES = ['12D3KooWAbCdEfGhIjKlMnOpQrStUvWxYz1234567890abcdefgh', 'n1', 'n2', 'nœud-ü', '节点', 'x'.repeat(255)]
const GROUPS = ['control', 'g', 'group/with/slashes', 'grüppe', 'y'.repeat(255)]

/** A safe non-negative integer, mostly small, sometimes near 2^53. */
export function randomInt (random: SeededRandom): number {
  const pick = random.int(10)
  if (pick < 5) return random.int(128)
  if (pick < 8) return random.int(2 ** 31)
  if (pick < 9) return Number.MAX_SAFE_INTEGER - random.int(1000)
  return random.int(2 ** 21) * 2 ** 32 + random.nextUint32()
}

export function randomBytes (random: SeededRandom, max: number): Uint8Array {
  const bytes = new Uint8Array(random.int(max + 1))
  for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256)
  return bytes
}

function pick<T> (random: SeededRandom, list: readonly T[]): T {
  return list[random.int(list.length)]
}

function randomEntries (random: SeededRandom): Entry[] {
  return Array.from({ length: random.int(6) }, () => ({
    term: randomInt(random), index: randomInt(random), type: random.chance(0.2) ? 'config' : 'normal', data: randomBytes(random, 40)
  }))
}

function randomMembers (random: SeededRandom): string[] {
  return Array.from({ length: random.int(4) }, () => pick(random, NODES))
}

function randomConfState (random: SeededRandom): ConfState {
  return { voters: randomMembers(random), learners: randomMembers(random), outgoing: randomMembers(random), learnersNext: randomMembers(random), autoLeave: random.chance(0.5) }
}

/** A random valid message of `type`. */
export function randomMessage (random: SeededRandom, type: MessageType = pick(random, MESSAGE_TYPES)): Message {
  const base = { from: pick(random, NODES), to: pick(random, NODES), term: randomInt(random) }
  const n = (): number => randomInt(random)
  const flag = (): boolean => random.chance(0.5)
  switch (type) {
    case 'append': return { ...base, type, prevIndex: n(), prevTerm: n(), commit: n(), entries: randomEntries(random) }
    case 'appendResponse': return { ...base, type, index: n(), reject: flag(), hintIndex: n(), hintTerm: n() }
    case 'vote': case 'preVote': return { ...base, type, lastIndex: n(), lastTerm: n(), transfer: flag() }
    case 'voteResponse': case 'preVoteResponse': return { ...base, type, reject: flag() }
    case 'heartbeat': return { ...base, type, commit: n(), context: randomBytes(random, 16) }
    case 'heartbeatResponse': case 'readIndex': return { ...base, type, context: randomBytes(random, 16) }
    case 'snapshot': return {
      ...base, type, metadata: { index: n(), term: n(), confState: randomConfState(random) }, offset: n(), data: randomBytes(random, 64),
      done: flag(), totalSize: n(), checksum: random.nextUint32()
    }
    case 'snapshotResponse': return { ...base, type, index: n(), offset: n(), reject: flag() }
    case 'timeoutNow': return { ...base, type }
    case 'propose': return { ...base, type, entries: randomEntries(random) }
    case 'readIndexResponse': return { ...base, type, index: n(), context: randomBytes(random, 16) }
  }
}

export function randomBatch (random: SeededRandom, maxItems = 8): RaftBatchItem[] {
  return Array.from({ length: random.int(maxItems + 1) }, () => ({ group: pick(random, GROUPS), message: randomMessage(random) }))
}
