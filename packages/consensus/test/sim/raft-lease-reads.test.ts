// Lease reads around a leadership transfer, step by step. After TimeoutNow the transferee
// campaigns and the voters ignore their lease for it, so the old leader's lease is void at once.
import { describe, expect, it } from '@jest/globals'
import type { KvEntry } from '../../src/kv/kv-types.js'
import { RaftSimCluster } from './support/raft-sim-cluster.js'
import type { SimMember } from './support/sim-member.js'

function leaseCluster (seed: number): RaftSimCluster {
  return new RaftSimCluster({
    seed,
    size: 3,
    readOnly: 'lease',
    tickMs: 10,
    electionTicks: 10,
    heartbeatTicks: 2,
    link: { delay: { minMs: 1, maxMs: 3 } },
    fsyncMs: { minMs: 1, maxMs: 2 },
    snapshotEvery: 1_000,
    compactionMargin: 10,
    snapshotChunkBytes: 4096,
    maxMessageBytes: 64 * 1024,
    cloneMessages: false
  })
}

function runUntil (cluster: RaftSimCluster, predicate: () => boolean, withinMs: number, what: string): void {
  const deadline = cluster.clock.now() + withinMs
  while (!predicate()) {
    if (cluster.clock.now() >= deadline) throw new Error(`not within ${withinMs} ms: ${what}\n${cluster.log.join('\n')}`)
    cluster.clock.advance(1)
  }
}

function put (cluster: RaftSimCluster, member: SimMember, key: string, value: string, seq: number): void {
  let done = false
  const accepted = member.submitWrite({ op: 'put', key, value: new TextEncoder().encode(value), request: { client: 'test', seq } }, () => { done = true })
  expect(accepted).toBe(true)
  runUntil(cluster, () => done, 2_000, `put ${key}=${value} via ${member.id}`)
}

describe('lease reads (simulated)', () => {
  it('a leader that handed leadership over and is cut off does not serve a stale lease read', () => {
    const cluster = leaseCluster(1)
    runUntil(cluster, () => cluster.leader() !== undefined, 2_000, 'a leader')
    const old = cluster.leader() as SimMember
    put(cluster, old, 'k', 'before', 1)
    const target = [...cluster.members.values()].find(m => m !== old) as SimMember
    old.transferLeadership(target.id)
    // Cut the old leader off as soon as the transferee campaigns: it never learns of the new term.
    runUntil(cluster, () => target.status().role !== 'follower', 1_000, `${target.id} campaigns`)
    const others = [...cluster.members.keys()].filter(id => id !== old.id)
    cluster.net.partition([old.id], others)
    runUntil(cluster, () => target.status().role === 'leader', 1_000, `${target.id} leads`)
    put(cluster, target, 'k', 'after', 2)

    let answer: KvEntry | undefined | 'none' = 'none'
    old.submitRead('k', 'lease-read', entry => { answer = entry })
    cluster.clock.advance(1_000)
    // Refusing or never answering is correct; answering with the value from before the write is not.
    const read = answer === 'none' ? 'no answer' : new TextDecoder().decode((answer as KvEntry | undefined)?.value)
    expect(read).not.toBe('before')
  })
})
