import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** `tools/bench/setup/install-etcd.sh`, from `tools/bench/dist/src/`. */
const INSTALL_SCRIPT = fileURLToPath(new URL('../../setup/install-etcd.sh', import.meta.url))

export interface EtcdInstallation {
  /** `etcd --version`'s version, and the Debian package version when dpkg knows it. */
  version: string
  /** Whether this run installed it. */
  installed: boolean
}

const etcdVersion = (): string | undefined => {
  const result = spawnSync('etcd', ['--version'], { encoding: 'utf8' })
  if (result.status !== 0) return undefined
  return /etcd Version: (\S+)/.exec(result.stdout)?.[1] ?? result.stdout.split('\n')[0]?.trim()
}

/**
 * Make sure Debian's etcd works: when `etcd --version` fails, run the setup script
 * (`apt-get update && apt-get install -y etcd-server etcd-client`; needs root and Debian's
 * mirror). Throws when etcd still does not run afterwards.
 */
export function ensureEtcd (progress: (text: string) => void): EtcdInstallation {
  let installed = false
  let reported = etcdVersion()
  if (reported === undefined) {
    progress(`etcd is not installed: running ${INSTALL_SCRIPT}`)
    const result = spawnSync('sh', [INSTALL_SCRIPT], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
    reported = etcdVersion()
    if (result.status !== 0 || reported === undefined) throw new Error(`could not install etcd (${INSTALL_SCRIPT} exited ${String(result.status)})`)
    installed = true
  }
  const dpkg = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'etcd-server'], { encoding: 'utf8' })
  const version = dpkg.status === 0 && dpkg.stdout.trim() !== '' ? `Debian etcd-server ${dpkg.stdout.trim()} (etcd ${reported})` : `etcd ${reported}`
  return { version, installed }
}
