import { fork, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { MemberEvent, MemberView, SwimCluster } from './swim-cluster.js'
import type { FromMeshworkNode, MeshworkNodeInit, ToMeshworkNode } from './swim-ipc.js'
import type { LinkHeartbeat, SwimTimings } from './swim-options.js'
import { killAndWait, register, registerDirectory, removeDirectory } from './swim-reaper.js'

export interface MeshworkClusterInit {
  size: number
  timings: SwimTimings
  heartbeat: LinkHeartbeat
}

const NODE_ENTRY = fileURLToPath(new URL('./swim-meshwork-node.js', import.meta.url))
const START_TIMEOUT_MS = 60_000
const MEMBERS_TIMEOUT_MS = 5_000
const STOP_GRACE_MS = 3_000

interface Member {
  child: ChildProcess
  peerId: string
  addresses: string[]
  paused: boolean
  log: WriteStream
}

/**
 * N Meshwork nodes, each in its own child process (`swim-meshwork-node.ts`) with the SWIM
 * membership service, over TCP on 127.0.0.1, joined through member 0. A restarted member
 * comes back with a fresh identity (no data dir): to the others it is a new member, and the
 * killed identity stays dead.
 */
export class MeshworkCluster implements SwimCluster {
  readonly side = 'meshwork' as const
  readonly size: number
  private readonly dir: string
  private readonly members: Array<Member | undefined> = []
  private readonly index = new Map<string, number>()
  private readonly listeners = new Set<(event: MemberEvent) => void>()
  private readonly pending = new Map<number, (alive: string[]) => void>()
  private nextRequest = 0

  constructor (private readonly init: MeshworkClusterInit) {
    this.size = init.size
    this.dir = registerDirectory(mkdtempSync(join(tmpdir(), 'meshwork-bench-swim-')))
  }

  async start (): Promise<void> {
    await this.startMember(0, [])
    const seed = this.bootstrapAddresses(0)
    const started = await Promise.allSettled(Array.from({ length: this.size - 1 }, async (_, k) => { await this.startMember(k + 1, seed) }))
    const failure = started.find(r => r.status === 'rejected')
    if (failure !== undefined) throw failure.reason
  }

  async views (): Promise<MemberView[]> {
    const live = this.members.flatMap((m, i) => m !== undefined && this.running(m) && !m.paused ? [i] : [])
    const views = await Promise.all(live.map(async (i): Promise<MemberView | undefined> => {
      const alive = await this.request(i)
      if (alive === undefined) return undefined
      const aliveMembers = alive.map(id => this.index.get(id)).filter((n): n is number => n !== undefined).sort((a, b) => a - b)
      return { observer: i, alive: aliveMembers.length, aliveMembers }
    }))
    return views.filter((v): v is MemberView => v !== undefined)
  }

  kill (i: number): number {
    return this.signal(i, 'SIGKILL')
  }

  pause (i: number): number {
    const at = this.signal(i, 'SIGSTOP')
    this.require(i).paused = true
    return at
  }

  resume (i: number): number {
    const at = this.signal(i, 'SIGCONT')
    this.require(i).paused = false
    return at
  }

  async restart (i: number): Promise<void> {
    const old = this.members[i]
    if (old !== undefined) {
      await killAndWait(old.child)
      // The old identity is no member of ours any more: events about it have no subject.
      this.index.delete(old.peerId)
    }
    await this.startMember(i, this.members.flatMap((m, k) => m !== undefined && k !== i && this.running(m) ? this.bootstrapAddresses(k) : []))
  }

  onEvent (listener: (event: MemberEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  async stop (): Promise<void> {
    await Promise.allSettled(this.members.map(async (m) => {
      if (m === undefined) return
      if (this.running(m)) {
        try { process.kill(m.child.pid ?? 0, 'SIGCONT') } catch { /* gone */ }
        this.send(m, { type: 'stop' })
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, STOP_GRACE_MS)
          m.child.once('exit', () => { clearTimeout(timer); resolve() })
        })
      }
      await killAndWait(m.child)
      await new Promise<void>(resolve => { m.log.end(resolve) })
    }))
    removeDirectory(this.dir)
  }

  private running (m: Member): boolean {
    return m.child.exitCode === null && m.child.signalCode === null
  }

  private require (i: number): Member {
    const m = this.members[i]
    if (m === undefined || !this.running(m)) throw new Error(`meshwork member ${i} is not running`)
    return m
  }

  private signal (i: number, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): number {
    const m = this.require(i)
    const at = Date.now()
    process.kill(m.child.pid ?? 0, signal)
    return at
  }

  private bootstrapAddresses (i: number): string[] {
    const m = this.members[i]
    return m === undefined ? [] : m.addresses.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${m.peerId}`)
  }

  private send (m: Member, message: ToMeshworkNode): void {
    if (m.child.connected) m.child.send(message)
  }

  private async request (i: number): Promise<string[] | undefined> {
    const m = this.members[i]
    if (m === undefined || !m.child.connected) return undefined
    const id = this.nextRequest++
    return await new Promise<string[] | undefined>(resolve => {
      const timer = setTimeout(() => { this.pending.delete(id); resolve(undefined) }, MEMBERS_TIMEOUT_MS)
      this.pending.set(id, (alive) => { clearTimeout(timer); resolve(alive) })
      this.send(m, { type: 'members', id })
    })
  }

  private async startMember (i: number, bootstrap: string[]): Promise<void> {
    const init: MeshworkNodeInit = { index: i, bootstrap, timings: this.init.timings, heartbeat: this.init.heartbeat }
    const child = register(fork(NODE_ENTRY, [JSON.stringify(init)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }))
    const log = createWriteStream(join(this.dir, `member-${i}.log`), { flags: 'a' })
    const recent: string[] = []
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (text) => {
        log.write(`${Date.now()} ${text}\n`)
        recent.push(text)
        if (recent.length > 20) recent.shift()
      })
    }
    const ready = new Promise<{ peerId: string, addresses: string[] }>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`meshwork member ${i} not ready after ${START_TIMEOUT_MS} ms:\n  ${recent.join('\n  ')}`)) }, START_TIMEOUT_MS)
      child.on('message', (message: FromMeshworkNode) => {
        if (message.type === 'ready') { clearTimeout(timer); resolve(message) }
        if (message.type === 'failed') { clearTimeout(timer); reject(new Error(`meshwork member ${i} failed to start: ${message.message}`)) }
      })
      child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`meshwork member ${i} exited (${code ?? signal}) while starting:\n  ${recent.join('\n  ')}`)) })
    })
    let started: { peerId: string, addresses: string[] }
    try {
      started = await ready
    } catch (err) {
      await killAndWait(child)
      log.end()
      throw err
    }
    const member: Member = { child, peerId: started.peerId, addresses: started.addresses, paused: false, log }
    this.members[i] = member
    this.index.set(started.peerId, i)
    child.on('message', (message: FromMeshworkNode) => { this.onMessage(i, member, message) })
  }

  private onMessage (i: number, member: Member, message: FromMeshworkNode): void {
    if (this.members[i] !== member) return
    if (message.type === 'members') {
      this.pending.get(message.id)?.(message.alive)
      this.pending.delete(message.id)
    } else if (message.type === 'event') {
      const event: MemberEvent = { kind: message.kind, observer: i, subject: this.index.get(message.member), at: message.at }
      for (const listener of this.listeners) listener(event)
    }
  }
}
