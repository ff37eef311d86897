import { execFile } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { mkdtempSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SerfAgent, parseSerfLogLine, type SerfLogLine } from './serf-agent.js'
import type { MemberEvent, MemberView, SwimCluster } from './swim-cluster.js'
import type { SerfProfile, SwimTimings } from './swim-options.js'
import { registerDirectory, removeDirectory } from './swim-reaper.js'

export interface SerfClusterInit {
  size: number
  profile: SerfProfile
  timings: SwimTimings
  pdeathsig: boolean
}

/**
 * The event handler every agent runs on `member-failed`: serf pipes one line per member
 * (`name address role tags`) to its stdin; it appends them, stamped with the time the
 * handler started (ms since the epoch), to the file named by its argument.
 */
const FAILED_HANDLER = `#!/bin/sh
at=$(date +%s%3N)
while IFS= read -r line; do printf '%s %s\\n' "$at" "$line" >> "$1"; done
`

const HOST = '127.0.0.1'
const MEMBERS_TIMEOUT_MS = 5_000

/** A port free on 127.0.0.1 for both TCP and UDP (memberlist binds both), not in `taken`. */
async function freePort (taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, HOST, () => {
        const address = server.address()
        server.close(() => { resolve(typeof address === 'object' && address !== null ? address.port : 0) })
      })
    })
    if (port === 0 || taken.has(port)) continue
    const udpFree = await new Promise<boolean>(resolve => {
      const socket = createSocket('udp4')
      socket.once('error', () => { socket.close(); resolve(false) })
      socket.bind(port, HOST, () => { socket.close(() => { resolve(true) }) })
    })
    if (udpFree) { taken.add(port); return port }
  }
  throw new Error('no free port pair on 127.0.0.1')
}

interface AgentSlot {
  name: string
  bindPort: number
  rpcPort: number
  configFile: string
  failedFile: string
  agent: SerfAgent | undefined
  paused: boolean
}

/**
 * N Debian `serf agent` processes on 127.0.0.1, each with its own bind and RPC port, one
 * config file each (`profile` and `reconnect_interval`: the memberlist timings themselves are
 * not settable in serf's agent), joined through agent 0. Events come from the agents' logs;
 * the `member-failed` event handler writes its own timestamps as a cross-check.
 */
export class SerfCluster implements SwimCluster {
  readonly side = 'serf' as const
  readonly size: number
  private readonly dir: string
  private readonly slots: AgentSlot[] = []
  private readonly listeners = new Set<(event: MemberEvent) => void>()
  private readonly index = new Map<string, number>()

  constructor (private readonly init: SerfClusterInit) {
    this.size = init.size
    this.dir = registerDirectory(mkdtempSync(join(tmpdir(), 'meshwork-bench-serf-')))
  }

  async start (): Promise<void> {
    const handler = join(this.dir, 'on-member-failed.sh')
    await writeFile(handler, FAILED_HANDLER, { mode: 0o755 })
    const taken = new Set<number>()
    for (let i = 0; i < this.size; i++) {
      const name = `agent-${i}`
      const slot: AgentSlot = {
        name,
        bindPort: await freePort(taken),
        rpcPort: await freePort(taken),
        configFile: join(this.dir, `${name}.json`),
        failedFile: join(this.dir, `${name}.failed`),
        agent: undefined,
        paused: false
      }
      const config = {
        node_name: name,
        bind: `${HOST}:${slot.bindPort}`,
        rpc_addr: `${HOST}:${slot.rpcPort}`,
        profile: this.init.profile,
        log_level: 'info',
        reconnect_interval: `${this.init.timings.reconnectIntervalMs}ms`,
        event_handlers: [`member-failed=/bin/sh ${handler} ${slot.failedFile}`]
      }
      await writeFile(slot.configFile, `${JSON.stringify(config, null, 2)}\n`)
      this.slots.push(slot)
      this.index.set(name, i)
    }
    await this.startAgent(0, [])
    await Promise.all(this.slots.slice(1).map(async (_slot, k) => { await this.startAgent(k + 1, [this.address(0)]) }))
  }

  async views (): Promise<MemberView[]> {
    const live = this.slots.flatMap((slot, i) => slot.agent?.running === true && !slot.paused ? [i] : [])
    const views = await Promise.all(live.map(async (i): Promise<MemberView | undefined> => {
      try {
        const json = await new Promise<string>((resolve, reject) => {
          execFile('serf', ['members', '-format=json', `-rpc-addr=${HOST}:${this.slots[i].rpcPort}`], { timeout: MEMBERS_TIMEOUT_MS }, (err, stdout) => {
            if (err !== null) reject(err)
            else resolve(stdout)
          })
        })
        const { members } = JSON.parse(json) as { members: Array<{ name: string, status: string }> }
        const aliveMembers = members.filter(m => m.status === 'alive').map(m => this.index.get(m.name)).filter((n): n is number => n !== undefined).sort((a, b) => a - b)
        return { observer: i, alive: aliveMembers.length, aliveMembers }
      } catch {
        return undefined
      }
    }))
    return views.filter((v): v is MemberView => v !== undefined)
  }

  kill (i: number): number {
    const at = Date.now()
    this.requireAgent(i).signal('SIGKILL')
    return at
  }

  pause (i: number): number {
    const at = Date.now()
    this.requireAgent(i).signal('SIGSTOP')
    this.slots[i].paused = true
    return at
  }

  resume (i: number): number {
    const at = Date.now()
    this.requireAgent(i).signal('SIGCONT')
    this.slots[i].paused = false
    return at
  }

  async restart (i: number): Promise<void> {
    await this.slots[i].agent?.stop()
    const through = this.slots.flatMap((slot, k) => k !== i && slot.agent?.running === true ? [this.address(k)] : [])
    await this.startAgent(i, through)
  }

  onEvent (listener: (event: MemberEvent) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** The `member-failed` handler's timestamps for `victim` written at or after `since`, per observer. */
  async handlerDetections (victim: number, since: number): Promise<Array<{ observer: number, at: number }>> {
    const found: Array<{ observer: number, at: number }> = []
    for (const [observer, slot] of this.slots.entries()) {
      let text = ''
      try { text = await readFile(slot.failedFile, 'utf8') } catch { continue }
      for (const line of text.split('\n')) {
        const [at, name] = line.split(/\s+/)
        if (name === this.slots[victim].name && Number(at) >= since) found.push({ observer, at: Number(at) })
      }
    }
    return found
  }

  async stop (): Promise<void> {
    await Promise.allSettled(this.slots.map(async slot => { await slot.agent?.stop() }))
    removeDirectory(this.dir)
  }

  private address (i: number): string {
    return `${HOST}:${this.slots[i].bindPort}`
  }

  private requireAgent (i: number): SerfAgent {
    const agent = this.slots[i].agent
    if (agent === undefined || !agent.running) throw new Error(`serf agent ${i} is not running`)
    return agent
  }

  private async startAgent (i: number, through: string[]): Promise<void> {
    const slot = this.slots[i]
    slot.paused = false
    slot.agent = await SerfAgent.start(
      { name: slot.name, configFile: slot.configFile, logFile: join(this.dir, `${slot.name}.log`), pdeathsig: this.init.pdeathsig },
      through,
      (line) => { this.onLine(i, line) }
    )
  }

  private onLine (observer: number, line: SerfLogLine): void {
    const parsed = parseSerfLogLine(line.text)
    if (parsed === undefined) return
    const event: MemberEvent = { kind: parsed.kind, observer, subject: this.index.get(parsed.member), at: line.at }
    for (const listener of this.listeners) listener(event)
  }
}
