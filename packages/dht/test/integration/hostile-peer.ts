import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { kadDHT, type KadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p } from 'libp2p'
import { FrameDecoder, encodeFrame } from '@meshwork/core-mesh'
import type { Stream } from '@libp2p/interface'
import { KadMessage, KadRecord } from '../wire/kad-message.js'

export const PRIVATE_PROTOCOL = '/meshwork/default/kad/1.0.0'

function baseConfig () {
  return {
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false }
  }
}

/**
 * A rogue kad-dht node (vanilla @libp2p/kad-dht on the mesh's protocol) whose validators
 * accept anything: it can `put` forged, expired, wrong-key and replayed records to honest peers.
 */
export async function rogueKadNode (): Promise<Libp2p<{ dht: KadDHT }>> {
  const accept = (): void => {}
  return await createLibp2p({
    ...baseConfig(),
    services: {
      identify: identify(),
      ping: ping(),
      dht: kadDHT({
        protocol: PRIVATE_PROTOCOL,
        clientMode: false,
        validators: { 'mw-signed': accept, 'mw-content': accept },
        selectors: { 'mw-signed': () => 0, 'mw-content': () => 0 },
        peerInfoMapper: (peer) => peer,
        allowQueryWithZeroPeers: true
      })
    }
  })
}

export interface LyingAnswers {
  /** Closer peers put in every response (id bytes and address bytes, garbage or not). */
  closer: KadMessage.Peer[]
  /** For GET_VALUE: the record value to serve under the asked key. */
  record?: (key: Uint8Array) => Uint8Array | undefined
}

/**
 * A hand-made DHT server: answers PING properly (so honest peers put it in their routing
 * tables) and every other request with lies: forged records and garbage closer-peer lists.
 */
export async function lyingKadNode (answers: LyingAnswers): Promise<Libp2p> {
  const node = await createLibp2p({ ...baseConfig(), services: { identify: identify(), ping: ping() } })
  await node.handle(PRIVATE_PROTOCOL, (stream: Stream) => {
    void answer(stream, answers).catch(() => { stream.abort(new Error('lying peer hung up')) })
  })
  return node
}

async function answer (stream: Stream, answers: LyingAnswers): Promise<void> {
  const decoder = new FrameDecoder(1 << 20)
  for await (const chunk of stream) {
    decoder.push(chunk)
    const frame = decoder.next()
    if (frame === undefined) continue
    const request = KadMessage.decode(frame)
    const value = request.type === KadMessage.MessageType.GET_VALUE ? answers.record?.(request.key) : undefined
    const response: KadMessage = request.type === KadMessage.MessageType.PING
      ? request
      : {
          type: request.type,
          clusterLevelRaw: 0,
          key: request.key,
          closerPeers: answers.closer,
          providerPeers: [],
          ...(value === undefined ? {} : { record: KadRecord.encode({ key: request.key, value: value as Uint8Array<ArrayBuffer>, timeReceived: new Date().toISOString() }) })
        }
    stream.send(encodeFrame(KadMessage.encode(response), 1 << 20))
    await stream.close()
    return
  }
}
