import { afterAll, describe, expect, it } from '@jest/globals'
import { ProcessFixture, type MeshworkProcess, until } from './meshwork-process.js'

const TOKEN = 'k'.repeat(24) + 'kv-process-test-token'

// Raft a little slower than the defaults (20 ms × 10 ticks): an election timeout of 0.5–1 s
// rides out the event-loop stalls of a loaded 2-core machine running three nodes and jest,
// and the writes below still see a new leader within about a second. The DHT plays no part.
const TICK_MS = 50
const ELECTION_TICKS = 10
const ELECTION_TIMEOUT_MS = TICK_MS * ELECTION_TICKS * 2
const READS_IN_FLIGHT = 8
const NODE_FLAGS = ['--no-dht', '--consensus-tick-ms', String(TICK_MS), '--consensus-election-ticks', String(ELECTION_TICKS)]

interface RaftGroup { group: string, id: string, role: string, leader: string | null, term: number, applied: number, voters: string[] }

interface Node { process: MeshworkProcess, peerId: string, addresses: string[] }

async function control (node: Node): Promise<RaftGroup | undefined> {
  try {
    const { status, json } = await node.process.request('GET', '/api/raft', undefined, 2000)
    return status === 200 ? (json.groups as RaftGroup[]).find(group => group.group === 'control') : undefined
  } catch {
    return undefined
  }
}

/**
 * The leader every node in `nodes` names, once they all name the same one (not `exclude`), it
 * is one of them and leads, and each sees 3 voters.
 */
async function agreedLeader (nodes: Node[], what: string, exclude?: string, timeoutMs = 15_000): Promise<string> {
  let leader: string | undefined
  await until(async () => {
    const groups = await Promise.all(nodes.map(control))
    const named = new Set(groups.map(group => group?.leader))
    const [only] = [...named]
    const agreed = named.size === 1 && typeof only === 'string' && only !== exclude &&
      groups.every(group => group?.voters.length === 3) &&
      groups.some(group => group?.id === only && group.role === 'leader')
    if (agreed) leader = only
    return agreed
  }, what, timeoutMs)
  return leader as string
}

/**
 * Sequential puts of `w<round>-<n>` = `v<n>` through the admin APIs of `targets` in turn, each
 * retried (on another target) until acknowledged; records every acknowledged write.
 */
class Writer {
  readonly acknowledged = new Map<string, string>()
  private stopped = false
  private readonly done: Promise<void>

  constructor (private readonly targets: Node[], round: string) {
    this.done = this.run(round)
  }

  async stop (): Promise<Map<string, string>> {
    this.stopped = true
    await this.done
    return this.acknowledged
  }

  private async run (round: string): Promise<void> {
    let turn = 0
    for (let n = 1; !this.stopped; n++) {
      const key = `w${round}-${n}`
      const value = `v${n}`
      // Retried until acknowledged, even once stopped: a write is either acknowledged or never
      // counted, and an unacknowledged one may still commit (that is allowed).
      for (let attempt = 0; ; attempt++) {
        const target = this.targets[turn++ % this.targets.length]
        try {
          const { status, json } = await target.process.request('PUT', '/api/kv', { key, value }, 8000)
          if (status === 200 && json.key === key) {
            this.acknowledged.set(key, value)
            break
          }
        } catch {
          // unreachable or timed out: the outcome is unknown, so the write is retried
        }
        if (this.stopped && attempt > 20) return
        await new Promise(resolve => setTimeout(resolve, 50))
      }
      await new Promise(resolve => setTimeout(resolve, 15))
    }
  }
}

/** Every acknowledged write reads back, linearizably, on every node (retrying while a node catches up). */
async function expectAllReadable (nodes: Node[], writes: ReadonlyMap<string, string>): Promise<void> {
  const entries = [...writes]
  await Promise.all(nodes.map(async node => {
    const missing: string[] = []
    // A few reads in flight per node: each waits for a ReadIndex round through the leader.
    let next = 0
    await Promise.all(Array.from({ length: READS_IN_FLIGHT }, async () => {
      while (next < entries.length) {
        const [key, value] = entries[next++]
        const read = await readBack(node, key)
        if (read?.status !== 200 || read.json.value !== value) missing.push(`${key}=${value} (got ${read?.status} ${JSON.stringify(read?.json)})`)
      }
    }))
    expect({ node: node.peerId, missing }).toEqual({ node: node.peerId, missing: [] })
  }))
}

