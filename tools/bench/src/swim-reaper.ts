import type { ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'

/**
 * Every process the SWIM benchmark starts is registered here, and killed when the benchmark
 * ends however it ends: normally, on an error, on Ctrl-C (SIGINT), SIGTERM (`timeout`) or
 * SIGHUP. A stopped (SIGSTOP) process is sent SIGCONT first, then SIGKILL. The serf agents
 * are also started under `setpriv --pdeathsig KILL` and the Meshwork children exit when their
 * IPC channel closes, so even a SIGKILLed benchmark leaves nothing behind.
 */
const live = new Set<ChildProcess>()
const directories = new Set<string>()
let installed = false

function killNow (child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  try { process.kill(child.pid, 'SIGCONT') } catch { /* already gone */ }
  try { process.kill(child.pid, 'SIGKILL') } catch { /* already gone */ }
}

/**
 * Kill every registered process that is still running and remove the registered scratch
 * directories (synchronous: safe in an exit handler).
 */
export function killAll (): void {
  for (const child of live) killNow(child)
  for (const dir of directories) removeDirectory(dir)
}

/** Remove `dir` when the benchmark ends, unless {@link removeDirectory} did it first. */
export function registerDirectory (dir: string): string {
  installSignalHandlers()
  directories.add(dir)
  return dir
}

export function removeDirectory (dir: string): void {
  directories.delete(dir)
  try { rmSync(dir, { recursive: true, force: true }) } catch { /* best effort */ }
}

/** Track `child` until it exits. */
export function register (child: ChildProcess): ChildProcess {
  installSignalHandlers()
  live.add(child)
  child.once('exit', () => { live.delete(child) })
  return child
}

/** Kill `child` and wait for it to be gone. */
export async function killAndWait (child: ChildProcess, timeoutMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => {
    const timer = setTimeout(resolve, timeoutMs)
    child.once('exit', () => { clearTimeout(timer); resolve() })
  })
  killNow(child)
  await exited
}

function installSignalHandlers (): void {
  if (installed) return
  installed = true
  process.once('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping every process the benchmark started\n`)
      killAll()
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 })[signal])
    })
  }
}
