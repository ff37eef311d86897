import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { KvCluster, KvMember, KvWrite } from './kv-cluster.js'
import { isAcknowledged, KvHttpClient, writesThroughEveryMember } from './kv-http.js'
import { freeTcpPort, LOOPBACK } from './kv-ports.js'
import { environmentWithout, ServerProcess } from './kv-server-process.js'
import { registerDirectory, removeDirectory } from './swim-reaper.js'

export interface EtcdClusterInit {
  size: number
  /** Debian's package version, for the settings line. */
  version: string
}

/** etcd's defaults, passed explicitly so that the report states what ran. */
export const ETCD_HEARTBEAT_MS = 100
export const ETCD_ELECTION_TIMEOUT_MS = 1000

const CONTROL_TIMEOUT_MS = 2_000
const STOP_GRACE_MS = 3_000
const POLL_MS = 100

interface MemberSlot {
  name: string
  clientPort: number
  peerPort: number
  dataDir: string
  process: ServerProcess | undefined
  /** etcd's member id (a uint64 in decimal), learned from its status. */
  id: string | undefined
}

interface EtcdStatus { header?: { member_id?: string }, leader?: string }

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')

/**
 * Debian's etcd 3.4 as `size` members on 127.0.0.1 (one `etcd` process each, its own client and
 * peer port and data directory in a temp directory), with etcd's default Raft timings and fsync.
 * Clients use etcd's v3 JSON gateway on the client port (`POST /v3/kv/put`, base64 key and value).
 */
export class EtcdCluster implements KvCluster {
  readonly side = 'etcd' as const
  readonly size: number
  private readonly dir: string
  private readonly slots: MemberSlot[] = []
  private readonly control = new KvHttpClient(4)
  private readonly token = `meshwork-bench-${randomBytes(6).toString('hex')}`

  constructor (private readonly init: EtcdClusterInit) {
    this.size = init.size
    this.dir = registerDirectory(mkdtempSync(join(tmpdir(), 'meshwork-bench-etcd-')))
  }

  async start (): Promise<void> {
    const taken = new Set<number>()
    for (let i = 0; i < this.size; i++) {
      this.slots.push({ name: `m${i}`, clientPort: await freeTcpPort(taken), peerPort: await freeTcpPort(taken), dataDir: join(this.dir, `m${i}`), process: undefined, id: undefined })
    }
    for (let i = 0; i < this.size; i++) this.startMember(i)
  }

  member (i: number): KvMember {
    return { index: i, host: LOOPBACK, port: this.slots[i].clientPort, headers: {} }
  }

  encodeWrite (key: string, value: string): KvWrite {
    return { method: 'POST', path: '/v3/kv/put', body: Buffer.from(JSON.stringify({ key: base64(key), value: base64(value) })) }
  }

  running (i: number): boolean {
    return this.slots[i]?.process?.running === true
  }

  async leader (): Promise<number | undefined> {
    const live = this.liveMembers()
    const statuses = await Promise.all(live.map(async i => await this.status(i)))
    const leaders = new Set(statuses.map(s => s?.leader))
    if (statuses.some(s => s === undefined) || leaders.size !== 1) return undefined
    const [leaderId] = leaders
    const index = this.slots.findIndex(slot => slot.id !== undefined && slot.id === leaderId)
    return index >= 0 && this.running(index) ? index : undefined
  }

  async waitReady (timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      if (this.liveMembers().length !== this.size) throw new Error(`etcd: a member exited:\n  ${this.logTails()}`)
      if (await this.leader() !== undefined && await writesThroughEveryMember(this, this.control, CONTROL_TIMEOUT_MS)) return
      if (performance.now() > deadline) throw new Error(`etcd: no leader taking writes through every member after ${timeoutMs} ms:\n  ${this.logTails()}`)
      await new Promise(resolve => setTimeout(resolve, POLL_MS))
    }
  }

  kill (i: number): number {
    const member = this.slots[i].process
    if (member === undefined) throw new Error(`etcd member ${i} was never started`)
    return member.signal('SIGKILL')
  }

  async restart (i: number): Promise<void> {
    await this.slots[i].process?.stop(0)
    this.startMember(i)
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
      `${this.init.version}: ${this.size} members, --heartbeat-interval ${ETCD_HEARTBEAT_MS} --election-timeout ${ETCD_ELECTION_TIMEOUT_MS} ` +
        '(the defaults), pre-vote off (3.4 default), snapshot every 100,000 entries (default)',
      'etcd fsyncs its WAL before it acknowledges (no flag turns that off in 3.4); clients: the v3 JSON gateway, POST /v3/kv/put'
    ]
  }

  private liveMembers (): number[] {
    return this.slots.flatMap((_slot, i) => this.running(i) ? [i] : [])
  }

  private startMember (i: number): void {
    const slot = this.slots[i]
    const peerUrl = (s: MemberSlot): string => `http://${LOOPBACK}:${s.peerPort}`
    const clientUrl = `http://${LOOPBACK}:${slot.clientPort}`
    slot.process = ServerProcess.start({
      name: `etcd ${slot.name}`,
      command: 'etcd',
      args: [
        '--name', slot.name,
        '--data-dir', slot.dataDir,
        '--listen-client-urls', clientUrl,
        '--advertise-client-urls', clientUrl,
        '--listen-peer-urls', peerUrl(slot),
        '--initial-advertise-peer-urls', peerUrl(slot),
        '--initial-cluster', this.slots.map(s => `${s.name}=${peerUrl(s)}`).join(','),
        '--initial-cluster-token', this.token,
        // Ignored when the data directory holds a member already (a restart).
        '--initial-cluster-state', 'new',
        '--heartbeat-interval', String(ETCD_HEARTBEAT_MS),
        '--election-timeout', String(ETCD_ELECTION_TIMEOUT_MS),
        '--logger', 'zap',
        '--log-outputs', 'stderr'
      ],
      env: environmentWithout('ETCD_'),
      logFile: join(this.dir, `${slot.name}.log`)
    })
  }

  private async status (i: number): Promise<EtcdStatus | undefined> {
    try {
      const response = await this.control.call(this.member(i), 'POST', '/v3/maintenance/status', Buffer.from('{}'), CONTROL_TIMEOUT_MS)
      if (!isAcknowledged(response)) return undefined
      const status = JSON.parse(response.body) as EtcdStatus
      this.slots[i].id ??= status.header?.member_id
      return status.leader === undefined || status.leader === '0' ? undefined : status
    } catch {
      return undefined
    }
  }

  private logTails (): string {
    return this.slots.map(slot => `${slot.name}: ${slot.process?.logTail(5) ?? '(not started)'}`).join('\n  ')
  }
}
