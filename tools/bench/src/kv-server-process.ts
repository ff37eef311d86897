import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { register } from './swim-reaper.js'

export interface ServerProcessSpec {
  /** For messages: `etcd m1`, `meshwork 2`. */
  name: string
  command: string
  args: readonly string[]
  env: NodeJS.ProcessEnv
  /** stdout and stderr are appended here by the child itself (no pipe through the benchmark). */
  logFile: string
}

/**
 * Whether servers run under `setpriv --pdeathsig KILL` (util-linux), so that they die with the
 * benchmark however it ends, even by SIGKILL.
 */
export const TIED_TO_BENCHMARK = spawnSync('sh', ['-c', 'command -v setpriv'], { stdio: 'ignore' }).status === 0

/**
 * One server process of a KV cluster, in its own process group (`detached`), so that a kill
 * reaches everything it started. It is registered with the benchmark's reaper, which kills it
 * when the benchmark exits, fails or is interrupted.
 */
/** This process's environment without the variables whose names start with `prefix` (so a server reads only its flags). */
export function environmentWithout (prefix: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith(prefix)))
}

export class ServerProcess {
  readonly exited: Promise<void>
  private readonly child: ChildProcess

  private constructor (readonly spec: ServerProcessSpec) {
    const log = openSync(spec.logFile, 'a')
    const [command, args] = TIED_TO_BENCHMARK ? ['setpriv', ['--pdeathsig', 'KILL', spec.command, ...spec.args]] : [spec.command, [...spec.args]]
    try {
      this.child = register(spawn(command, args, { stdio: ['ignore', log, log], env: spec.env, detached: true }))
    } finally {
      closeSync(log)
    }
    this.exited = new Promise(resolve => {
      this.child.once('exit', () => { resolve() })
      this.child.once('error', () => { resolve() })
    })
  }

  static start (spec: ServerProcessSpec): ServerProcess {
    return new ServerProcess(spec)
  }

  /** The pid (setpriv execs the server, so it is the server's own). */
  get pid (): number | undefined { return this.child.pid }

  get running (): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null
  }

  /** Signal the whole process group; returns `performance.now()` taken right before the signal. */
  signal (signal: 'SIGKILL' | 'SIGTERM'): number {
    const pid = this.child.pid
    if (pid === undefined || !this.running) throw new Error(`${this.spec.name} is not running`)
    const at = performance.now()
    try { process.kill(-pid, signal) } catch { process.kill(pid, signal) }
    return at
  }

  /** SIGTERM (a clean stop: CPU profiles get written), then SIGKILL after `graceMs`; waits until it is gone. */
  async stop (graceMs: number): Promise<void> {
    if (this.running && graceMs > 0) {
      this.signal('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      await Promise.race([this.exited, new Promise(resolve => { timer = setTimeout(resolve, graceMs) })])
      clearTimeout(timer)
    }
    if (this.running) this.signal('SIGKILL')
    await this.exited
  }

  /** The last `lines` lines of the log, for error messages. */
  logTail (lines = 15): string {
    try {
      return readFileSync(this.spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n  ')
    } catch {
      return '(no log)'
    }
  }
}
