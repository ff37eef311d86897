import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { MeshworkProcess, until } from './meshwork-process.js'

const TOKEN = 'plugin-loading-test-token-0123456789'
const PLUGIN = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/env-discovery.js')

describe('meshwork start --discovery-plugin', () => {
  const processes: MeshworkProcess[] = []
  const dirs: string[] = []
  afterAll(async () => {
    for (const p of processes) p.kill('SIGKILL')
    await Promise.all(processes.map(async p => await p.exit()))
    await Promise.all(dirs.map(async d => { await rm(d, { recursive: true, force: true }) }))
  })

  async function dataDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'meshwork-plugin-'))
    dirs.push(dir)
    return dir
  }

  it('loads a discovery plugin from a relative module path and joins the peers it finds, with no bootstrap', async () => {
    const a = new MeshworkProcess(await dataDir(), TOKEN)
    processes.push(a)
    const { peerId, addresses } = await a.ready()
    const b = new MeshworkProcess(await dataDir(), TOKEN, ['--discovery-plugin', `./${relative(process.cwd(), PLUGIN)}`],
      { MESHWORK_TEST_PEERS: addresses.join(',') })
    processes.push(b)
    await b.ready()
    await until(async () => (await b.peers()).some(p => p.id === peerId && p.status === 'connected'), 'b connected to a through the plugin')
    expect(b.logged('node started')).toBe(true)
  }, 60_000)

  it('refuses a module whose export is not a service factory, exiting with an error', async () => {
    const c = new MeshworkProcess(await dataDir(), TOKEN, ['--discovery-plugin', join(dirname(PLUGIN), 'not-a-plugin.js')])
    processes.push(c)
    const { code } = await c.exit()
    expect(code).not.toBe(0)
    expect(JSON.stringify(c.logs)).toMatch(/PluginLoadError|not-a-plugin/)
  }, 30_000)
})
