import { ChannelPool, type Channel, type ChannelHost, type Logger, type PeerIdString } from '@meshwork/core-mesh'
import { DEFAULT_SEND_TIMEOUT_MS, MAX_BATCH_FRAME_BYTES, MAX_QUEUED_BYTES_PER_PEER, MAX_QUEUED_MESSAGES_PER_PEER, RAFT_PROTOCOL } from '../constants.js'
import { InvalidRaftMessageError } from '../errors.js'
import type { Message, NodeId } from '../raft/core/types.js'
import { decodeRaftBatch, encodeRaftBatch } from '../wire/raft-batch-codec.js'
import { MAX_MESSAGES_PER_BATCH } from '../wire/wire-limits.js'
import type { RaftBatchHandler, RaftEnvelope, RaftTransport, TransportStats } from './raft-transport.js'

export interface MeshChannelTransportComponents {
  peerId: PeerIdString
  channels: ChannelHost
  logger: Logger
}

interface PeerQueue {
  envelopes: RaftEnvelope[]
  /** Estimated bytes of `envelopes`. */
  bytes: number
  sending: boolean
}

export interface MeshChannelTransportInit {
  /** A frame not written within this long drops the peer's channel and queue. Default 10 s. */
  readonly sendTimeoutMs?: number
  /** Estimated bytes queued per peer before messages are dropped. Default 64 MiB. */
  readonly maxQueuedBytesPerPeer?: number
}

/**
 * Raft batches on core-mesh channels (`/meshwork/raft/1.0.0`): one long-lived outbound channel
 * per peer; whatever every group queued for a peer in one turn of the event loop goes out as
 * one frame (split only past `MAX_BATCH_FRAME_BYTES`). While a frame to a peer is being written,
 * later messages wait and leave together in the next frame.
 */
export class MeshChannelTransport implements RaftTransport {
  private readonly outbound: ChannelPool
  private readonly queues = new Map<NodeId, PeerQueue>()
  private readonly inbound = new Map<NodeId, Set<Channel>>()
  private flushScheduled: ReturnType<typeof setImmediate> | undefined
  private handlers: { onBatch: RaftBatchHandler, onUnreachable: (peer: NodeId) => void } | undefined
  private readonly counters = { framesSent: 0, messagesSent: 0, framesReceived: 0, messagesReceived: 0, dropped: 0 }

  constructor (private readonly components: MeshChannelTransportComponents, private readonly init: MeshChannelTransportInit = {}) {
    this.outbound = new ChannelPool(components.channels, RAFT_PROTOCOL)
  }

  async start (handlers: { onBatch: RaftBatchHandler, onUnreachable: (peer: NodeId) => void }): Promise<void> {
    this.handlers = handlers
    await this.components.channels.handle(RAFT_PROTOCOL, async (channel) => { await this.receive(channel) })
  }

  async stop (): Promise<void> {
    if (this.handlers === undefined) return
    this.handlers = undefined
    if (this.flushScheduled !== undefined) clearImmediate(this.flushScheduled)
    this.flushScheduled = undefined
    this.queues.clear()
    await this.components.channels.unhandle(RAFT_PROTOCOL)
    for (const channels of this.inbound.values()) for (const channel of channels) channel.abort(new Error('consensus stopping'))
    this.inbound.clear()
    await this.outbound.closeAll('consensus stopping')
  }

  send (to: NodeId, envelope: RaftEnvelope): void {
    if (this.handlers === undefined) return
    let queue = this.queues.get(to)
    if (queue === undefined) {
      queue = { envelopes: [], bytes: 0, sending: false }
      this.queues.set(to, queue)
    }
    const bytes = payloadBytes(envelope.message)
    if (queue.envelopes.length >= MAX_QUEUED_MESSAGES_PER_PEER || queue.bytes + bytes > (this.init.maxQueuedBytesPerPeer ?? MAX_QUEUED_BYTES_PER_PEER)) {
      this.counters.dropped++
      this.handlers.onUnreachable(to)
      return
    }
    queue.envelopes.push(envelope)
    queue.bytes += bytes
    this.flushScheduled ??= setImmediate(() => { this.flushAll() })
  }

