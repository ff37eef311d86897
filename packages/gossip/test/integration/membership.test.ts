import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { resolveMembershipConfig, detectionBoundMs } from '../../src/membership/core/config.js'
import { allAlive, eventually, FAST_SWIM, MembershipFixture, type MemberNode, stateOf } from './membership-fixtures.js'

const fixture = new MembershipFixture()
afterEach(async () => { await fixture.stopAll() })

describe('SWIM membership over TCP + Noise', () => {
  it('forms one member list through a single seed, and feeds the registry with metadata', async () => {
    const seed = await fixture.node({ metadata: { region: 'eu-west', roles: ['seed'] } })
    const others: MemberNode[] = []
    for (let i = 0; i < 4; i++) {
      others.push(await fixture.node({ metadata: { region: i % 2 === 0 ? 'eu-west' : 'us-east', roles: ['worker'], tags: { index: String(i) } } }, { bootstrap: [seed.address] }))
    }
    const nodes = [seed, ...others]
    await eventually(() => allAlive(nodes), 'all five see each other alive', 20_000)
    const last = others[3]
    expect(seed.membership.member(last.id)?.metadata).toEqual({ region: 'us-east', roles: ['worker'], tags: { index: '3' } })
    await eventually(() => others[0].node.peers().find(p => p.id === last.id)?.region === 'us-east', 'registry carries the region', 10_000)
    expect(others[0].node.peers().find(p => p.id === last.id)?.tags).toEqual(expect.arrayContaining(['worker', 'index=3']))
    expect(nodes.every(n => n.membership.status() === 'HEALTHY')).toBe(true)
  }, 60_000)

  it('declares a crashed member dead everywhere within the configured bound, and a leaving one left', async () => {
    const nodes = [await fixture.node()]
    for (let i = 0; i < 4; i++) nodes.push(await fixture.node({}, { bootstrap: [nodes[0].address] }))
    await eventually(() => allAlive(nodes), 'all five alive', 20_000)

    const [victim, leaver, ...rest] = nodes
    const crashedAt = Date.now()
    await fixture.crash(victim)
    const bound = detectionBoundMs(resolveMembershipConfig(FAST_SWIM), nodes.length)
    await eventually(() => [leaver, ...rest].every(n => stateOf(n, victim.id) === 'dead'), 'the crashed node is dead everywhere', bound + 5_000)
    const detectedIn = Date.now() - crashedAt
    expect(detectedIn).toBeLessThanOrEqual(bound + 1_000)

    await leaver.membership.leave()
    await eventually(() => rest.every(n => stateOf(n, leaver.id) === 'left'), 'the leaver is left everywhere', 10_000)
    expect(rest.flatMap(n => n.events).filter(e => e.type === 'member:dead' && e.member.id === leaver.id)).toEqual([])
  }, 90_000)

  it('rejoins after a restart from the persisted member list, with a higher incarnation', async () => {
    const a = await fixture.node()
    const b = await fixture.node({}, { bootstrap: [a.address] })
    const dataDir = await fixture.dataDir()
    const stateFile = `${dataDir}/members.json`
    const c = await fixture.node({ stateFile }, { dataDir, bootstrap: [a.address] })
    await eventually(() => allAlive([a, b, c]), 'three alive', 20_000)
    const before = a.membership.member(c.id)?.incarnation ?? -1
    await fixture.crash(c)
    await eventually(() => stateOf(a, c.id) === 'dead' && stateOf(b, c.id) === 'dead', 'c dead', 20_000)

    // Same identity, no bootstrap, and a data directory holding only the identity and the member
    // list (not core-mesh's peer registry): only the member list on disk knows anyone.
    const freshDir = await fixture.dataDir()
    await copyFile(join(dataDir, 'identity.key'), join(freshDir, 'identity.key'))
    await copyFile(stateFile, join(freshDir, 'members.json'))
    const again = await fixture.node({ stateFile: join(freshDir, 'members.json') }, { dataDir: freshDir })
    expect(again.id).toBe(c.id)
    await eventually(() => allAlive([a, b, again]), 'c is alive again everywhere', 20_000)
    expect(a.membership.member(c.id)?.incarnation).toBeGreaterThan(before)
  }, 90_000)

  it('survives peers connecting while it leaves, and stop() cuts the leave short', async () => {
    const a = await fixture.node({ leavePropagateMs: 60_000 })
    const b = await fixture.node({}, { bootstrap: [a.address] })
    await eventually(() => allAlive([a, b]), 'two alive', 20_000)
    const leaving = a.membership.leave()
    // A newcomer connects to the leaving node: it must not try to join through it (and throw).
    const c = await fixture.node({}, { bootstrap: [a.address] })
    await eventually(() => c.node.connectedPeers().includes(a.id), 'c connected to the leaving node', 10_000)
    await eventually(() => stateOf(b, a.id) === 'left', 'b sees a left', 10_000)
    const stoppedAt = Date.now()
    await fixture.crash(a)
    await leaving
    expect(Date.now() - stoppedAt).toBeLessThan(10_000)
  }, 60_000)

  it('spreads a metadata change to every member', async () => {
    const a = await fixture.node()
    const b = await fixture.node({}, { bootstrap: [a.address] })
    const c = await fixture.node({}, { bootstrap: [a.address] })
    await eventually(() => allAlive([a, b, c]), 'three alive', 20_000)
    c.membership.setMetadata({ roles: ['db'], tags: { shard: '7' } })
    await eventually(() => [a, b].every(n => n.membership.member(c.id)?.metadata.tags.shard === '7'), 'the new metadata everywhere', 10_000)
    expect(a.events.some(e => e.type === 'member:update' && e.member.id === c.id)).toBe(true)
  }, 60_000)
})