/** A linearizable read of `key`; a 404 is an answer (the write is lost), anything else but 200 is retried for 10 s. */
async function readBack (node: Node, key: string): Promise<{ status: number, json: any } | undefined> {
  let read: { status: number, json: any } | undefined
  const deadline = Date.now() + 10_000
  do {
    try {
      read = await node.process.request('GET', `/api/kv?${new URLSearchParams({ key, consistency: 'linearizable' })}`, undefined, 6000)
    } catch {
      read = undefined
    }
    if (read?.status === 200 || read?.status === 404) return read
    await new Promise(resolve => setTimeout(resolve, 100))
  } while (Date.now() < deadline)
  return read
}

describe('the replicated KV store across three meshwork processes', () => {
  const fixture = new ProcessFixture(TOKEN)
  const writers: Writer[] = []
  afterAll(async () => {
    // A failed expectation leaves its writer running: stopped first, so that it ends with the nodes.
    await Promise.all([fixture.cleanUp(), ...writers.map(async writer => await writer.stop())])
  })

  function startWriter (targets: Node[], round: string): Writer {
    const writer = new Writer(targets, round)
    writers.push(writer)
    return writer
  }

  async function launch (bootstrap: string[]): Promise<Node> {
    const process = await fixture.spawn([...NODE_FLAGS, ...bootstrap.flatMap(address => ['--bootstrap', address])])
    const { peerId, addresses } = await process.ready()
    return { process, peerId, addresses }
  }

  async function restart (node: Node, bootstrap: string[]): Promise<Node> {
    const process = await fixture.respawn(node.process, [...NODE_FLAGS, ...bootstrap.flatMap(address => ['--bootstrap', address])])
    const { peerId, addresses } = await process.ready().catch((err: Error) => {
      throw new Error(`${err.message}; the restarted node logged: ${JSON.stringify(process.logs.slice(-15))}`)
    })
    expect(peerId).toBe(node.peerId)
    return { process, peerId, addresses }
  }

  it('forms one group, serves kv and raft through the CLI, and loses no acknowledged write to a SIGKILLed or SIGSTOPped leader', async () => {
    // The first node seeds the control group; the others bootstrap from it and join.
    const a = await launch([])
    const [b, c] = await Promise.all([launch(a.addresses), launch(a.addresses)])
    let nodes = [a, b, c]
    // Normally the seed; an election while the others joined (a stalled machine) may move it.
    const firstLeader = await agreedLeader(nodes, 'three voters agreeing on a leader')
    const leader = nodes.find(node => node.peerId === firstLeader) as Node
    const [f1, f2] = nodes.filter(node => node !== leader)

    // `meshwork raft` on each node: the control group, 3 voters, the same leader.
    const tables = await Promise.all(nodes.map(async node => await node.process.cli('raft')))
    for (const [index, table] of tables.entries()) {
      expect(table).toMatchObject({ code: 0, stderr: '' })
      const [header, row] = table.stdout.trim().split('\n')
      expect(header.split(/\s{2,}/)).toEqual(['GROUP', 'ROLE', 'LEADER', 'TERM', 'COMMIT', 'APPLIED', 'VOTERS', 'LEARNERS', 'QUORUM'])
      const cells = row.split(/\s{2,}/)
      const isLeader = nodes[index] === leader
      expect(cells.slice(0, 3)).toEqual(['control', isLeader ? 'leader' : 'follower', isLeader ? `${firstLeader} (self)` : firstLeader])
      expect(cells.slice(6)).toEqual(['3', '0', 'yes'])
    }

    // A put on one follower, read linearizably on the other; compare-and-set through the leader.
    expect(await f1.process.cli('kv', 'put', 'greeting', 'hello', 'mesh')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^put "greeting" at revision \d+\n$/) })
    expect(await f2.process.cli('kv', 'get', 'greeting')).toMatchObject({ code: 0, stdout: 'hello mesh\n' })
    expect(await leader.process.cli('kv', 'cas', 'greeting', 'hello mesh', 'hello again')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^cas "greeting" succeeded/) })
    const refused = await f2.process.cli('kv', 'cas', 'greeting', 'hello mesh', 'stale')
    expect(refused).toMatchObject({ code: 3, stdout: '' })
    expect(refused.stderr).toContain('CompareAndSetFailedError: "greeting" holds "hello again"')
    expect(await f1.process.cli('kv', 'cas', 'lock', '--absent', 'f1')).toMatchObject({ code: 0 })
    expect(await f1.process.cli('kv', 'get', 'greeting', '--consistency', 'lease')).toMatchObject({ code: 0, stdout: 'hello again\n' })
    expect(await f2.process.cli('kv', 'delete', 'lock')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^deleted "lock" at revision \d+\n$/) })
    const missing = await leader.process.cli('kv', 'get', 'lock')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('404 KeyNotFoundError')

    // SIGKILL the leader while the followers take writes: a new leader is elected, the killed
    // node restarts from its data directory, and every acknowledged write is readable everywhere.
    const killed = leader
    const survivors = [f1, f2]
    const writer = startWriter(survivors, 'k')
    await until(() => writer.acknowledged.size >= 10, 'writes before the kill')
    killed.process.kill('SIGKILL')
    expect((await killed.process.exit()).signal).toBe('SIGKILL')
    const secondLeader = await agreedLeader(survivors, 'a new leader among the survivors', killed.peerId)
    const afterElection = writer.acknowledged.size
    await until(() => writer.acknowledged.size >= afterElection + 10, 'writes under the new leader')
    const restarted = await restart(killed, survivors.flatMap(node => node.addresses))
    nodes = [restarted, ...survivors]
    expect(await agreedLeader(nodes, 'the restarted node following the new leader')).toBe(secondLeader)
    const killRound = await writer.stop()
    expect(killRound.size).toBeGreaterThan(20)
    await expectAllReadable(nodes, killRound)

    // SIGSTOP the leader for longer than an election timeout, writing through the others: they
    // elect a leader; on SIGCONT the old leader steps down and catches up; no write is lost.
    const paused = nodes.find(node => node.peerId === secondLeader) as Node
    const others = nodes.filter(node => node !== paused)
    const termBefore = (await control(paused))?.term ?? 0
    const pausedWriter = startWriter(others, 's')
    await until(() => pausedWriter.acknowledged.size >= 10, 'writes before the pause')
    paused.process.kill('SIGSTOP')
    const pausedAt = Date.now()
    const thirdLeader = await agreedLeader(others, 'a new leader while the old one is stopped', paused.peerId)
    const duringPause = pausedWriter.acknowledged.size
    await until(() => pausedWriter.acknowledged.size >= duringPause + 10, 'writes while the old leader is stopped')
    await new Promise(resolve => setTimeout(resolve, Math.max(0, 3 * ELECTION_TIMEOUT_MS - (Date.now() - pausedAt))))
    paused.process.kill('SIGCONT')
    await until(async () => {
      const group = await control(paused)
      return group?.role === 'follower' && group.leader === thirdLeader && group.term > termBefore
    }, 'the resumed leader stepping down to follow the new one', 15_000)
    expect(await agreedLeader(nodes, 'all three following the new leader')).toBe(thirdLeader)
    const pauseRound = await pausedWriter.stop()
    expect(pauseRound.size).toBeGreaterThan(20)
    await expectAllReadable(nodes, new Map([...killRound, ...pauseRound]))
    // The resumed node has applied everything the others have (it caught up).
    const applied = await Promise.all(nodes.map(async node => (await control(node))?.applied ?? 0))
    await until(async () => ((await control(paused))?.applied ?? 0) >= Math.max(...applied), 'the resumed node catching up')
  }, 90_000)
})
