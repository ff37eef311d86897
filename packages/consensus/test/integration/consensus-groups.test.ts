import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { HostedGroup } from '../../src/service/consensus-node.js'
import { ConsensusFixture, eventually, text, utf8, type ConsensusMember } from './consensus-fixtures.js'

const GROUPS = 20

/**
 * Many groups on three nodes: each group elects its own leader and replicates its own data,
 * and the heartbeats of all groups to a peer share frames.
 */
describe('many Raft groups per node, and leader election', () => {
  const fixture = new ConsensusFixture()
  let members: ConsensusMember[]
  const groups: HostedGroup[][] = []

  beforeAll(async () => {
    members = await fixture.cluster(3)
    await eventually(() => members.every(m => m.consensus.status().groups[0].voters.length === 3), '3 voters', 20_000)
    const voters = members.map(m => m.id)
    for (let g = 0; g < GROUPS; g++) {
      groups.push(await Promise.all(members.map(async m => await m.consensus.openGroup(`data-${g}`, { voters }))))
    }
    await eventually(() => groups.every(replicas => replicas.some(r => r.election.isLeader)), 'every group has a leader', 20_000)
  }, 90_000)

  afterAll(async () => { await fixture.stopAll() })

  it('keeps each group\'s data apart', async () => {
    await Promise.all(groups.map(async (replicas, g) => { await replicas[g % 3].kv.put('owner', utf8(`group-${g}`)) }))
    for (let g = 0; g < GROUPS; g++) {
      expect(text((await groups[g][(g + 1) % 3].kv.get('owner'))?.value)).toBe(`group-${g}`)
    }
    expect(await members[0].consensus.kv.get('owner')).toBeUndefined()
  }, 60_000)

  it('batches the heartbeats of all groups: far fewer frames than messages while idle', async () => {
    const before = members.map(m => m.consensus.transportStats())
    await new Promise(resolve => setTimeout(resolve, 1_000))
    const after = members.map(m => m.consensus.transportStats())
    const frames = after.reduce((sum, stats, i) => sum + (stats?.framesSent ?? 0) - (before[i]?.framesSent ?? 0), 0)
    const messages = after.reduce((sum, stats, i) => sum + (stats?.messagesSent ?? 0) - (before[i]?.messagesSent ?? 0), 0)
    // 21 groups with leaders spread over 3 nodes: most frames carry heartbeats of several groups.
    expect(messages).toBeGreaterThan(GROUPS * 10)
    expect(messages / frames).toBeGreaterThan(3)
  }, 30_000)

  it('elects a leader per group, notifies changes, and hands leadership over on resign', async () => {
    const replicas = groups[0]
    const leader = replicas.find(r => r.election.isLeader) as HostedGroup
    const term = leader.election.term
    const seen: Array<string | undefined> = []
    const others = replicas.filter(r => r !== leader)
    const stop = others[0].election.onChange(next => { seen.push(next) })
    leader.election.resign()
    await eventually(() => others.some(r => r.election.isLeader), 'another member leads', 10_000)
    const next = others.find(r => r.election.isLeader) as HostedGroup
    expect(next.election.term).toBeGreaterThan(term)
    expect(await others[0].election.leaderKnown({ signal: AbortSignal.timeout(5_000) })).toBe(next.election.leader)
    expect(seen).toContain(next.election.leader)
    stop()
  }, 30_000)

  it('exports per-group metrics: term, indexes, leadership, quorum, membership, transport frames', async () => {
    await new Promise(resolve => setTimeout(resolve, 300)) // a few housekeeping rounds
    const recorded = members.map(m => m.metrics)
    const leaders = recorded.map(r => r.gauges.get('meshwork_raft_is_leader:data-0') ?? 0)
    expect(leaders.reduce((a, b) => a + b, 0)).toBe(1)
    for (const r of recorded) {
      expect(r.gauges.get('meshwork_raft_voters:control')).toBe(3)
      expect(r.gauges.get('meshwork_raft_quorum_active:control')).toBe(1)
      expect(r.gauges.get('meshwork_raft_commit_index:data-0')).toBeGreaterThan(1)
      expect(r.counters.get('meshwork_raft_frames_total:sent') ?? 0).toBeGreaterThan(0)
    }
  }, 30_000)
})