  /** Frames and messages sent and received since start, and messages dropped (queue full or send failed). */
  stats (): TransportStats {
    return { ...this.counters }
  }

  reportInvalid (from: NodeId, error: Error): void {
    this.components.channels.reportViolation(from, RAFT_PROTOCOL, error)
    for (const channel of this.inbound.get(from) ?? []) channel.abort(error)
  }

  private flushAll (): void {
    this.flushScheduled = undefined
    for (const [peer, queue] of this.queues) {
      if (!queue.sending && queue.envelopes.length > 0) void this.drain(peer, queue)
    }
  }

  /** Writes the peer's queue frame by frame until it is empty; a failure drops what is queued. */
  private async drain (peer: NodeId, queue: PeerQueue): Promise<void> {
    queue.sending = true
    let inFlight = 0
    try {
      while (queue.envelopes.length > 0 && this.handlers !== undefined) {
        const batch = takeFrame(queue.envelopes)
        for (const { message } of batch) queue.bytes -= payloadBytes(message)
        inFlight = batch.length
        await this.outbound.send(peer, encodeRaftBatch(batch), { signal: AbortSignal.timeout(this.init.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS) })
        inFlight = 0
        this.counters.framesSent++
        this.counters.messagesSent += batch.length
      }
    } catch (err) {
      this.components.logger.debug({ peer, err: (err as Error).message }, 'raft send failed; dropping queued messages')
      // A peer that stopped reading (or a broken channel): start over on a new channel.
      this.outbound.forget(peer, 'raft send failed')
      this.counters.dropped += queue.envelopes.length + inFlight
      queue.envelopes.length = 0
      queue.bytes = 0
      this.handlers?.onUnreachable(peer)
    } finally {
      queue.sending = false
      if (queue.envelopes.length === 0 && this.queues.get(peer) === queue) this.queues.delete(peer)
    }
  }

  private async receive (channel: Channel): Promise<void> {
    const from = channel.peer
    let channels = this.inbound.get(from)
    if (channels === undefined) {
      channels = new Set()
      this.inbound.set(from, channels)
    }
    channels.add(channel)
    try {
      for await (const frame of channel) {
        let envelopes: RaftEnvelope[]
        try {
          envelopes = decodeRaftBatch(frame)
          for (const { message } of envelopes) checkAddressing(message, from, this.components.peerId)
        } catch (err) {
          this.reportInvalid(from, err as Error)
          return
        }
        this.counters.framesReceived++
        this.counters.messagesReceived += envelopes.length
        this.handlers?.onBatch(from, envelopes)
      }
    } catch (err) {
      this.components.logger.debug({ peer: from, err: (err as Error).message }, 'raft channel ended')
    } finally {
      channels.delete(channel)
      if (channels.size === 0 && this.inbound.get(from) === channels) this.inbound.delete(from)
    }
  }
}

function checkAddressing (message: Message, sender: NodeId, self: NodeId): void {
  if (message.from !== sender) throw new InvalidRaftMessageError(`message claims to be from ${message.from} but came from ${sender}`)
  if (message.to !== self) throw new InvalidRaftMessageError(`message addressed to ${message.to}, not to this node`)
}

/** Removes and returns the envelopes of the next frame: as many as fit, at least one. */
function takeFrame (queue: RaftEnvelope[]): RaftEnvelope[] {
  let bytes = 0
  let count = 0
  while (count < queue.length && count < MAX_MESSAGES_PER_BATCH) {
    bytes += payloadBytes(queue[count].message)
    if (count > 0 && bytes > MAX_BATCH_FRAME_BYTES) break
    count++
  }
  return queue.splice(0, count)
}

/** An upper estimate of a message's encoded size. */
function payloadBytes (message: Message): number {
  let bytes = 64 + message.from.length + message.to.length
  if (message.type === 'append' || message.type === 'propose') {
    for (const entry of message.entries) bytes += entry.data.length + 24
  } else if (message.type === 'snapshot') {
    bytes += message.data.length + 64 * (message.metadata.confState.voters.length + message.metadata.confState.learners.length + message.metadata.confState.outgoing.length)
  } else if ('context' in message) {
    bytes += message.context.length
  }
  return bytes
}
