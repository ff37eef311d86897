import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import type { PeerId } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { withPeerId, type BroadcastBenchNode, type BroadcastNodeSettings, type DeliveryHandler } from './broadcast-node.js'

/** The one topic every gossipsub node subscribes to and publishes on. */
export const BENCH_TOPIC = 'meshwork-bench/broadcast'

/** What this file reads of an inbound gossipsub RPC (`RPC` in `@libp2p/gossipsub`'s message/rpc). */
interface InboundRpc {
  messages: Array<{ topic: string }>
  control?: {
    ihave?: Array<{ topicID?: string, messageIDs: unknown[] }>
    iwant?: Array<{ messageIDs: unknown[] }>
    idontwant?: Array<{ messageIDs: unknown[] }>
  }
}

/** The parts of the `GossipSub` class (not its public interface) the benchmark uses. */
interface GossipSubInternals {
  getMeshPeers(topic: string): string[]
  /** Public on the class; called once per inbound RPC, before anything is decided about it. */
  handleReceivedRpc(from: PeerId, rpc: InboundRpc): Promise<void>
}

/**
 * A vanilla js-libp2p v3 node: memory transport, Noise, Yamux, identify, ping and
 * `@libp2p/gossipsub` 16 with its defaults (D 6, Dlo 4, Dhi 12, Dlazy 6, 1 s heartbeat,
 * flood publish, IDONTWANT for payloads ≥ 512 B, StrictSign), subscribed to one topic.
 * Libp2p's connection monitor stays on, at the benchmark's heartbeat interval (as Meshwork's
 * link monitor).
 *
 * Payload copies are counted where every one of them enters gossipsub: `handleReceivedRpc`,
 * called once per decoded RPC, whatever brought its messages (a mesh push, flood publish, an
 * IWANT answer) and before the seen-cache drops duplicates.
 */
export async function createGossipsubNode ({ limits, heartbeatIntervalMs }: BroadcastNodeSettings): Promise<BroadcastBenchNode> {
  const libp2p = await createLibp2p({
    addresses: { listen: [`/memory/${crypto.randomUUID()}`] },
    transports: [memory()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: limits.maxConnections,
      maxIncomingPendingConnections: limits.maxIncomingPending,
      inboundConnectionThreshold: limits.inboundConnectionThreshold
    },
    connectionMonitor: { pingInterval: heartbeatIntervalMs },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub()
    }
  })
  const pubsub: GossipSub = libp2p.services.pubsub
  const internals = pubsub as unknown as GossipSubInternals
  if (typeof internals.handleReceivedRpc !== 'function' || typeof internals.getMeshPeers !== 'function') {
    throw new Error('@libp2p/gossipsub no longer has handleReceivedRpc/getMeshPeers: update broadcast-gossipsub-node.ts')
  }
  const counts = { payloadCopies: 0, announcedIds: 0, pulls: 0, suppressions: 0 }
  const handleReceivedRpc = internals.handleReceivedRpc.bind(pubsub)
  internals.handleReceivedRpc = async (from, rpc) => {
    for (const message of rpc.messages) if (message.topic === BENCH_TOPIC) counts.payloadCopies++
    for (const ihave of rpc.control?.ihave ?? []) if (ihave.topicID === BENCH_TOPIC) counts.announcedIds += ihave.messageIDs.length
    for (const iwant of rpc.control?.iwant ?? []) counts.pulls += iwant.messageIDs.length
    for (const idontwant of rpc.control?.idontwant ?? []) counts.suppressions += idontwant.messageIDs.length
    await handleReceivedRpc(from, rpc)
  }
  pubsub.subscribe(BENCH_TOPIC)
  const self = libp2p.peerId.toString()
  let disconnects = 0
  libp2p.addEventListener('peer:disconnect', () => { disconnects++ })

  return {
    peerId: self,
    addresses: libp2p.getMultiaddrs().map(a => withPeerId(a.toString(), self)),
    async connect (address) {
      await libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(5_000) })
    },
    async publish (data) {
      await pubsub.publish(BENCH_TOPIC, data)
    },
    onDeliver (handler: DeliveryHandler) {
      pubsub.addEventListener('gossipsub:message', (event) => {
        const { msg, propagationSource } = event.detail
        if (msg.topic === BENCH_TOPIC) handler(msg.data, propagationSource.toString())
      })
    },
    counters: () => ({ ...counts }),
    overlay () {
      const mesh = internals.getMeshPeers(BENCH_TOPIC).length
      return { push: mesh, announce: pubsub.getSubscribers(BENCH_TOPIC).length - mesh, connections: libp2p.getPeers().length }
    },
    connectedPeers: () => libp2p.getPeers().map(p => p.toString()),
    linkCounters: () => ({ disconnects, unreachable: 0 }),
    async stop () { await libp2p.stop() }
  }
}
