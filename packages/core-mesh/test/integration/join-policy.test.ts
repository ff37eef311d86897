import { afterEach, describe, expect, it } from '@jest/globals'
import { InvalidConfigError, createMeshNode, generateMeshKey, type MeshNode } from '../../src/index.js'
import { NodeFixture, eventually } from './fixtures.js'

describe('join policy', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  it('KEY_REQUIRED: peers with the mesh key connect; a node without it, or with another key, cannot', async () => {
    const meshKey = generateMeshKey()
    const a = await fixture.node({ joinPolicy: { mode: 'KEY_REQUIRED', meshKey } })
    const b = await fixture.node({ joinPolicy: { mode: 'KEY_REQUIRED', meshKey } })
    const outsider = await fixture.node()
    const wrongKey = await fixture.node({ joinPolicy: { mode: 'KEY_REQUIRED', meshKey: generateMeshKey() } })
    expect((await b.join(a.addresses())).connected).toEqual([a.peerId])
    expect((await outsider.join(a.addresses())).failed).toHaveLength(1)
    expect((await wrongKey.join(a.addresses())).failed).toHaveLength(1)
    expect(a.connectedPeers()).toEqual([b.peerId])
  })

  it('CLOSED: only allow-listed peer ids get in, and the refusal is reported', async () => {
    const member = await fixture.node()
    const stranger = await fixture.node()
    const gate = await fixture.node({ joinPolicy: { mode: 'CLOSED', allow: [member.peerId] } })
    const refused: Array<string | undefined> = []
    gate.addEventListener('policy:rejected', (event) => { refused.push(event.detail.peer) })
    expect((await member.join(gate.addresses())).connected).toEqual([gate.peerId])
    // The dialler may see its handshake finish before the gate hangs up: what counts is that
    // the gate refuses it, reports it, and never keeps the connection.
    await stranger.join(gate.addresses())
    await eventually(() => refused.includes(stranger.peerId), 'refusal reported')
    await eventually(() => !stranger.connectedPeers().includes(gate.peerId), 'stranger cut off')
    expect(gate.connectedPeers()).toEqual([member.peerId])
    expect(gate.peers().map(p => p.id)).not.toContain(stranger.peerId)
  })

  it('denylist: a denied peer is refused, at start and when denied at run time', async () => {
    const good = await fixture.node()
    const bad = await fixture.node()
    const later = await fixture.node()
    const node = await fixture.node({ denylist: [bad.peerId] })
    await bad.join(node.addresses())
    await eventually(() => !bad.connectedPeers().includes(node.peerId), 'denied peer cut off')
    expect((await good.join(node.addresses())).connected).toHaveLength(1)
    expect((await later.join(node.addresses())).connected).toHaveLength(1)
    await node.deny(later.peerId)
    await eventually(() => !node.connectedPeers().includes(later.peerId), 'denied peer dropped')
    await later.join(node.addresses())
    await eventually(() => !later.connectedPeers().includes(node.peerId), 'denied peer cut off again')
    expect(node.connectedPeers()).toEqual([good.peerId])
  })

  it('connection limits: past maxConnections the node does not keep more peers', async () => {
    const hub = await fixture.node({ limits: { maxConnections: 2 } })
    const spokes: MeshNode[] = []
    for (let i = 0; i < 4; i++) spokes.push(await fixture.node())
    for (const spoke of spokes) await spoke.join(hub.addresses())
    await eventually(() => hub.connectedPeers().length <= 2, 'hub trimmed to its limit')
    expect(hub.connectedPeers().length).toBeLessThanOrEqual(2)
  })

  it('invalid policies fail at creation with a typed error naming the field', async () => {
    await expect(createMeshNode({ joinPolicy: { mode: 'KEY_REQUIRED', meshKey: 'short' } })).rejects.toThrow(InvalidConfigError)
    await expect(createMeshNode({ joinPolicy: { mode: 'CLOSED', allow: [] } })).rejects.toThrow(/joinPolicy.allow/)
  })
})
