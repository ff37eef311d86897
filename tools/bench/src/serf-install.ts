import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** `tools/bench/setup/install-serf.sh`, from `tools/bench/dist/src/`. */
const INSTALL_SCRIPT = fileURLToPath(new URL('../../setup/install-serf.sh', import.meta.url))

const onPath = (command: string): boolean =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0

export interface SerfInstallation {
  /** `serf version`'s first line, and the Debian package version when dpkg knows it. */
  version: string
  /** Whether this run installed it. */
  installed: boolean
  /** Whether agents run under `setpriv --pdeathsig KILL` (util-linux), so they die with the benchmark. */
  pdeathsig: boolean
}

/**
 * Make sure Debian's `serf` is on PATH: when it is not, run the setup script
 * (`apt-get update && apt-get install -y serf`; needs root and Debian's mirror). Throws when
 * serf is still missing afterwards.
 */
export function ensureSerf (progress: (text: string) => void): SerfInstallation {
  let installed = false
  if (!onPath('serf')) {
    progress(`serf is not on PATH: running ${INSTALL_SCRIPT}`)
    const result = spawnSync('sh', [INSTALL_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
    if (result.status !== 0 || !onPath('serf')) throw new Error(`could not install serf (${INSTALL_SCRIPT} exited ${String(result.status)})`)
    installed = true
  }
  const reported = spawnSync('serf', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0]?.trim() ?? 'unknown'
  const dpkg = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'serf'], { encoding: 'utf8' })
  const version = dpkg.status === 0 && dpkg.stdout.trim() !== '' ? `Debian serf ${dpkg.stdout.trim()} (reports "${reported}")` : reported
  return { version, installed, pdeathsig: onPath('setpriv') }
}
