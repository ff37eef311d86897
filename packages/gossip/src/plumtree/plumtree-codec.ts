import { MalformedGossipError } from '../errors.js'
import { PlumtreeFrame } from '../wire/plumtree.js'
import { MAX_WIRE_ID_LENGTH, MAX_WIRE_IDS, MAX_WIRE_ROUND } from './constants.js'
import type { GraftMessage, IHaveMessage, PlumtreeMessage, PruneMessage } from './messages.js'

/** A GOSSIP as it comes off the wire: the envelope is not yet checked, so no id nor origin. */
export interface WireGossip {
  type: 'gossip'
  envelope: Uint8Array
  round: number
  grafted: boolean
}

export type PlumtreeWireMessage = WireGossip | IHaveMessage | GraftMessage | PruneMessage

/** One frame for `message`; a GOSSIP's payload is its sealed envelope. */
export function encodePlumtreeMessage (message: PlumtreeMessage): Uint8Array {
  switch (message.type) {
    case 'gossip':
      return PlumtreeFrame.encode({ gossip: { envelope: message.payload as Uint8Array<ArrayBuffer>, round: message.round, grafted: message.grafted } })
    case 'ihave':
      return PlumtreeFrame.encode({ ihave: { announcements: message.announcements } })
    case 'graft':
      return PlumtreeFrame.encode({ graft: { ids: message.ids } })
    case 'prune':
      return PlumtreeFrame.encode({ prune: {} })
  }
}

/**
 * Decode one frame. Anything but a frame with exactly one message, ids of sane length, at
 * most {@link MAX_WIRE_IDS} of them and plausible hop counts throws `MalformedGossipError`.
 */
export function decodePlumtreeFrame (bytes: Uint8Array): PlumtreeWireMessage {
  let frame: PlumtreeFrame
  try {
    frame = PlumtreeFrame.decode(bytes, { limits: { ihave: { announcements: MAX_WIRE_IDS }, graft: { ids: MAX_WIRE_IDS } } })
  } catch (err) {
    throw new MalformedGossipError(`plumtree frame does not decode: ${(err as Error).message}`, { cause: err })
  }
  const set = [frame.gossip, frame.ihave, frame.graft, frame.prune].filter(part => part !== undefined).length
  if (set !== 1) throw new MalformedGossipError(`a plumtree frame carries exactly one message, this one ${set}`)
  if (frame.gossip !== undefined) {
    const { envelope, round, grafted } = frame.gossip
    if (envelope.byteLength === 0) throw new MalformedGossipError('plumtree GOSSIP without an envelope')
    checkRound(round)
    return { type: 'gossip', envelope, round, grafted }
  }
  if (frame.ihave !== undefined) {
    if (frame.ihave.announcements.length === 0) throw new MalformedGossipError('plumtree IHAVE without announcements')
    for (const { id, round } of frame.ihave.announcements) {
      checkId(id)
      checkRound(round)
    }
    return { type: 'ihave', announcements: frame.ihave.announcements }
  }
  if (frame.graft !== undefined) {
    for (const id of frame.graft.ids) checkId(id)
    return { type: 'graft', ids: frame.graft.ids }
  }
  return { type: 'prune' }
}

function checkId (id: string): void {
  if (id.length === 0 || id.length > MAX_WIRE_ID_LENGTH) throw new MalformedGossipError(`plumtree message id of ${id.length} characters`)
}

function checkRound (round: number): void {
  if (round > MAX_WIRE_ROUND) throw new MalformedGossipError(`plumtree hop count ${round} over ${MAX_WIRE_ROUND}`)
}
