import { readFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Environment {
  date: string
  node: string
  platform: string
  cpu: string
  cores: number
  memoryGiB: number
  /** 1-minute load average when the run started: other work on the machine skews figures. */
  loadAverage: number
  packages: Record<string, string>
}

const MEASURED_PACKAGES = ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', '@libp2p/utils', 'it-length-prefixed', '@meshwork/core-mesh']

/** The installed version of `name`, found by resolving it and walking up to its package.json. */
async function installedVersion (name: string): Promise<string> {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)))
    while (dir !== dirname(dir)) {
      try {
        const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string, version?: string }
        if (manifest.name === name) return manifest.version ?? 'unknown'
      } catch { /* no package.json here: keep walking up */ }
      dir = dirname(dir)
    }
  } catch { /* not resolvable */ }
  return 'unknown'
}

/** The machine and the versions of `packages` (default: the channel benchmark's). */
export async function describeEnvironment (measured: readonly string[] = MEASURED_PACKAGES): Promise<Environment> {
  const cpu = cpus()
  const packages: Record<string, string> = {}
  for (const name of measured) packages[name] = await installedVersion(name)
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg()[0],
    packages
  }
}
