import type { Channel, ChannelHost, Logger } from '@meshwork/core-mesh'
import { raceSignal } from 'race-signal'
import { RAFT_JOIN_PROTOCOL } from '../constants.js'
import { MalformedRaftMessageError } from '../errors.js'
import type { NodeId } from '../raft/core/types.js'

/** A node asks to be added to `group` (as a learner; the leader promotes it once caught up). */
export interface JoinRequest {
  readonly group: string
}

export type JoinAnswer =
  /** The leader proposed adding the node, or it is a member already. */
  | { readonly result: 'accepted' }
  /** Ask the leader instead (when known). */
  | { readonly result: 'redirect', readonly leader?: NodeId }
  /** Try again later (another membership change is pending, or no such group here). */
  | { readonly result: 'retry', readonly reason: string }

const MAX_FRAME = 1024
/** A peer that opens a join channel and sends nothing is dropped after this long. */
const REQUEST_WAIT_MS = 5_000
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * A one-request exchange on `/meshwork/raft-join/1.0.0`: the joining node sends a JSON
 * `JoinRequest` frame, the member answers one JSON `JoinAnswer` frame, and the channel closes.
 */
export class JoinProtocol {
  constructor (private readonly channels: ChannelHost, private readonly logger: Logger) {}

  async serve (answer: (from: NodeId, request: JoinRequest) => JoinAnswer): Promise<void> {
    await this.channels.handle(RAFT_JOIN_PROTOCOL, async (channel) => { await this.answerOne(channel, answer) })
  }

  async unserve (): Promise<void> {
    await this.channels.unhandle(RAFT_JOIN_PROTOCOL)
  }

  async ask (peer: NodeId, request: JoinRequest, signal: AbortSignal): Promise<JoinAnswer> {
    const channel = await this.channels.openChannel(peer, { protocol: RAFT_JOIN_PROTOCOL, signal })
    try {
      await channel.send(encoder.encode(JSON.stringify(request)), { signal })
      const frame = await raceSignal(firstFrame(channel), signal)
      return decodeAnswer(frame)
    } finally {
      channel.abort(new Error('join exchange over'))
    }
  }

  private async answerOne (channel: Channel, answer: (from: NodeId, request: JoinRequest) => JoinAnswer): Promise<void> {
    try {
      const request = decodeRequest(await raceSignal(firstFrame(channel), AbortSignal.timeout(REQUEST_WAIT_MS)))
      await channel.send(encoder.encode(JSON.stringify(answer(channel.peer, request))))
      await channel.close()
    } catch (err) {
      if (err instanceof MalformedRaftMessageError) this.channels.reportViolation(channel.peer, RAFT_JOIN_PROTOCOL, err)
      this.logger.debug({ peer: channel.peer, err: (err as Error).message }, 'join request failed')
      channel.abort(err as Error)
    }
  }
}

async function firstFrame (channel: Channel): Promise<Uint8Array> {
  for await (const frame of channel) return frame
  throw new MalformedRaftMessageError('join channel closed before a frame arrived')
}

function parse (frame: Uint8Array): Record<string, unknown> {
  if (frame.length > MAX_FRAME) throw new MalformedRaftMessageError(`join frame of ${frame.length} bytes`)
  try {
    const value: unknown = JSON.parse(decoder.decode(frame))
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('not an object')
    return value as Record<string, unknown>
  } catch (err) {
    throw new MalformedRaftMessageError(`join frame is not a JSON object: ${(err as Error).message}`)
  }
}

export function decodeRequest (frame: Uint8Array): JoinRequest {
  const { group } = parse(frame)
  if (typeof group !== 'string' || group.length === 0 || group.length > 256) throw new MalformedRaftMessageError('join request without a valid group')
  return { group }
}

export function decodeAnswer (frame: Uint8Array): JoinAnswer {
  const value = parse(frame)
  if (value.result === 'accepted') return { result: 'accepted' }
  if (value.result === 'redirect') return typeof value.leader === 'string' ? { result: 'redirect', leader: value.leader } : { result: 'redirect' }
  if (value.result === 'retry') return { result: 'retry', reason: typeof value.reason === 'string' ? value.reason.slice(0, 200) : '' }
  throw new MalformedRaftMessageError('join answer with an unknown result')
}
