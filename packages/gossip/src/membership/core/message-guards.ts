/**
 * Shape checks for what arrives through `receive`. The adapter has checked signatures, so a
 * claim is authentic, but an authentic peer can still be buggy or hostile: a missing field, a
 * negative incarnation or a list of a million addresses must be ignored, never thrown on and
 * never stored. A claim that fails a check is dropped whole: it is signed, so it cannot be
 * trimmed into a valid one.
 */
import type { MembershipUpdate, MemberMetadata, SwimMessage } from './messages.js'

/** Caps on what one claim may hold. */
export const CLAIM_LIMITS = Object.freeze({
  idLength: 256,
  addresses: 16,
  addressLength: 1024,
  roles: 32,
  tags: 64,
  stringLength: 1024
})

function isId (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= CLAIM_LIMITS.idLength
}

function isShortString (value: unknown): value is string {
  return typeof value === 'string' && value.length <= CLAIM_LIMITS.stringLength
}

function isCount (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function isValidMetadata (value: unknown): value is MemberMetadata {
  if (!isObject(value)) return false
  if (value.region !== undefined && !isShortString(value.region)) return false
  const roles = value.roles
  if (!Array.isArray(roles) || roles.length > CLAIM_LIMITS.roles || !roles.every(isShortString)) return false
  const tags = value.tags
  if (!isObject(tags)) return false
  const entries = Object.entries(tags)
  if (entries.length > CLAIM_LIMITS.tags) return false
  return entries.every(([key, tag]) => isShortString(key) && isShortString(tag))
}

export function isValidAddresses (value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= CLAIM_LIMITS.addresses &&
    value.every(address => typeof address === 'string' && address.length <= CLAIM_LIMITS.addressLength)
}

export function isValidUpdate (value: unknown): value is MembershipUpdate {
  if (!isObject(value) || !isId(value.member) || !isCount(value.incarnation) || !(value.signature instanceof Uint8Array)) return false
  switch (value.type) {
    case 'alive':
      return isValidAddresses(value.addresses) && isValidMetadata(value.metadata)
    case 'suspect':
    case 'dead':
      return isId(value.from)
    default:
      return false
  }
}

/** The valid updates of `value` (if it is an array), at most `max` of them; the rest are ignored. */
export function validUpdates (value: unknown, max: number): MembershipUpdate[] {
  if (!Array.isArray(value)) return []
  const result: MembershipUpdate[] = []
  for (const update of value) {
    if (result.length >= max) break
    if (isValidUpdate(update)) result.push(update)
  }
  return result
}

/**
 * Whether `value` has the envelope of a SWIM message (type, scalar fields, and an `updates` /
 * `members` array, whose items {@link validUpdates} checks one by one).
 */
export function isSwimEnvelope (value: unknown): value is SwimMessage {
  if (!isObject(value)) return false
  switch (value.type) {
    case 'ping':
    case 'ping-req':
      return isCount(value.seq) && isId(value.target) && Array.isArray(value.updates)
    case 'ack':
    case 'nack':
      return isCount(value.seq) && Array.isArray(value.updates)
    case 'gossip':
      return Array.isArray(value.updates)
    case 'push-pull':
      return typeof value.join === 'boolean' && typeof value.reply === 'boolean' && Array.isArray(value.members)
    default:
      return false
  }
}
