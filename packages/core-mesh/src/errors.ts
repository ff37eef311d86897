/**
 * Every error Meshwork raises is one of these classes. Match on `err.name` (stable across
 * versions), never on the message text.
 */
export class MeshError extends Error {
  constructor (message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A frame on the wire declared a length over the configured maximum. */
export class FrameTooLargeError extends MeshError {
  constructor (readonly size: number, readonly maxSize: number) {
    super(`frame of ${size} bytes exceeds the maximum of ${maxSize} bytes`)
  }
}

/** Bytes on the wire are not a valid frame (bad length prefix, truncated frame). */
export class MalformedFrameError extends MeshError {}

/** A frame decoded but its content does not match the protocol's schema. */
export class MalformedMessageError extends MeshError {}

/** A service needs a component that no service provides. */
export class MissingDependencyError extends MeshError {
  constructor (readonly service: string, readonly dependency: string, readonly available: readonly string[]) {
    super(`service "${service}" needs "${dependency}", but no service provides it (available: ${available.join(', ') || 'none'})`)
  }
}

/** Two services provide the same component, or services need each other in a cycle. */
export class ServiceConfigurationError extends MeshError {}

/** The configuration is invalid; the message names the field. */
export class InvalidConfigError extends MeshError {}

/** The call needs a started node. */
export class NotStartedError extends MeshError {}

/** The peer is not connected and could not be dialled. */
export class PeerUnreachableError extends MeshError {
  constructor (readonly peer: string, options?: ErrorOptions) {
    super(`peer ${peer} is unreachable`, options)
  }
}

/** The join policy, the denylist or a connection limit refused a peer. */
export class JoinRefusedError extends MeshError {}

/** The channel was closed or aborted. */
export class ChannelClosedError extends MeshError {}

/** The identity file in the data directory cannot be read as an Ed25519 key. */
export class IdentityError extends MeshError {}

/** A persisted file (peer registry) is unreadable. */
export class CorruptStateError extends MeshError {}

/** A compliance suite check failed; the message says which rule. */
export class ComplianceError extends MeshError {}
