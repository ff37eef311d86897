import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../dist/bin/meshwork.js')

export type LogLine = Record<string, unknown> & { msg?: string }

export interface CliResult { code: number | null, stdout: string, stderr: string }

/** A `meshwork` client command still running (`subscribe`): its output so far, and its end. */
export interface RunningCli {
  stdout(): string
  stderr(): string
  readonly result: Promise<CliResult>
}

/** Starts one `meshwork` client command; it is killed if it runs longer than `timeoutMs`. */
export function startMeshwork (args: string[], timeoutMs = 20_000): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => { resolve({ code, stdout, stderr }) })
  })
  return { stdout: () => stdout, stderr: () => stderr, result }
}

/** Runs one `meshwork` client command to its end. */
export async function runMeshwork (args: string[], timeoutMs = 20_000): Promise<CliResult> {
  return await startMeshwork(args, timeoutMs).result
}

/** One real `meshwork start` process, its JSON logs, and a client for its admin API. */
export class MeshworkProcess {
  readonly logs: LogLine[] = []
  private readonly child: ChildProcess
  private readonly exited: Promise<{ code: number | null, signal: NodeJS.Signals | null }>
  private port = 0

  constructor (readonly dataDir: string, private readonly token: string, extraArgs: string[] = [], env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, 'start', '--data-dir', dataDir, '--admin-port', '0', '--admin-token', token,
      '--listen', '/ip4/127.0.0.1/tcp/0', '--heartbeat-interval-ms', '200', '--heartbeat-timeout-ms', '300',
      '--log-format', 'json', '--log-level', 'info', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let pending = ''
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) if (line.startsWith('{')) this.logs.push(JSON.parse(line) as LogLine)
    })
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { this.logs.push({ msg: 'stderr', text: chunk }) })
    this.exited = new Promise(resolve => { this.child.once('exit', (code, signal) => { resolve({ code, signal }) }) })
  }

  /** Wait for the admin API (its endpoint file) and return this node's health document. */
  async ready (timeoutMs = 20_000): Promise<{ peerId: string, addresses: string[] }> {
    await until(async () => {
      try {
        this.port = (JSON.parse(await readFile(join(this.dataDir, 'admin.json'), 'utf8')) as { port: number }).port
        return true
      } catch { return false }
    }, `admin.json of ${this.dataDir}`, timeoutMs)
    return await this.api('/api/health') as { peerId: string, addresses: string[] }
  }

  /**
   * One admin API request with any method; the status and the parsed answer, errors included.
   * Throws only when the node cannot be reached in time.
   */
  async request (method: string, path: string, body?: unknown, timeoutMs = 5000): Promise<{ status: number, json: any }> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs)
    })
    const text = await response.text()
    let json: unknown
    try { json = JSON.parse(text) } catch { json = text }
    return { status: response.status, json }
  }

  async api (path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5000)
    })
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`)
    return await response.json()
  }

  /** `meshwork <args>` pointed at this node (its data directory and token). */
  async cli (...args: string[]): Promise<CliResult> {
    return await runMeshwork([...args, '--data-dir', this.dataDir, '--admin-token', this.token])
  }

  /** `meshwork <args>` pointed at this node, left running (`subscribe`). */
  startCli (...args: string[]): RunningCli {
    return startMeshwork([...args, '--data-dir', this.dataDir, '--admin-token', this.token], 40_000)
  }

  async peers (): Promise<Array<{ id: string, status: string }>> {
    return ((await this.api('/api/peers')) as { peers: Array<{ id: string, status: string }> }).peers
  }

  logged (msg: string, match: (line: LogLine) => boolean = () => true): boolean {
    return this.logs.some(line => line.msg === msg && match(line))
  }

  kill (signal: NodeJS.Signals): void {
    this.child.kill(signal)
  }

  async exit (): Promise<{ code: number | null, signal: NodeJS.Signals | null }> {
    return await this.exited
  }
}

export async function until (predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Starts `meshwork` processes in fresh data directories; `cleanUp` kills them and removes the directories. */
export class ProcessFixture {
  private readonly processes: MeshworkProcess[] = []
  private readonly dirs: string[] = []

  constructor (private readonly token: string) {}

  async spawn (args: string[] = [], env: Record<string, string> = {}): Promise<MeshworkProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-proc-'))
    this.dirs.push(dir)
    const child = new MeshworkProcess(dir, this.token, args, env)
    this.processes.push(child)
    return child
  }

  /**
   * Starts a process again in the data directory of one that exited (a restart after a crash):
   * its identity and stored state carry over. The admin endpoint a killed process left behind
   * is removed first, so that `ready` waits for the new one.
   */
  async respawn (previous: MeshworkProcess, args: string[] = [], env: Record<string, string> = {}): Promise<MeshworkProcess> {
    await previous.exit()
    await rm(join(previous.dataDir, 'admin.json'), { force: true })
    const child = new MeshworkProcess(previous.dataDir, this.token, args, env)
    this.processes.push(child)
    return child
  }

  async cleanUp (): Promise<void> {
    for (const child of this.processes) child.kill('SIGKILL')
    await Promise.all(this.processes.map(async child => await child.exit()))
    await Promise.all(this.dirs.map(async dir => { await rm(dir, { recursive: true, force: true }) }))
  }
}
