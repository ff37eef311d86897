/**
 * Errors the admin API answers with. The body is always `{ "error": { "name", "message" } }`,
 * with a few more fields for some errors (`errorDetails`); clients match on `name`.
 */
import { MeshError } from '@meshwork/core-mesh'

/** An error that carries its HTTP status. */
export class HttpError extends MeshError {
  constructor (readonly status: number, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** No `Authorization: Bearer <token>` header, or the wrong token. */
export class UnauthorizedError extends HttpError {
  constructor () {
    super(401, 'this route needs the header "Authorization: Bearer <admin token>"')
  }
}

export class NotFoundError extends HttpError {
  constructor (path: string) {
    super(404, `no route ${path}`)
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor (readonly allowed: string) {
    super(405, `this route accepts ${allowed} only`)
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor (readonly maxBytes: number) {
    super(413, `the request body exceeds ${maxBytes} bytes`)
  }
}

/** The body is not JSON, or not a JSON object. */
export class InvalidJsonError extends HttpError {
  constructor (message: string, options?: ErrorOptions) {
    super(400, message, options)
  }
}

/** The body is JSON but its fields are wrong. */
export class InvalidRequestError extends HttpError {
  constructor (message: string) {
    super(400, message)
  }
}

/** The node runs without a DHT (`--no-dht`), so the DHT routes cannot answer. */
export class DhtDisabledError extends HttpError {
  constructor () {
    super(503, 'this node runs without a DHT (dht.enabled is false)')
  }
}

/** The node runs without gossip (`--no-gossip`): no membership to list. */
export class GossipDisabledError extends HttpError {
  constructor () {
    super(503, 'this node runs without gossip (gossip.enabled is false)')
  }
}

/** The node runs without topic pub/sub (`--no-gossip` or `--no-pubsub`). */
export class PubSubDisabledError extends HttpError {
  constructor () {
    super(503, 'this node runs without pub/sub (gossip.enabled or gossip.pubsub is false)')
  }
}

/** The node runs without consensus (`--no-consensus`): no replicated KV store, no Raft status. */
export class ConsensusDisabledError extends HttpError {
  constructor () {
    super(503, 'this node runs without consensus (consensus.enabled is false)')
  }
}

/** The replicated KV store holds no value under the key. */
export class KeyNotFoundError extends HttpError {
  constructor (readonly key: string) {
    super(404, `no value under the key ${JSON.stringify(key)}`)
  }
}

/** Statuses for the errors a node operation may throw, by `err.name`. */
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  PeerUnreachableError: 502,
  JoinRefusedError: 403,
  FrameTooLargeError: 413,
  NotStartedError: 503,
  AbortError: 503,
  TimeoutError: 504,
  // @meshwork/dht: lookups that found nothing, keys and records refused, queries out of time.
  RecordNotFoundError: 404,
  PeerNotFoundError: 404,
  InvalidKeyError: 400,
  InvalidRecordError: 400,
  MalformedRecordError: 400,
  RecordSignatureError: 400,
  RecordKeyMismatchError: 400,
  RecordExpiredError: 400,
  RecordTooLargeError: 400,
  StaleRecordError: 400,
  QueryTimeoutError: 504,
  // @meshwork/gossip pub/sub: nobody to hand the message to (yet), limits, topic names.
  NoSubscribersError: 409,
  PayloadTooLargeError: 413,
  PublishRateLimitedError: 429,
  TopicNameError: 400,
  // @meshwork/consensus: keys and values over the limits (400); 421 names the leader to ask
  // instead; dropped proposals and a quorum out of reach are worth a retry (503); a timed-out
  // write may still commit (504).
  InvalidKvRequestError: 400,
  NotLeaderError: 421,
  ProposalDroppedError: 503,
  QuorumUnavailableError: 503,
  GroupStoppedError: 503,
  ConsensusTimeoutError: 504
}

/**
 * Fields an error answer carries beside `name` and `message`, by `err.name`: what a client
 * needs to act on it (the leader to retry at, how far the quorum is). Absent values are null.
 */
const DETAILS_BY_NAME: Readonly<Record<string, readonly string[]>> = {
  NotLeaderError: ['leader'],
  QuorumUnavailableError: ['reachable', 'voters'],
  KeyNotFoundError: ['key']
}

export function errorDetails (err: unknown): Record<string, unknown> {
  const fields = DETAILS_BY_NAME[errorName(err)] ?? []
  return Object.fromEntries(fields.map(field => [field, (err as Record<string, unknown>)[field] ?? null]))
}

export function statusOf (err: unknown): number {
  if (err instanceof HttpError) return err.status
  return STATUS_BY_NAME[errorName(err)] ?? 500
}

/**
 * The `name` of anything thrown. Not `instanceof Error`: a DOMException (AbortError,
 * TimeoutError) from another realm fails that test but has a perfectly good name.
 */
export function errorName (err: unknown): string {
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined
  return typeof name === 'string' && name !== '' ? name : 'Error'
}

export function errorMessage (err: unknown): string {
  const message = typeof err === 'object' && err !== null ? (err as { message?: unknown }).message : undefined
  return typeof message === 'string' ? message : String(err)
}
