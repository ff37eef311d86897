import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from '@jest/globals'
import { detectionBoundMs, resolveMembershipConfig } from '@meshwork/gossip'
import { ProcessFixture, type MeshworkProcess, until } from './meshwork-process.js'

const TOKEN = 'g'.repeat(24) + 'gossip-process-test-token'

// Faster membership than the defaults (1000/500/200), still lenient enough for a loaded 2-core
// machine: a probe waits 150 ms for its ack, and with three members a suspicion lasts
// suspicionMult × 250 ms = 1 s, long enough to refute a false one. The DHT is off: it plays no
// part here (the other process tests run it alongside gossip).
const PROBE = { probeIntervalMs: 250, probeTimeoutMs: 150, gossipIntervalMs: 100 }
const GOSSIP_FLAGS = [
  '--no-dht',
  '--probe-interval-ms', String(PROBE.probeIntervalMs),
  '--probe-timeout-ms', String(PROBE.probeTimeoutMs),
  '--gossip-interval-ms', String(PROBE.gossipIntervalMs)
]
/** The package's worst case from a crash to every member holding it dead, plus room for a busy machine. */
const DEAD_WITHIN_MS = detectionBoundMs(resolveMembershipConfig(PROBE), 3) + 5_000

interface Member { id: string, state: string, metadata: { region?: string, roles: string[] } }

describe('gossip across three meshwork processes over TCP', () => {
  const fixture = new ProcessFixture(TOKEN)
  afterAll(async () => { await fixture.cleanUp() })

  async function launch (bootstrap: string[], metadata: string[]): Promise<{ process: MeshworkProcess, peerId: string, addresses: string[] }> {
    const process = await fixture.spawn([...GOSSIP_FLAGS, ...metadata, ...bootstrap.flatMap(address => ['--bootstrap', address])])
    const { peerId, addresses } = await process.ready()
    return { process, peerId, addresses }
  }

  async function members (process: MeshworkProcess): Promise<Member[]> {
    return ((await process.api('/api/members')) as { members: Member[] }).members
  }

  function stateOf (list: Member[], id: string): string | undefined {
    return list.find(member => member.id === id)?.state
  }

  it('agree on the members, carry pub/sub and Plumtree broadcasts, and see a SIGKILLed member dead', async () => {
    const a = await launch([], ['--region', 'eu-west', '--roles', 'seed'])
    // b and c know only a: they learn of each other through the membership.
    const [b, c] = await Promise.all([
      launch(a.addresses, ['--region', 'us-east', '--roles', 'relay,edge']),
      launch(a.addresses, ['--region', 'eu-west', '--tags', 'rack=r7'])
    ])
    const all = [a, b, c]
    for (const node of all) {
      await until(async () => (await members(node.process)).filter(m => m.state === 'alive').length === 3, `${node.peerId} sees 3 alive members`)
    }

    // `meshwork members` on each node: three alive, with each one's metadata.
    const tables = await Promise.all(all.map(async node => await node.process.cli('members')))
    for (const [index, table] of tables.entries()) {
      expect(table).toMatchObject({ code: 0, stderr: '' })
      const rows = table.stdout.trim().split('\n').slice(1)
      expect(rows).toHaveLength(3)
      expect(rows.every(row => /\salive\s/.test(row))).toBe(true)
      expect(rows[0]).toContain(`${all[index].peerId} (self)`)
      expect(rows.find(row => row.startsWith(b.peerId))).toMatch(/\salive\s+\d+\s+us-east\s+relay,edge\s+-$/)
      expect(rows.find(row => row.startsWith(c.peerId))).toMatch(/\seu-west\s+-\s+rack=r7$/)
    }

    // `meshwork subscribe news --count 1` on c, `meshwork publish news hello` on a.
    const subscriber = c.process.startCli('subscribe', 'news', '--count', '1')
    await until(() => subscriber.stderr().includes('subscribed to "news"'), 'c subscribed to news')
    await until(async () => ((await a.process.api('/api/subscribers?topic=news')) as { subscribers: string[] }).subscribers.includes(c.peerId), 'a knows c subscribes to news')
    // The broadcast (Plumtree) goes out from b meanwhile: each command is a process of its own.
    const [published, broadcast] = await Promise.all([
      a.process.cli('publish', 'news', 'hello'),
      b.process.cli('broadcast', 'news from b')
    ])
    expect(published).toMatchObject({ code: 0, stderr: '' })
    expect(published.stdout).toMatch(/^published 5 bytes on "news" to [12] peers?, message id \S+$/m)
    expect(await subscriber.result).toMatchObject({ code: 0, stdout: 'hello\n' })
    expect(broadcast).toMatchObject({ code: 0, stderr: '' })
    for (const node of [a, c]) {
      await until(() => node.process.logged('broadcast received', line => line.origin === b.peerId && line.preview === 'news from b'), `${node.peerId} got b's broadcast`)
    }

    // SIGKILL c: a and b hold it dead within the detection bound.
    c.process.kill('SIGKILL')
    expect((await c.process.exit()).signal).toBe('SIGKILL')
    const killedAt = Date.now()
    for (const survivor of [a, b]) {
      await until(async () => stateOf(await members(survivor.process), c.peerId) === 'dead', `${survivor.peerId} holds c dead`, DEAD_WITHIN_MS - (Date.now() - killedAt))
    }
    const [table, health] = await Promise.all([b.process.cli('members'), a.process.cli('health')])
    expect(table.stdout.split('\n').find(row => row.startsWith(c.peerId))).toMatch(/\sdead\s/)
    // Two of three members are a quorum: the membership stays HEALTHY, the mesh is DEGRADED.
    expect(health).toMatchObject({ code: 0, stderr: '' })
    expect(health.stdout).toMatch(/^mesh\s+DEGRADED/m)
    expect(health.stdout).toMatch(/^membership\s+HEALTHY \(2 alive, 0 suspect, 1 dead, 0 left\), pub\/sub on$/m)
    expect(a.process.logged('member dead', line => line.member === c.peerId)).toBe(true)

    // SIGTERM: a leaves gracefully (b sees it left, not dead) and keeps its member list.
    a.process.kill('SIGTERM')
    expect((await a.process.exit()).code).toBe(0)
    await until(async () => stateOf(await members(b.process), a.peerId) === 'left', 'b holds a left, not dead', 3_000)
    b.process.kill('SIGTERM')
    expect((await b.process.exit()).code).toBe(0)
    const saved = await readFile(join(a.process.dataDir, 'members.json'), 'utf8')
    for (const node of all) expect(saved).toContain(node.peerId)
  }, 60_000)
})
