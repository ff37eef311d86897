import { MalformedGossipError } from '../errors.js'
import { Metadata, SwimFrame, Update } from '../wire/membership.js'
import { CLAIM_LIMITS } from './core/message-guards.js'
import type { MemberMetadata, MembershipUpdate, SwimMessage, UnsignedUpdate } from './core/messages.js'

/**
 * Wire limits: anything over them is a malformed frame, refused before it reaches the core.
 * What one claim may hold is the core's own {@link CLAIM_LIMITS}, so that a claim the core
 * lets a node make is never refused on the wire (and its honest sender penalised).
 */
export const SWIM_LIMITS = Object.freeze({
  ...CLAIM_LIMITS,
  /** Updates in a push-pull (a full member list). */
  stateUpdates: 8192,
  /** Updates piggybacked on any other message; the core takes at most 64. */
  piggybackUpdates: 64,
  signatureLength: 128
})

const UPDATE_KIND = { alive: Update.Kind.ALIVE, suspect: Update.Kind.SUSPECT, dead: Update.Kind.DEAD } as const
const FRAME_KIND = {
  ping: SwimFrame.Kind.PING,
  'ping-req': SwimFrame.Kind.PING_REQ,
  ack: SwimFrame.Kind.ACK,
  nack: SwimFrame.Kind.NACK,
  gossip: SwimFrame.Kind.GOSSIP,
  'push-pull': SwimFrame.Kind.PUSH_PULL
} as const

/** Tags sorted by key, so that the signed bytes do not depend on insertion order. */
function wireMetadata (metadata: MemberMetadata): Metadata {
  return {
    region: metadata.region,
    roles: [...metadata.roles],
    tags: new Map(Object.entries(metadata.tags).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0))
  }
}

/** The protobuf form of an update; with an empty signature it is what the author signs. */
export function toWireUpdate (update: UnsignedUpdate, signature: Uint8Array = new Uint8Array(0)): Update {
  const base = { kind: UPDATE_KIND[update.type], member: update.member, incarnation: BigInt(update.incarnation), signature: signature as Uint8Array<ArrayBuffer> }
  if (update.type === 'alive') return { ...base, addresses: [...update.addresses], metadata: wireMetadata(update.metadata), from: '' }
  return { ...base, addresses: [], from: update.from }
}

export function encodeUpdate (update: Update): Uint8Array {
  return Update.encode(update)
}

export function encodeSwimMessage (message: SwimMessage): Uint8Array {
  const updates = message.type === 'push-pull' ? message.members : message.updates
  return SwimFrame.encode({
    kind: FRAME_KIND[message.type],
    seq: 'seq' in message ? message.seq : 0,
    target: 'target' in message ? message.target : '',
    updates: updates.map(update => toWireUpdate(update, update.signature)),
    join: message.type === 'push-pull' ? message.join : false,
    reply: message.type === 'push-pull' ? message.reply : false
  })
}

function checkString (value: string, max: number, what: string): void {
  if (value.length > max) throw new MalformedGossipError(`${what} longer than ${max} characters`)
}

function fromWireUpdate (update: Update): MembershipUpdate {
  checkString(update.member, SWIM_LIMITS.idLength, 'member id')
  if (update.member.length === 0) throw new MalformedGossipError('update without a member')
  if (update.incarnation > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedGossipError('incarnation out of range')
  if (update.signature.byteLength === 0 || update.signature.byteLength > SWIM_LIMITS.signatureLength) throw new MalformedGossipError('update without a valid signature field')
  const incarnation = Number(update.incarnation)
  if (update.kind === Update.Kind.ALIVE) {
    for (const address of update.addresses) checkString(address, SWIM_LIMITS.addressLength, 'address')
    const metadata: Metadata = update.metadata ?? { roles: [], tags: new Map() }
    if (metadata.region !== undefined) checkString(metadata.region, SWIM_LIMITS.stringLength, 'region')
    for (const role of metadata.roles) checkString(role, SWIM_LIMITS.stringLength, 'role')
    const tags: Record<string, string> = Object.create(null)
    for (const [key, value] of metadata.tags) {
      checkString(key, SWIM_LIMITS.stringLength, 'tag key')
      checkString(value, SWIM_LIMITS.stringLength, 'tag value')
      tags[key] = value
    }
    return {
      type: 'alive',
      member: update.member,
      incarnation,
      addresses: update.addresses,
      metadata: { ...(metadata.region !== undefined ? { region: metadata.region } : {}), roles: metadata.roles, tags: { ...tags } },
      signature: update.signature
    }
  }
  checkString(update.from, SWIM_LIMITS.idLength, 'accuser id')
  if (update.from.length === 0) throw new MalformedGossipError('suspect or dead update without an accuser')
  if (update.kind === Update.Kind.SUSPECT) return { type: 'suspect', member: update.member, incarnation, from: update.from, signature: update.signature }
  if (update.kind === Update.Kind.DEAD) return { type: 'dead', member: update.member, incarnation, from: update.from, signature: update.signature }
  throw new MalformedGossipError(`unknown update kind ${String(update.kind)}`)
}

/**
 * Decode one SWIM frame. Anything malformed, over the limits or of an unknown kind throws
 * {@link MalformedGossipError}; signatures are not checked here (see `update-signatures.ts`).
 */
export function decodeSwimMessage (bytes: Uint8Array): SwimMessage {
  let frame: SwimFrame
  try {
    frame = SwimFrame.decode(bytes, {
      limits: {
        updates: SWIM_LIMITS.stateUpdates,
        updates$: { addresses: SWIM_LIMITS.addresses, metadata: { roles: SWIM_LIMITS.roles, tags: SWIM_LIMITS.tags } }
      }
    })
  } catch (err) {
    throw new MalformedGossipError(`SWIM frame does not decode: ${(err as Error).message}`, { cause: err })
  }
  checkString(frame.target, SWIM_LIMITS.idLength, 'target')
  if (frame.kind !== SwimFrame.Kind.PUSH_PULL && frame.updates.length > SWIM_LIMITS.piggybackUpdates) {
    throw new MalformedGossipError(`more than ${SWIM_LIMITS.piggybackUpdates} piggybacked updates`)
  }
  const updates = frame.updates.map(fromWireUpdate)
  switch (frame.kind) {
    case SwimFrame.Kind.PING: return { type: 'ping', seq: frame.seq, target: frame.target, updates }
    case SwimFrame.Kind.PING_REQ: return { type: 'ping-req', seq: frame.seq, target: frame.target, updates }
    case SwimFrame.Kind.ACK: return { type: 'ack', seq: frame.seq, updates }
    case SwimFrame.Kind.NACK: return { type: 'nack', seq: frame.seq, updates }
    case SwimFrame.Kind.GOSSIP: return { type: 'gossip', updates }
    case SwimFrame.Kind.PUSH_PULL: return { type: 'push-pull', join: frame.join, reply: frame.reply, members: updates }
    default: throw new MalformedGossipError(`unknown SWIM frame kind ${String(frame.kind)}`)
  }
}
