import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { KvCluster, KvMember, KvWrite } from './kv-cluster.js'
import { isAcknowledged, KvHttpClient, writesThroughEveryMember } from './kv-http.js'
import { freeTcpPort, LOOPBACK } from './kv-ports.js'
import { environmentWithout, ServerProcess } from './kv-server-process.js'
import { registerDirectory, removeDirectory } from './swim-reaper.js'

/** apps/node's `meshwork` executable, from `tools/bench/dist/src/`. */
export const MESHWORK_BIN = fileURLToPath(new URL('../../../../apps/node/dist/bin/meshwork.js', import.meta.url))

export interface MeshworkKvClusterInit {
  size: number
  /** Run every member under `node --cpu-prof`, profiles written here on a clean stop. */
  cpuProfileDir: string | undefined
}

const CONTROL_TIMEOUT_MS = 2_000
const START_TIMEOUT_MS = 60_000
/** Long enough for a member to flush its CPU profile. */
const STOP_GRACE_MS = 10_000
const POLL_MS = 100

/** One Raft group as `GET /api/raft` lists it. */
interface RaftGroupStatus { group: string, role: string, leader?: string | null, term?: number, commit?: number, voters?: string[] }
interface RaftStatus { id: string, groups: RaftGroupStatus[] }

interface MemberSlot {
  dataDir: string
  listenPort: number
  process: ServerProcess | undefined
  peerId: string | undefined
  /** Its id in Raft (`GET /api/raft`'s `id`), as leaders are named. */
  raftId: string | undefined
  adminPort: number
  token: string
}

/** The KV store replicates through the mesh's control group (`@meshwork/consensus`'s CONTROL_GROUP), listed first. */
const CONTROL_GROUP = 'control'

function kvGroup (status: RaftStatus): RaftGroupStatus | undefined {
  return status.groups.find(g => g.group === CONTROL_GROUP) ?? status.groups[0]
}

/**
 * Three `meshwork start` processes of apps/node on 127.0.0.1, each with its own data directory
 * and a fixed listen port (so that a restarted member is found where it was): the first seeds
 * the mesh, the others `--bootstrap` from it. The load goes to each member's admin API
 * (`PUT /api/kv`, bearer token from `<dataDir>/admin.token`, port from `<dataDir>/admin.json`).
 */
export class MeshworkKvCluster implements KvCluster {
  readonly side = 'meshwork' as const
  readonly size: number
  private readonly dir: string
  private readonly slots: MemberSlot[] = []
  private readonly control = new KvHttpClient(4)

  constructor (private readonly init: MeshworkKvClusterInit) {
    if (!existsSync(MESHWORK_BIN)) throw new Error(`${MESHWORK_BIN} is missing: build apps/node first (node_modules/.bin/tsc -b apps/node)`)
    this.size = init.size
    this.dir = registerDirectory(mkdtempSync(join(tmpdir(), 'meshwork-bench-kv-')))
    if (init.cpuProfileDir !== undefined) mkdirSync(init.cpuProfileDir, { recursive: true })
  }

  async start (): Promise<void> {
    const taken = new Set<number>()
    for (let i = 0; i < this.size; i++) {
      const dataDir = join(this.dir, `node-${i}`)
      mkdirSync(dataDir)
      this.slots.push({ dataDir, listenPort: await freeTcpPort(taken), process: undefined, peerId: undefined, raftId: undefined, adminPort: 0, token: '' })
    }
    await this.startMember(0)
    await Promise.all(this.slots.slice(1).map(async (_slot, k) => { await this.startMember(k + 1) }))
  }

  member (i: number): KvMember {
    const slot = this.slots[i]
    return { index: i, host: LOOPBACK, port: slot.adminPort, headers: { authorization: `Bearer ${slot.token}` } }
  }

  encodeWrite (key: string, value: string): KvWrite {
    return { method: 'PUT', path: '/api/kv', body: Buffer.from(JSON.stringify({ key, value })) }
  }

  running (i: number): boolean {
    return this.slots[i]?.process?.running === true
  }

  async leader (): Promise<number | undefined> {
    const groups = await Promise.all(this.liveMembers().map(async i => await this.raftGroup(i)))
    const leaders = new Set(groups.map(g => g?.leader ?? undefined))
    if (groups.some(g => g === undefined) || leaders.size !== 1) return undefined
    const [leaderId] = leaders
    const index = this.slots.findIndex(slot => slot.raftId !== undefined && slot.raftId === leaderId)
    return index >= 0 && this.running(index) ? index : undefined
  }

