import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import {
  silentLogger,
  type BroadcastMessage,
  type Channel,
  type ChannelHandler,
  type ChannelHost,
  type ForwardRecord,
  type MeshEvents,
  type MessageSigner,
  type OpenChannelOptions,
  type TypedEventTarget
} from '@meshwork/core-mesh'
import { SeededRandom, VirtualClock, eventually } from '@meshwork/core-mesh/testkit'
import { PLUMTREE_PROTOCOL } from '../../src/plumtree/constants.js'
import { connectedPeersView } from '../../src/plumtree/member-view.js'
import { decodePlumtreeFrame, encodePlumtreeMessage } from '../../src/plumtree/plumtree-codec.js'
import { PlumtreeBroadcast, plumtreeBroadcast, type PlumtreeBroadcastInit } from '../../src/plumtree/plumtree-broadcast.js'
import { PeerReputation } from '../../src/validation/peer-reputation.js'
import { ValidationPipeline } from '../../src/validation/validation-pipeline.js'
import { PlumtreeFrame } from '../../src/wire/plumtree.js'

/** A signer whose "signature" is a hash of author and data: enough to tell forged from genuine. */
function fakeSigner (peerId: string): MessageSigner {
  const sig = (author: string, data: Uint8Array): Uint8Array => createHash('sha256').update(author).update(data).digest()
  return {
    peerId,
    sign: (data) => sig(peerId, data),
    verify: (author, data, signature) => Buffer.from(sig(author, data)).equals(Buffer.from(signature))
  }
}

/** One end of an in-memory channel pair. */
class MemoryChannel implements Channel {
  other!: MemoryChannel
  private readonly frames: Uint8Array[] = []
  private wake: (() => void) | undefined
  closed = false

  constructor (readonly peer: string, readonly protocol: string, readonly direction: 'inbound' | 'outbound') {}

  async send (frame: Uint8Array): Promise<void> {
    if (this.closed) throw Object.assign(new Error('closed'), { name: 'ChannelClosedError' })
    this.other.push(frame)
  }

  async close (): Promise<void> { this.abort(new Error('closed')) }

  abort (_error?: Error): void {
    for (const end of [this, this.other]) {
      end.closed = true
      end.wake?.()
    }
  }

  push (frame: Uint8Array): void {
    this.frames.push(frame)
    this.wake?.()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<Uint8Array> {
    while (true) {
      const frame = this.frames.shift()
      if (frame !== undefined) { yield frame; continue }
      if (this.closed) return
      await new Promise<void>(resolve => { this.wake = resolve })
    }
  }
}

/** Fully connected in-memory hosts: the ChannelHost and the events of each node. */
class MemoryMesh {
  readonly hosts = new Map<string, MemoryHost>()
  /** Peers whose channels never finish opening (until the opener's signal aborts). */
  readonly stalled = new Set<string>()

  host (id: string): MemoryHost {
    const host = new MemoryHost(id, this)
    for (const other of this.hosts.values()) {
      other.events.dispatchEvent(new CustomEvent('peer:connect', { detail: { peer: id } }))
      host.events.dispatchEvent(new CustomEvent('peer:connect', { detail: { peer: other.id } }))
    }
    this.hosts.set(id, host)
    return host
  }
}

class MemoryHost implements ChannelHost {
  readonly events = new EventTarget()
  readonly handlers = new Map<string, ChannelHandler>()
  readonly violations: string[] = []

  constructor (readonly id: string, private readonly mesh: MemoryMesh) {}

  async openChannel (peer: string, options?: OpenChannelOptions): Promise<Channel> {
    const protocol = options?.protocol ?? 'core'
    if (this.mesh.stalled.has(peer)) {
      return await new Promise<Channel>((_resolve, reject) => {
        options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
      })
    }
    const handler = this.mesh.hosts.get(peer)?.handlers.get(protocol)
    if (handler === undefined) throw new Error(`${peer} does not handle ${protocol}`)
    const local = new MemoryChannel(peer, protocol, 'outbound')
    const remote = new MemoryChannel(this.id, protocol, 'inbound')
    local.other = remote
    remote.other = local
    void handler(remote)
    return local
  }

