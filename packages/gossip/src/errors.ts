import { MeshError } from '@meshwork/core-mesh'

/** Base of every error `@meshwork/gossip` raises. Match on `err.name`. */
export class GossipError extends MeshError {}

/**
 * A received message (or membership update) failed a check and was dropped: not delivered,
 * not forwarded. `penalise` says whether the peer that handed us this copy is at fault. It is
 * true only for faults an honest relay would have caught before forwarding (a bad signature,
 * an oversized or undecodable message), so honest peers are never penalised for what they
 * merely passed on.
 */
export class MessageValidationError extends GossipError {
  readonly penalise: boolean = false
}

/** Bytes that do not decode as the protocol's message. */
export class MalformedGossipError extends MessageValidationError {
  override readonly penalise = true
}

/** A signature that does not verify against the claimed author's key. */
export class InvalidSignatureError extends MessageValidationError {
  override readonly penalise = true
}

/**
 * A membership claim made in someone else's name: an `alive` not signed by the member itself,
 * or a `suspect`/`dead` whose signature is not its accuser's.
 */
export class ForgedUpdateError extends MessageValidationError {
  override readonly penalise = true
}

/** Larger than the configured maximum. */
export class MessageTooLargeError extends MessageValidationError {
  override readonly penalise = true
  constructor (readonly size: number, readonly maxSize: number) {
    super(`message of ${size} bytes exceeds the maximum of ${maxSize} bytes`)
  }
}

/** The author is not a member this node knows. */
export class UnknownSenderError extends MessageValidationError {}

/** Timestamp older than the window: a replay, or a message that took too long. */
export class StaleMessageError extends MessageValidationError {}

/** Timestamp further in the future than the allowed clock skew. */
export class FutureMessageError extends MessageValidationError {}

/** A message id already seen (within the de-duplication window). */
export class DuplicateMessageError extends MessageValidationError {}

/** The author publishes faster than the per-origin limit allows. */
export class OriginRateLimitedError extends MessageValidationError {
  // Charged only when the author itself sent this copy: relays just pass traffic on.
  override readonly penalise: boolean

  constructor (readonly origin: string, sentByOrigin: boolean) {
    super(`${origin} is over its message rate`)
    this.penalise = sentByOrigin
  }
}

/** The peer that sent this copy is graylisted: its traffic is ignored until its score recovers. */
export class GraylistedPeerError extends MessageValidationError {}
