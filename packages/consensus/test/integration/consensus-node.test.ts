import { afterEach, describe, expect, it } from '@jest/globals'
import { ConsensusFixture, eventually, text, utf8, type ConsensusMember } from './consensus-fixtures.js'

const voters = (member: ConsensusMember): number => member.consensus.status().groups[0].voters.length

describe('ConsensusNode on real nodes (TCP + Noise + Yamux, LevelDB)', () => {
  const fixture = new ConsensusFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('forms a 3-voter control group from a seed and two joiners, and serves linearizable KV from any member', async () => {
    const members = await fixture.cluster(3)
    await eventually(() => members.every(m => voters(m) === 3), 'every member sees 3 voters', 20_000)
    const leaders = members.filter(m => m.consensus.status().groups[0].role === 'leader')
    expect(leaders).toHaveLength(1)
    const followers = members.filter(m => m !== leaders[0])

    const put = await followers[0].consensus.kv.put('colour', utf8('blue'))
    expect(put.succeeded).toBe(true)
    expect(text((await followers[1].consensus.kv.get('colour'))?.value)).toBe('blue')
    expect(text((await leaders[0].consensus.kv.get('colour'))?.value)).toBe('blue')

    const swapped = await followers[1].consensus.kv.cas('colour', utf8('blue'), utf8('green'))
    const stale = await followers[0].consensus.kv.cas('colour', utf8('blue'), utf8('red'))
    expect(swapped.succeeded).toBe(true)
    expect(stale.succeeded).toBe(false)
    expect(text(stale.previous?.value)).toBe('green')
    const removed = await leaders[0].consensus.kv.delete('colour')
    expect(removed.revision).toBeGreaterThan(swapped.revision)
    expect(await followers[0].consensus.kv.get('colour')).toBeUndefined()
  }, 60_000)

  it('elects a new leader when the leader stops, keeps every acknowledged write, and resumes a restarted member from disk', async () => {
    const members = await fixture.cluster(3)
    await eventually(() => members.every(m => voters(m) === 3), 'every member sees 3 voters', 20_000)
    const acknowledged: string[] = []
    for (let i = 0; i < 20; i++) {
      await members[i % 3].consensus.kv.put(`k${i}`, utf8(`v${i}`))
      acknowledged.push(`k${i}`)
    }
    const leader = fixture.leaderOf(members)
    if (leader === undefined) throw new Error('no leader')
    const oldTerm = leader.consensus.status().groups[0].term
    await leader.node.stop()
    const survivors = members.filter(m => m !== leader)
    await survivors[0].consensus.kv.put('after', utf8('failover'))
    const newLeader = fixture.leaderOf(survivors)
    expect(newLeader).toBeDefined()
    expect(newLeader?.consensus.status().groups[0].term).toBeGreaterThan(oldTerm)
    for (const key of acknowledged) expect((await survivors[1].consensus.kv.get(key))?.value).toBeDefined()

    const restarted = await fixture.member('m-restarted', [survivors[0].address], {}, leader.dataDir)
    expect(restarted.id).toBe(leader.id)
    expect(restarted.consensus.status().groups[0].voters).toHaveLength(3) // from its own disk, before hearing from anyone
    await eventually(async () => text((await restarted.consensus.kv.get('after', { consistency: 'local' }))?.value) === 'failover', 'the restarted member catches up', 20_000)
    expect(text((await restarted.consensus.kv.get('k7'))?.value)).toBe('v7')
  }, 90_000)

  it('refuses writes and reports it when a majority is unreachable', async () => {
    const members = await fixture.cluster(3)
    await eventually(() => members.every(m => voters(m) === 3), 'every member sees 3 voters', 20_000)
    const leader = fixture.leaderOf(members)
    if (leader === undefined) throw new Error('no leader')
    await Promise.all(members.filter(m => m !== leader).map(async m => { await m.node.stop() }))
    await eventually(() => !leader.consensus.status().groups[0].quorumActive, 'the leader reports the quorum lost', 10_000)
    const error = await leader.consensus.kv.put('x', utf8('y')).then(() => undefined, (err: Error) => err)
    expect(['QuorumUnavailableError', 'ConsensusTimeoutError']).toContain(error?.name)
  }, 60_000)
})
