import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from '@jest/globals'
import { ProcessFixture, until } from './meshwork-process.js'

const TOKEN = 'plugin-loading-test-token-0123456789'
const PLUGIN = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/env-discovery.js')

describe('meshwork start --discovery-plugin', () => {
  const fixture = new ProcessFixture(TOKEN)
  afterAll(async () => { await fixture.cleanUp() })

  it('loads a discovery plugin from a relative module path and joins the peers it finds, with no bootstrap', async () => {
    const a = await fixture.spawn()
    const { peerId, addresses } = await a.ready()
    const b = await fixture.spawn(['--discovery-plugin', `./${relative(process.cwd(), PLUGIN)}`], { MESHWORK_TEST_PEERS: addresses.join(',') })
    await b.ready()
    await until(async () => (await b.peers()).some(p => p.id === peerId && p.status === 'connected'), 'b connected to a through the plugin')
    expect(b.logged('node started')).toBe(true)
  }, 60_000)

  it('refuses a module whose export is not a service factory, exiting with an error', async () => {
    const c = await fixture.spawn(['--discovery-plugin', join(dirname(PLUGIN), 'not-a-plugin.js')])
    const { code } = await c.exit()
    expect(code).not.toBe(0)
    expect(JSON.stringify(c.logs)).toMatch(/PluginLoadError|not-a-plugin/)
  }, 30_000)
})
