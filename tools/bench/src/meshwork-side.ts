import { createMeshNode, type Channel, type MeshConfig, type MeshNode } from '@meshwork/core-mesh'
import type { DialerNode, EchoConduit, FlowKind, FlowReader, FlowWriter, LinkEventHandler, ListenerNode, SideSpec } from './roles.js'

const FLOW_PROTOCOLS: Record<FlowKind, string> = {
  bytes: '/meshwork-bench/channel/bytes/1.0.0',
  messages: '/meshwork-bench/channel/messages/1.0.0'
}
const ECHO_PROTOCOL = '/meshwork-bench/channel/echo/1.0.0'

type MeshworkSpec = Extract<SideSpec, { kind: 'meshwork' }>

/** A core-mesh node as a user gets it: default config, TCP + Noise + Yamux on 127.0.0.1. */
async function startNode (spec: MeshworkSpec): Promise<MeshNode> {
  const config: MeshConfig = { listen: ['/ip4/127.0.0.1/tcp/0'] }
  if (spec.limits !== undefined) config.limits = spec.limits
  const node = await createMeshNode(config)
  await node.start()
  return node
}

/** The link monitor's verdicts and dropped connections, which a healthy run never has. */
function watchLink (node: MeshNode, handler: LinkEventHandler): void {
  node.addEventListener('peer:unreachable', () => { handler('peer:unreachable (link monitor: heartbeats missed; the node hangs up)') })
  node.addEventListener('peer:disconnect', () => { handler('peer:disconnect') })
}

const windowOver = (): Error => new Error('benchmark window over')

/**
 * The listening core-mesh node. Channels are always framed, so a byte flow and a message
 * flow are the same thing here: one `channel.send` is one frame, read back as one frame.
 */
export async function createMeshworkListener (spec: MeshworkSpec): Promise<ListenerNode> {
  const node = await startNode(spec)
  let flowHandler: ((kind: FlowKind, reader: FlowReader) => void) | undefined
  for (const kind of ['bytes', 'messages'] as const) {
    await node.handle(FLOW_PROTOCOLS[kind], (channel) => {
      flowHandler?.(kind, {
        async consume (unit) {
          for await (const frame of channel) unit(frame.byteLength)
        },
        abort: () => { channel.abort(windowOver()) }
      })
    })
  }
  await node.handle(ECHO_PROTOCOL, async (channel) => {
    for await (const frame of channel) await channel.send(frame)
    await channel.close()
  })
  return {
    peerId: node.peerId,
    addresses: () => node.addresses(),
    onFlow: (handler) => { flowHandler = handler },
    onLinkEvent: (handler) => { watchLink(node, handler) },
    stop: async () => { await node.stop() }
  }
}

export async function createMeshworkDialer (spec: MeshworkSpec): Promise<DialerNode> {
  const node = await startNode(spec)
  let remote: string | undefined
  const open = async (protocol: string): Promise<Channel> => {
    if (remote === undefined) throw new Error('connect first')
    return await node.openChannel(remote, { protocol })
  }
  return {
    async connect (peerId, addresses) {
      remote = peerId
      if (node.connectedPeers().includes(peerId)) return
      const joined = await node.join(addresses)
      if (!joined.connected.includes(peerId)) throw new Error(`could not join ${peerId}: ${JSON.stringify(joined.failed)}`)
    },
    onLinkEvent: (handler) => { watchLink(node, handler) },
    async openFlow (kind): Promise<FlowWriter> {
      const channel = await open(FLOW_PROTOCOLS[kind])
      return {
        write: (bytes) => channel.send(bytes),
        abort: () => { channel.abort(windowOver()) }
      }
    },
    async openEcho (): Promise<EchoConduit> {
      const channel = await open(ECHO_PROTOCOL)
      const replies = channel[Symbol.asyncIterator]()
      return {
        async roundTrip (bytes) {
          await channel.send(bytes)
          const reply = await replies.next()
          if (reply.done === true) throw new Error('echo channel ended early')
        },
        async close () { await channel.close() }
      }
    },
    stop: async () => { await node.stop() }
  }
}