  async waitReady (timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      if (this.liveMembers().length !== this.size) throw new Error(`meshwork: a member exited:\n  ${this.logTails()}`)
      if (await this.allVotersKnown() && await this.leader() !== undefined && await writesThroughEveryMember(this, this.control, CONTROL_TIMEOUT_MS)) return
      if (performance.now() > deadline) throw new Error(`meshwork: no leader with ${this.size} voters taking writes through every member after ${timeoutMs} ms:\n  ${this.logTails()}`)
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
    }
  }

  kill (i: number): number {
    const member = this.slots[i].process
    if (member === undefined) throw new Error(`meshwork member ${i} was never started`)
    return member.signal('SIGKILL')
  }

  async restart (i: number): Promise<void> {
    await this.slots[i].process?.stop(0)
    await this.startMember(i)
  }

  pids (): number[] {
    return this.slots.flatMap(slot => slot.process?.running === true && slot.process.pid !== undefined ? [slot.process.pid] : [])
  }

  async stop (): Promise<void> {
    this.control.close()
    await Promise.allSettled(this.slots.map(async slot => { await slot.process?.stop(STOP_GRACE_MS) }))
    removeDirectory(this.dir)
  }

  settings (): string[] {
    return [
      `${this.size} × \`meshwork start\` (apps/node, ${process.version}): TCP + Noise + Yamux on 127.0.0.1, default settings (DHT and gossip on, JSON logs at info)` +
        (this.init.cpuProfileDir === undefined ? '' : `; under node --cpu-prof (profiles in ${this.init.cpuProfileDir})`),
      "Raft at @meshwork/consensus's defaults: tick 20 ms, heartbeat every 2 ticks (40 ms), election after 10 ticks (200–400 ms), pre-vote and " +
        'check-quorum on, snapshot every 10,000 entries; entries and votes fsynced (LevelDB sync write) before they are acknowledged',
      'clients: the admin API, PUT /api/kv { key, value }'
    ]
  }

  private liveMembers (): number[] {
    return this.slots.flatMap((_slot, i) => this.running(i) ? [i] : [])
  }

  /** Start member `i` and wait for its admin API; member 0 seeds, the others bootstrap from every other member with a known identity. */
  private async startMember (i: number): Promise<void> {
    const slot = this.slots[i]
    // A killed member leaves its admin.json behind: wait for the new one, not the stale one.
    rmSync(join(slot.dataDir, 'admin.json'), { force: true })
    const bootstrap = this.slots.flatMap((other, k) => k !== i && other.peerId !== undefined ? ['--bootstrap', `/ip4/${LOOPBACK}/tcp/${other.listenPort}/p2p/${other.peerId}`] : [])
    const profile = this.init.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', '--cpu-prof-dir', this.init.cpuProfileDir, '--cpu-prof-name', `meshwork-${i}-${Date.now()}.cpuprofile`]
    slot.process = ServerProcess.start({
      name: `meshwork ${i}`,
      command: process.execPath,
      args: [
        ...profile, MESHWORK_BIN, 'start',
        '--data-dir', slot.dataDir,
        '--listen', `/ip4/${LOOPBACK}/tcp/${slot.listenPort}`,
        '--admin-port', '0',
        '--log-format', 'json',
        ...bootstrap
      ],
      env: environmentWithout('MESHWORK_'),
      logFile: join(this.dir, `node-${i}.log`)
    })
    const deadline = performance.now() + START_TIMEOUT_MS
    for (;;) {
      if (!this.running(i)) throw new Error(`meshwork member ${i} exited while starting:\n  ${slot.process.logTail()}`)
      const health = await this.health(i)
      if (health !== undefined) {
        slot.peerId = health.peerId
        return
      }
      if (performance.now() > deadline) throw new Error(`meshwork member ${i} not answering after ${START_TIMEOUT_MS} ms:\n  ${slot.process.logTail()}`)
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
    }
  }

  /** The member's `/api/health`, once its admin.json and admin.token are there and it answers. */
  private async health (i: number): Promise<{ peerId: string } | undefined> {
    const slot = this.slots[i]
    try {
      slot.adminPort = (JSON.parse(readFileSync(join(slot.dataDir, 'admin.json'), 'utf8')) as { port: number }).port
      slot.token = readFileSync(join(slot.dataDir, 'admin.token'), 'utf8').trim()
      const response = await this.control.call(this.member(i), 'GET', '/api/health', undefined, CONTROL_TIMEOUT_MS)
      return isAcknowledged(response) ? JSON.parse(response.body) as { peerId: string } : undefined
    } catch {
      return undefined
    }
  }

  private async raftGroup (i: number): Promise<RaftGroupStatus | undefined> {
    try {
      const response = await this.control.call(this.member(i), 'GET', '/api/raft', undefined, CONTROL_TIMEOUT_MS)
      if (!isAcknowledged(response)) return undefined
      const status = JSON.parse(response.body) as RaftStatus
      this.slots[i].raftId = status.id
      const group = kvGroup(status)
      return group?.leader === undefined || group.leader === null || group.leader === '' ? undefined : group
    } catch {
      return undefined
    }
  }

  private async allVotersKnown (): Promise<boolean> {
    const groups = await Promise.all(this.liveMembers().map(async i => await this.raftGroup(i)))
    return groups.every(g => g !== undefined && (g.voters?.length ?? 0) === this.size)
  }

  private logTails (): string {
    return this.slots.map((slot, i) => `member ${i}: ${slot.process?.logTail(5) ?? '(not started)'}`).join('\n  ')
  }
}