  async handle (protocol: string, handler: ChannelHandler): Promise<void> { this.handlers.set(protocol, handler) }
  async unhandle (protocol: string): Promise<void> { this.handlers.delete(protocol) }
  connectedPeers (): string[] { return [...this.mesh.hosts.keys()].filter(id => id !== this.id) }
  reportViolation (peer: string, protocol: string, error: Error): void { this.violations.push(`${peer} ${protocol} ${error.name}`) }
}

interface TestNode {
  id: string
  host: MemoryHost
  broadcast: PlumtreeBroadcast
  received: BroadcastMessage[]
  forwards: ForwardRecord[]
}

async function startNodes (count: number, init: PlumtreeBroadcastInit = {}, stalled: string[] = []): Promise<TestNode[]> {
  const mesh = new MemoryMesh()
  for (const peer of stalled) mesh.stalled.add(peer)
  const clock = new VirtualClock()
  const nodes: TestNode[] = []
  for (let i = 0; i < count; i++) {
    const id = `peer${i}`
    const host = mesh.host(id)
    const forwards: ForwardRecord[] = []
    const factory = plumtreeBroadcast(init)
    const broadcast = factory({
      peerId: id,
      channels: host,
      events: host.events as unknown as TypedEventTarget<MeshEvents>,
      logger: silentLogger,
      clock,
      random: new SeededRandom(i),
      relayObserver: { onForward: (record) => { forwards.push({ ...record }) } },
      signer: fakeSigner(id)
    })
    await broadcast.start()
    const node: TestNode = { id, host, broadcast, received: [], forwards }
    broadcast.onMessage((message) => { node.received.push(message) })
    nodes.push(node)
  }
  return nodes
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

describe('Plumtree wire codec', () => {
  it('round-trips every message type', () => {
    const gossip = decodePlumtreeFrame(encodePlumtreeMessage({ type: 'gossip', id: 'x', origin: 'o', round: 3, payload: utf8('env'), grafted: true }))
    expect(gossip).toEqual({ type: 'gossip', envelope: utf8('env'), round: 3, grafted: true })
    expect(decodePlumtreeFrame(encodePlumtreeMessage({ type: 'ihave', announcements: [{ id: 'a/1', round: 2 }] })))
      .toEqual({ type: 'ihave', announcements: [{ id: 'a/1', round: 2 }] })
    expect(decodePlumtreeFrame(encodePlumtreeMessage({ type: 'graft', ids: [] }))).toEqual({ type: 'graft', ids: [] })
    expect(decodePlumtreeFrame(encodePlumtreeMessage({ type: 'prune' }))).toEqual({ type: 'prune' })
  })

  it('refuses garbage, empty and ambiguous frames, and oversized id lists, as MalformedGossipError', () => {
    const refused = (bytes: Uint8Array): string => {
      try {
        decodePlumtreeFrame(bytes)
        return 'accepted'
      } catch (err) {
        return (err as Error).name
      }
    }
    expect(refused(Uint8Array.from([0x0a, 0x05, 0x01]))).toBe('MalformedGossipError')
    expect(refused(new Uint8Array(0))).toBe('MalformedGossipError')
    expect(refused(PlumtreeFrame.encode({ prune: {}, graft: { ids: [] } }))).toBe('MalformedGossipError')
    expect(refused(PlumtreeFrame.encode({ graft: { ids: Array.from({ length: 1025 }, (_, i) => `id${i}`) } }))).toBe('MalformedGossipError')
    expect(refused(PlumtreeFrame.encode({ graft: { ids: ['x'.repeat(300)] } }))).toBe('MalformedGossipError')
    expect(refused(PlumtreeFrame.encode({ gossip: { envelope: new Uint8Array(0), round: 0, grafted: false } }))).toBe('MalformedGossipError')
  })
})

describe('PlumtreeBroadcast (in-memory channels)', () => {
  it('declares its needs: membership only when asked to insist on it', () => {
    expect(plumtreeBroadcast().meta).toMatchObject({ name: 'plumtree', provides: ['broadcast'] })
    expect(plumtreeBroadcast().meta.needs).not.toContain('membership')
    expect(plumtreeBroadcast({ view: 'membership' }).meta.needs).toContain('membership')
  })

  it('delivers the application payload once to every node, with the envelope id, and reports forwards', async () => {
    const nodes = await startNodes(5, { config: { eagerFanout: 1 } })
    expect(nodes[0].broadcast.view).toBe('connected-peers')
    const id = await nodes[0].broadcast.broadcast(utf8('hello'))
    expect(text(id)).toMatch(/^peer0\/\d+$/)
    await eventually(() => nodes.slice(1).every(n => n.received.length === 1), 'all four receive')
    for (const node of nodes.slice(1)) {
      expect(text(node.received[0].data)).toBe('hello')
      expect(node.received[0].origin).toBe('peer0')
      expect(text(node.received[0].id)).toBe(text(id))
    }
    expect(nodes[0].received).toEqual([])
    const forwards = nodes.flatMap(n => n.forwards)
    expect(forwards.every(f => f.service === 'plumtree' && f.origin === 'peer0' && text(f.messageId) === text(id))).toBe(true)
    // With one eager link each and five nodes, someone must have passed it on.
    expect(forwards.length).toBeGreaterThan(0)
  })

  it('refuses an envelope signed for another topic and reports its sender', async () => {
    const nodes = await startNodes(3)
    const [victim, attacker] = nodes
    const pipeline = new ValidationPipeline({ signer: fakeSigner(attacker.id), clock: new VirtualClock(), reputation: new PeerReputation({ clock: new VirtualClock() }) })
    const { bytes } = pipeline.seal('some/pubsub/topic', utf8('replayed'))
    const channel = await attacker.host.openChannel(victim.id, { protocol: PLUMTREE_PROTOCOL })
    await channel.send(PlumtreeFrame.encode({ gossip: { envelope: bytes as Uint8Array<ArrayBuffer>, round: 0, grafted: false } }))
    await eventually(() => victim.host.violations.length === 1, 'the victim reports the attacker')
    expect(victim.host.violations).toEqual([`${attacker.id} ${PLUMTREE_PROTOCOL} WrongTopicError`])
    expect(nodes.every(n => n.received.length === 0)).toBe(true)
  })

  it('refuses to broadcast faster than the origin rate peers allow, so an honest fast node is never charged', async () => {
    const nodes = await startNodes(3, { validation: { originRatePerSecond: 1, originBurst: 2 } })
    await nodes[0].broadcast.broadcast(utf8('one'))
    await nodes[0].broadcast.broadcast(utf8('two'))
    await expect(nodes[0].broadcast.broadcast(utf8('three'))).rejects.toMatchObject({ name: 'OriginRateLimitedError', origin: 'peer0', penalise: false })
    await eventually(() => nodes.slice(1).every(n => n.received.length === 2), 'both messages reach everyone')
    // Give a refused third message (were it sent) time to arrive and be judged.
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(nodes.flatMap(n => n.host.violations)).toEqual([])
    expect(nodes.slice(1).map(n => n.received.map(m => text(m.data)))).toEqual([['one', 'two'], ['one', 'two']])
  })

  it('broadcast rejects promptly with the signal\'s reason when aborted while a first hop is stuck', async () => {
    const [node] = await startNodes(2, {}, ['peer1'])
    const controller = new AbortController()
    const sending = node.broadcast.broadcast(utf8('stuck'), { signal: controller.signal })
    const reason = new Error('caller gave up')
    setTimeout(() => { controller.abort(reason) }, 10)
    const outcome = await Promise.race([
      sending.then(() => 'resolved', (err: unknown) => err),
      new Promise(resolve => setTimeout(() => { resolve('still waiting') }, 1_000))
    ])
    expect(outcome).toBe(reason)
    await expect(node.broadcast.broadcast(utf8('late'), { signal: controller.signal })).rejects.toBe(reason)
  })

  it('stop closes its channels and refuses new broadcasts', async () => {
    const [node] = await startNodes(2)
    await node.broadcast.stop()
    expect(node.host.handlers.has(PLUMTREE_PROTOCOL)).toBe(false)
    await expect(node.broadcast.broadcast(utf8('late'))).rejects.toMatchObject({ name: 'NotStartedError' })
  })

  it('connectedPeersView reports connects and disconnects, and unsubscribes', () => {
    const events = new EventTarget()
    const view = connectedPeersView({ connectedPeers: () => ['a'] }, events as unknown as TypedEventTarget<MeshEvents>)
    const changes: string[] = []
    const unsubscribe = view.onMembersChanged(({ joined, left }) => { changes.push(`+${joined.join(',')} -${left.join(',')}`) })
    events.dispatchEvent(new CustomEvent('peer:connect', { detail: { peer: 'b' } }))
    events.dispatchEvent(new CustomEvent('peer:disconnect', { detail: { peer: 'a' } }))
    unsubscribe()
    events.dispatchEvent(new CustomEvent('peer:connect', { detail: { peer: 'c' } }))
    expect(view.liveMembers()).toEqual(['a'])
    expect(changes).toEqual(['+b -', '+ -a'])
  })
})
