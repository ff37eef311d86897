import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import * as lp from 'it-length-prefixed'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { waitForDrain } from './backpressure.js'
import type { DialerNode, EchoConduit, FlowKind, FlowReader, FlowWriter, LinkEventHandler, ListenerNode, SideSpec } from './roles.js'

const FLOW_PROTOCOLS: Record<FlowKind, string> = {
  bytes: '/meshwork-bench/bare/bytes/1.0.0',
  messages: '/meshwork-bench/bare/messages/1.0.0'
}
const ECHO_PROTOCOL = '/meshwork-bench/bare/echo/1.0.0'

type BareSpec = Extract<SideSpec, { kind: 'bare' }>

/**
 * A plain js-libp2p v3 node: TCP + Noise + Yamux on 127.0.0.1, no services. The yamux window
 * ceiling is the only knob: core-mesh sets 4 MiB (its `STREAM_WINDOW_BYTES`), yamux's own
 * default is 16 MiB.
 */
async function startNode (spec: BareSpec): Promise<Libp2p> {
  return await createLibp2p({
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [spec.maxStreamWindowSize === undefined
      ? yamux()
      : yamux({ streamOptions: { maxStreamWindowSize: spec.maxStreamWindowSize } })]
  })
}

const windowOver = (): Error => new Error('benchmark window over')

function watchLink (node: Libp2p, handler: LinkEventHandler): void {
  node.addEventListener('peer:disconnect', () => { handler('peer:disconnect') })
}

/**
 * What an application written directly against libp2p does: read with `for await` over the
 * stream; for messages, split the varint length prefixes with `it-length-prefixed`'s `decode`.
 *
 * Not `@libp2p/utils`' `LengthPrefixedDecoder`: it throws and catches a `RangeError` each time
 * its buffer runs empty — once per message when messages arrive one per chunk, as they do
 * here — which cost about a quarter of the reader's time in a profile. `it-length-prefixed`
 * checks for bytes first; the baseline should be the better of libp2p's own tools.
 */
export async function createBareListener (spec: BareSpec): Promise<ListenerNode> {
  const node = await startNode(spec)
  let flowHandler: ((kind: FlowKind, reader: FlowReader) => void) | undefined
  await node.handle(FLOW_PROTOCOLS.bytes, (stream) => {
    flowHandler?.('bytes', {
      async consume (unit) {
        for await (const chunk of stream) unit(chunk.byteLength)
      },
      abort: () => { stream.abort(windowOver()) }
    })
  })
  await node.handle(FLOW_PROTOCOLS.messages, (stream) => {
    flowHandler?.('messages', {
      async consume (unit) {
        for await (const message of lp.decode(stream)) unit(message.byteLength)
      },
      abort: () => { stream.abort(windowOver()) }
    })
  })
  await node.handle(ECHO_PROTOCOL, async (stream) => {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await waitForDrain(stream)
    }
    await stream.close()
  })
  return {
    peerId: node.peerId.toString(),
    addresses: () => node.getMultiaddrs().map(a => a.toString()),
    onFlow: (handler) => { flowHandler = handler },
    onLinkEvent: (handler) => { watchLink(node, handler) },
    stop: async () => { await node.stop() }
  }
}

/**
 * Writing with `stream.send`, and on `false` waiting for the `drain` event; messages get a
 * varint length prefix with `it-length-prefixed`'s `encode.single` (prefix and payload as one
 * `Uint8ArrayList`, no copy).
 */
export async function createBareDialer (spec: BareSpec): Promise<DialerNode> {
  const node = await startNode(spec)
  let remote: Libp2p['peerId'] | undefined
  const open = async (protocol: string): Promise<Stream> => {
    if (remote === undefined) throw new Error('connect first')
    return await node.dialProtocol(remote, protocol)
  }
  return {
    async connect (_peerId, addresses) {
      const connection = await node.dial(addresses.map(a => multiaddr(a)))
      remote = connection.remotePeer
    },
    onLinkEvent: (handler) => { watchLink(node, handler) },
    async openFlow (kind): Promise<FlowWriter> {
      const stream = await open(FLOW_PROTOCOLS[kind])
      const abort = (): void => { stream.abort(windowOver()) }
      if (kind === 'bytes') {
        return { write: (bytes) => stream.send(bytes) ? undefined : waitForDrain(stream), abort }
      }
      return {
        write: (bytes) => stream.send(lp.encode.single(bytes)) ? undefined : waitForDrain(stream),
        abort
      }
    },
    async openEcho (): Promise<EchoConduit> {
      const stream = await open(ECHO_PROTOCOL)
      const replies = stream[Symbol.asyncIterator]()
      return {
        async roundTrip (bytes) {
          if (!stream.send(bytes)) await waitForDrain(stream)
          let received = 0
          while (received < bytes.byteLength) {
            const reply = await replies.next()
            if (reply.done === true) throw new Error('echo stream ended early')
            received += reply.value.byteLength
          }
        },
        async close () { await stream.close() }
      }
    },
    stop: async () => { await node.stop() }
  }
}
