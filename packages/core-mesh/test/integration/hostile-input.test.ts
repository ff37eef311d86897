import { connect } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import { peerIdFromString } from '@libp2p/peer-id'
import { CHANNEL_PROTOCOL, FLOOD_PROTOCOL, type MeshNode } from '../../src/index.js'
import { encodeFrame } from '../../src/wire/framing.js'
import { NodeFixture, eventually, text, utf8 } from './fixtures.js'

/** Collect the typed errors a node reports for protocol violations. */
function violations (node: MeshNode): string[] {
  const seen: string[] = []
  node.addEventListener('violation', (event) => { seen.push(event.detail.error.name) })
  return seen
}

/** The victim keeps serving: an honest peer's channel round-trips a frame. */
async function stillServes (victim: MeshNode, honest: MeshNode): Promise<void> {
  const channel = await honest.openChannel(victim.peerId)
  await channel.send(utf8('still there?'))
  for await (const frame of channel) {
    expect(text(frame)).toBe('echo:still there?')
    break
  }
  channel.abort(new Error('done'))
}

async function echoServer (node: MeshNode): Promise<void> {
  await node.handle(CHANNEL_PROTOCOL, async (channel) => {
    for await (const frame of channel) await channel.send(utf8(`echo:${text(frame)}`))
  })
}

describe('hostile input against a real node', () => {
  const fixture = new NodeFixture()
  afterEach(async () => { await fixture.stopAll() })

  async function trio (): Promise<{ victim: MeshNode, attacker: MeshNode, honest: MeshNode, seen: string[] }> {
    const victim = await fixture.node({ limits: { maxFrameBytes: 1024 } })
    const attacker = await fixture.node()
    const honest = await fixture.node()
    await echoServer(victim)
    await attacker.join(victim.addresses())
    await honest.join(victim.addresses())
    return { victim, attacker, honest, seen: violations(victim) }
  }

  /** Open a raw stream from attacker to victim, bypassing Meshwork's framing. */
  async function rawStream (attacker: MeshNode, victim: MeshNode, protocol: string) {
    return await attacker.libp2pNode.dialProtocol(peerIdFromString(victim.peerId), protocol)
  }

  it('an oversized frame: FrameTooLargeError, only that stream closed', async () => {
    const { victim, attacker, honest, seen } = await trio()
    const other = await attacker.openChannel(victim.peerId)
    const stream = await rawStream(attacker, victim, CHANNEL_PROTOCOL)
    stream.send(encodeFrame(new Uint8Array(5000), 10_000))
    await eventually(() => seen.includes('FrameTooLargeError'), 'FrameTooLargeError reported')
    await eventually(() => stream.status !== 'open', 'offending stream closed')
    // The attacker's connection and its other channel still work, and so does everyone else.
    expect(victim.connectedPeers()).toContain(attacker.peerId)
    await other.send(utf8('other'))
    for await (const frame of other) { expect(text(frame)).toBe('echo:other'); break }
    await stillServes(victim, honest)
  })

  it('a broken length prefix and a truncated frame: MalformedFrameError', async () => {
    const { victim, attacker, honest, seen } = await trio()
    const broken = await rawStream(attacker, victim, CHANNEL_PROTOCOL)
    broken.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))
    await eventually(() => seen.includes('MalformedFrameError'), 'broken prefix reported')
    const truncated = await rawStream(attacker, victim, CHANNEL_PROTOCOL)
    truncated.send(encodeFrame(new Uint8Array(100), 1024).subarray(0, 30))
    await truncated.close()
    await eventually(() => seen.filter(name => name === 'MalformedFrameError').length === 2, 'truncated frame reported')
    await stillServes(victim, honest)
  })

  it('garbage inside well-formed frames on the flood protocol: MalformedMessageError, nothing delivered', async () => {
    const { victim, attacker, honest, seen } = await trio()
    const delivered: string[] = []
    victim.onBroadcast((message) => { delivered.push(text(message.data)) })
    const stream = await rawStream(attacker, victim, FLOOD_PROTOCOL)
    stream.send(encodeFrame(Uint8Array.from([0x0a, 0xff, 0x01, 0x02]), 1024))
    await eventually(() => seen.includes('MalformedMessageError'), 'garbage reported')
    await honest.broadcast(utf8('honest news'))
    await eventually(() => delivered.includes('honest news'), 'honest broadcast delivered')
    expect(delivered).toEqual(['honest news'])
    expect(victim.peers().find(p => p.id === attacker.peerId)?.reputation).toBeLessThan(0)
    expect(victim.peers().find(p => p.id === honest.peerId)?.reputation).toBe(0)
  })

  it('a peer that keeps violating is disconnected once its reputation hits the floor; others stay', async () => {
    const { victim, attacker, honest, seen } = await trio()
    const cutOff = (): boolean => !victim.connectedPeers().includes(attacker.peerId) && seen.length >= 5
    for (let i = 0; i < 6 && !cutOff(); i++) {
      const stream = await rawStream(attacker, victim, CHANNEL_PROTOCOL).catch(() => undefined)
      // the victim may be hanging up on it already: a closed stream cannot be written
      try { stream?.send(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])) } catch {}
      await eventually(() => seen.length > i || cutOff(), `violation ${i + 1}`)
    }
    await eventually(() => !victim.connectedPeers().includes(attacker.peerId), 'attacker disconnected')
    expect(victim.connectedPeers()).toContain(honest.peerId)
    await stillServes(victim, honest)
  })

  it('garbage bytes on a raw TCP connection: that connection dropped, the node keeps serving', async () => {
    const { victim, honest } = await trio()
    const tcp = victim.addresses().find(a => a.includes('/tcp/'))!
    const port = Number(tcp.split('/tcp/')[1].split('/')[0])
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.write(Buffer.alloc(4096, 0xab)) })
      socket.on('data', () => {})
      socket.on('error', () => {})
      socket.on('close', () => { resolve(true) })
      setTimeout(() => { socket.destroy(); resolve(false) }, 8000).unref()
    })
    expect(closed).toBe(true)
    await stillServes(victim, honest)
  })
})
