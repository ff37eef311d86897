import { afterAll, describe, expect, it } from '@jest/globals'
import { ProcessFixture, type MeshworkProcess, until } from './meshwork-process.js'

const TOKEN = 'a'.repeat(24) + 'multi-process-test-token'

describe('three meshwork processes over TCP', () => {
  const fixture = new ProcessFixture(TOKEN)
  afterAll(async () => { await fixture.cleanUp() })

  async function launch (bootstrap: string[]): Promise<{ process: MeshworkProcess, peerId: string, addresses: string[] }> {
    const process = await fixture.spawn(bootstrap.flatMap(address => ['--bootstrap', address]))
    const { peerId, addresses } = await process.ready()
    return { process, peerId, addresses }
  }

  it('form a mesh, exchange messages, and report a SIGKILLed member unreachable with health DEGRADED', async () => {
    const a = await launch([])
    const b = await launch(a.addresses)
    const c = await launch([...a.addresses, ...b.addresses])
    const all = [a, b, c]

    for (const node of all) {
      await until(async () => (await node.process.peers()).filter(p => p.status === 'connected').length === 2, `${node.peerId} connected to both others`)
    }

    // A direct message and a broadcast cross process boundaries over TCP + Noise.
    await b.process.api('/api/send', { peer: c.peerId, data: 'hello from b' })
    await until(() => c.process.logged('message received', line => line.from === b.peerId && line.preview === 'hello from b'), 'c received b\'s message')
    await a.process.api('/api/broadcast', { data: 'news from a' })
    for (const node of [b, c]) {
      await until(() => node.process.logged('broadcast received', line => line.origin === a.peerId && line.preview === 'news from a'), 'broadcast delivered')
    }

    c.process.kill('SIGKILL')
    expect((await c.process.exit()).signal).toBe('SIGKILL')
    for (const survivor of [a, b]) {
      await until(async () => ((await survivor.process.api('/api/health')) as { status: string }).status === 'DEGRADED', `${survivor.peerId} DEGRADED`)
      expect(await survivor.process.api('/api/health')).toMatchObject({ status: 'DEGRADED', members: 3, unreachable: 1 })
      expect((await survivor.process.peers()).find(p => p.id === c.peerId)?.status).toBe('unreachable')
      expect(survivor.process.logged('peer unreachable', line => line.peer === c.peerId)).toBe(true)
    }

    // The survivors still talk to each other, then shut down cleanly on SIGTERM.
    await a.process.api('/api/send', { peer: b.peerId, data: 'still here' })
    await until(() => b.process.logged('message received', line => line.preview === 'still here'), 'a→b after the kill')
    for (const survivor of [a, b]) survivor.process.kill('SIGTERM')
    for (const survivor of [a, b]) expect((await survivor.process.exit()).code).toBe(0)
  }, 90_000)
})
