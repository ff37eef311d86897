import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { register, killAndWait } from './swim-reaper.js'

/** One line of an agent's log, with the time (`Date.now()`) it reached the benchmark. */
export interface SerfLogLine { text: string, at: number }

/** What a log line says about a member, by the lines serf 0.9 and memberlist 0.5 print at INFO. */
export interface SerfLogEvent { kind: 'failed' | 'suspect' | 'join', member: string }

const LOG_PATTERNS: ReadonlyArray<{ pattern: RegExp, kind: SerfLogEvent['kind'] }> = [
  // serf/serf.go handleNodeLeave: the member's state became failed on this agent.
  { pattern: /\[INFO\] serf: EventMemberFailed: (\S+) /, kind: 'failed' },
  // memberlist/state.go probeNode: this agent's probe of the member failed; it raises the suspicion.
  { pattern: /\[INFO\] memberlist: Suspect (\S+) has failed, no acks received/, kind: 'suspect' },
  { pattern: /\[INFO\] serf: EventMemberJoin: (\S+) /, kind: 'join' }
]

export function parseSerfLogLine (text: string): SerfLogEvent | undefined {
  for (const { pattern, kind } of LOG_PATTERNS) {
    const match = pattern.exec(text)
    if (match !== null) return { kind, member: match[1] }
  }
  return undefined
}

export interface SerfAgentSpec {
  name: string
  configFile: string
  /** The agent's stdout and stderr are copied here, for a post-mortem. */
  logFile: string
  /** Run under `setpriv --pdeathsig KILL` so that the agent dies with the benchmark. */
  pdeathsig: boolean
}

const READY_LINE = 'Serf agent running!'

/**
 * One `serf agent` process. Its log is read line by line as it is written (serf's logger
 * writes unbuffered to stdout), and every line is stamped with `Date.now()` on arrival: for a
 * member-failed line that is within a millisecond of the moment serf changed the member's state.
 */
export class SerfAgent {
  private readonly log: WriteStream
  private exited = false

  private constructor (readonly spec: SerfAgentSpec, readonly child: ChildProcess, onLine: (line: SerfLogLine) => void) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' })
    for (const stream of [child.stdout, child.stderr]) {
      if (stream === null) continue
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (text) => {
        const at = Date.now()
        this.log.write(`${at} ${text}\n`)
        onLine({ text, at })
      })
    }
    child.once('exit', () => { this.exited = true })
  }

  /** Start the agent; resolves once it is running (and has joined `join`, when given). */
  static async start (spec: SerfAgentSpec, join: string[], onLine: (line: SerfLogLine) => void, timeoutMs = 30_000): Promise<SerfAgent> {
    const serfArgs = ['agent', `-config-file=${spec.configFile}`, ...join.map(address => `-join=${address}`)]
    const [command, args] = spec.pdeathsig ? ['setpriv', ['--pdeathsig', 'KILL', 'serf', ...serfArgs]] : ['serf', serfArgs]
    const child = register(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }))
    const recent: string[] = []
    let markReady: () => void = () => {}
    const ready = new Promise<void>(resolve => { markReady = resolve })
    const agent = new SerfAgent(spec, child, (line) => {
      recent.push(line.text)
      if (recent.length > 20) recent.shift()
      if (line.text.includes(READY_LINE)) markReady()
      onLine(line)
    })
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        ready,
        new Promise<never>((_resolve, reject) => {
          child.once('exit', (code, signal) => { reject(new Error(`serf agent ${spec.name} exited (${code ?? signal}) while starting:\n  ${recent.join('\n  ')}`)) })
          child.once('error', reject)
          timer = setTimeout(() => { reject(new Error(`serf agent ${spec.name} not running after ${timeoutMs} ms:\n  ${recent.join('\n  ')}`)) }, timeoutMs)
        })
      ])
    } catch (err) {
      await agent.stop()
      throw err
    } finally {
      clearTimeout(timer)
    }
    return agent
  }

  get running (): boolean { return !this.exited }

  signal (signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
    if (this.child.pid === undefined || this.exited) throw new Error(`serf agent ${this.spec.name} is not running`)
    process.kill(this.child.pid, signal)
  }

  /** Kill the agent (no graceful leave) and wait until it is gone. */
  async stop (): Promise<void> {
    await killAndWait(this.child)
    await new Promise<void>(resolve => { this.log.end(resolve) })
  }
}
