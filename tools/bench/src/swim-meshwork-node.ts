/**
 * Child-process entry: one Meshwork member of the SWIM benchmark — a core-mesh node over TCP on
 * 127.0.0.1 with `@meshwork/gossip`'s membership service and discovery — reporting its
 * membership events to the benchmark over IPC, stamped with `Date.now()` as they fire.
 * Started by `swim-meshwork-cluster.ts` with a {@link MeshworkNodeInit} as its argument.
 */
import { createMeshNode } from '@meshwork/core-mesh'
import { membershipDiscovery, membershipService, type MembershipService } from '@meshwork/gossip'
import type { FromMeshworkNode, MeshworkNodeInit, ToMeshworkNode } from './swim-ipc.js'

const send = (message: FromMeshworkNode): void => { process.send?.(message) }
const describe = (err: unknown): string => err instanceof Error ? err.stack ?? err.message : String(err)

// The benchmark owns this process: when its IPC channel closes (it ended, or was killed), stop.
process.on('disconnect', () => { process.exit(0) })
// A stray rejection deep in libp2p (a dial to a killed member) must not end the member.
process.on('unhandledRejection', (err) => { process.stderr.write(`unhandled rejection: ${describe(err)}\n`) })

async function main (): Promise<void> {
  if (process.send === undefined) throw new Error('swim-meshwork-node.js runs as a child of swim-vs-serf.js (with an IPC channel)')
  const init = JSON.parse(process.argv[2] ?? '') as MeshworkNodeInit
  const t = init.timings
  const node = await createMeshNode({
    transport: 'tcp',
    listen: ['/ip4/127.0.0.1/tcp/0'],
    bootstrap: init.bootstrap,
    // Every member joins through member 0 at once: libp2p's 5 inbound connections/s per host would refuse most.
    limits: { inboundConnectionThreshold: 1_000, maxIncomingPending: 100 },
    heartbeat: init.heartbeat,
    services: [membershipService({
      probeIntervalMs: t.probeIntervalMs,
      probeTimeoutMs: t.probeTimeoutMs,
      suspicionMult: t.suspicionMult,
      suspicionMaxTimeoutMult: t.suspicionMaxTimeoutMult,
      indirectChecks: t.indirectChecks,
      retransmitMult: t.retransmitMult,
      gossipIntervalMs: t.gossipIntervalMs,
      gossipNodes: t.gossipNodes,
      pushPullIntervalMs: t.pushPullIntervalMs,
      gossipToTheDeadMs: t.gossipToTheDeadMs,
      awarenessMax: t.awarenessMax,
      reconnectIntervalMs: t.reconnectIntervalMs
    })],
    discovery: [membershipDiscovery()]
  })
  // Services are created by `start`, which also dials the bootstrap members (and so joins through them).
  await node.start()
  const membership = node.service<MembershipService>('membership')
  if (membership === undefined) throw new Error('the mesh node has no membership service')
  const self = node.peerId
  membership.onEvent(event => {
    const at = Date.now()
    switch (event.type) {
      case 'member:dead': send({ type: 'event', kind: 'failed', member: event.member.id, at }); break
      // Only suspicions this member raised itself: what memberlist logs on the prober, for serf.
      case 'member:suspect': if (event.from === self) send({ type: 'event', kind: 'suspect', member: event.member.id, at }); break
      case 'member:alive': send({ type: 'event', kind: 'alive', member: event.member.id, at }); break
      case 'member:join': send({ type: 'event', kind: 'join', member: event.member.id, at }); break
      default: break
    }
  })
  process.on('message', (message: ToMeshworkNode) => {
    if (message.type === 'members') {
      const alive = membership.members().filter(m => m.state === 'alive').map(m => m.id)
      if (!alive.includes(self)) alive.push(self)
      send({ type: 'members', id: message.id, alive })
    } else {
      node.stop().catch(() => {}).finally(() => { process.exit(0) })
    }
  })
  send({ type: 'ready', peerId: self, addresses: node.addresses() })
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: describe(err) })
  // Give the IPC message time to leave, then end (the parent kills us anyway).
  setTimeout(() => { process.exit(1) }, 200)
})
