import { TokenBucket, type Clock, type MessageSigner } from '@meshwork/core-mesh'
import {
  FutureMessageError,
  GraylistedPeerError,
  MessageTooLargeError,
  type MessageValidationError,
  OriginRateLimitedError,
  StaleMessageError,
  UnknownSenderError
} from '../errors.js'
import type { PeerReputation } from './peer-reputation.js'
import { decodeEnvelope, encodeEnvelope, envelopeId, sealEnvelope, type SignedEnvelope, verifyEnvelope } from './signed-envelope.js'

export interface ValidationOptions {
  /** Largest encoded message accepted, and published. Default 256 KiB. */
  maxMessageBytes?: number
  /**
   * Messages stamped earlier than this before our clock are refused as stale (replays).
   * Receivers must remember message ids at least this long. Default 2 min.
   */
  replayWindowMs?: number
  /** Messages stamped later than this after our clock are refused. Default 30 s. */
  maxClockSkewMs?: number
  /** Sustained messages per second accepted from one origin. Default 100. */
  originRatePerSecond?: number
  /** Messages one origin may send in a burst. Default 200. */
  originBurst?: number
  /** Origins tracked for rate limits at most (least recent forgotten first). Default 10,000. */
  maxTrackedOrigins?: number
}

export interface ValidationPipelineInit extends ValidationOptions {
  signer: MessageSigner
  /** Monotonic clock for rate limits. */
  clock: Clock
  /** Wall clock (ms since the epoch) for message timestamps. Default `Date.now`. */
  wallClock?: () => number
  reputation: PeerReputation
  /**
   * Whether `origin` is a sender this node accepts messages from (a live member, for
   * instance). Default: everyone. Called on the receive path: must be quick.
   */
  isKnownSender?: (origin: string) => boolean
}

/** A message that passed every check. */
export interface CheckedMessage {
  envelope: SignedEnvelope
  id: string
  /** True when the caller already had this id: the message was not re-verified or counted. */
  duplicate: boolean
}

export interface CheckOptions {
  /** Tells the pipeline the caller already holds this message id. */
  isDuplicate?: (id: string) => boolean
}

/**
 * Gossip's validation pipeline: every received message is checked, in this order —
 * the sending peer is not graylisted; size; it decodes; known sender; timestamp inside the
 * window; signature of its origin; per-origin rate — before anything delivers or forwards
 * it. A failing check throws a typed {@link MessageValidationError}; when that error says the
 * sending peer is at fault, the peer's reputation is charged. Adapters with their own
 * envelope (gossipsub) call the single stages.
 */
export class ValidationPipeline {
  readonly maxMessageBytes: number
  readonly replayWindowMs: number
  private readonly maxClockSkewMs: number
  private readonly ratePerSecond: number
  private readonly burst: number
  private readonly maxTrackedOrigins: number
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly wallClock: () => number
  private lastSeqno = 0n

  constructor (private readonly init: ValidationPipelineInit) {
    this.maxMessageBytes = init.maxMessageBytes ?? 256 * 1024
    this.replayWindowMs = init.replayWindowMs ?? 120_000
    this.maxClockSkewMs = init.maxClockSkewMs ?? 30_000
    this.ratePerSecond = init.originRatePerSecond ?? 100
    this.burst = init.originBurst ?? 200
    this.maxTrackedOrigins = init.maxTrackedOrigins ?? 10_000
    this.wallClock = init.wallClock ?? Date.now
  }

  get reputation (): PeerReputation {
    return this.init.reputation
  }

  /**
   * Sign a message of ours. Sequence numbers start from the wall clock in microseconds, so
   * they keep increasing across restarts without being stored.
   *
   * Our own messages count against our origin rate first, with the same budget receivers
   * apply to us (when they run the same options): a node publishing faster than that would
   * have its messages refused everywhere and be charged for them by its neighbours. Over
   * budget, `seal` throws {@link OriginRateLimitedError} (origin: this node, `penalise: false`)
   * and nothing is signed; the caller slows down and retries. A payload over
   * `maxMessageBytes` throws {@link MessageTooLargeError} before costing a token (one that
   * fits only without its envelope costs one).
   */
  seal (topic: string, payload: Uint8Array): { envelope: SignedEnvelope, bytes: Uint8Array, id: string } {
    const self = this.init.signer.peerId
    this.checkSize(payload.byteLength)
    if (!this.bucketOf(self).tryTake(1)) throw new OriginRateLimitedError(self, false)
    const timestamp = Math.floor(this.wallClock())
    const seqno = this.lastSeqno >= BigInt(timestamp) * 1000n ? this.lastSeqno + 1n : BigInt(timestamp) * 1000n
    this.lastSeqno = seqno
    const envelope = sealEnvelope(this.init.signer, { origin: self, seqno, timestamp: BigInt(timestamp), topic, payload: payload as Uint8Array<ArrayBuffer> })
    const bytes = encodeEnvelope(envelope)
    this.checkSize(bytes.byteLength)
    return { envelope, bytes, id: envelopeId(envelope) }
  }

  /**
   * Run every stage on a copy received from `from`. Throws the first failing stage's error,
   * after charging `from` when it is at fault.
   */
  check (bytes: Uint8Array, from: string, options: CheckOptions = {}): CheckedMessage {
    try {
      this.checkPeer(from)
      this.checkSize(bytes.byteLength)
      const envelope = decodeEnvelope(bytes)
      const id = envelopeId(envelope)
      if (options.isDuplicate?.(id) === true) return { envelope, id, duplicate: true }
      this.checkKnownSender(envelope.origin)
      this.checkTimestamp(envelope.timestamp)
      verifyEnvelope(this.init.signer, envelope)
      this.checkRate(envelope.origin, from)
      this.init.reputation.reward(from)
      return { envelope, id, duplicate: false }
    } catch (err) {
      this.report(from, err as MessageValidationError)
      throw err
    }
  }

  /** Throws {@link GraylistedPeerError} while `from` is graylisted. */
  checkPeer (from: string): void {
    if (this.init.reputation.isGraylisted(from)) throw new GraylistedPeerError(`${from} is graylisted`)
  }

  checkSize (size: number): void {
    if (size > this.maxMessageBytes) throw new MessageTooLargeError(size, this.maxMessageBytes)
  }

  checkKnownSender (origin: string): void {
    if (origin !== this.init.signer.peerId && this.init.isKnownSender?.(origin) === false) {
      throw new UnknownSenderError(`${origin} is not a known member`)
    }
  }

  /** `timestamp` in ms since the epoch, as the author stamped it. */
  checkTimestamp (timestamp: bigint | number): void {
    const now = this.wallClock()
    const stamped = Number(timestamp)
    if (stamped < now - this.replayWindowMs) throw new StaleMessageError(`message stamped ${Math.round(now - stamped)} ms ago, outside the ${this.replayWindowMs} ms window`)
    if (stamped > now + this.maxClockSkewMs) throw new FutureMessageError(`message stamped ${Math.round(stamped - now)} ms in the future`)
  }

  /**
   * One token per first-seen message of `origin`, taken only when the message is accepted: a
   * refused message costs nothing, so an origin over its budget is let through again as soon
   * as it has earned one token back. Callers skip this for copies of an id they already
   * accepted (see {@link CheckOptions.isDuplicate}): repairs of a message are not new messages.
   */
  checkRate (origin: string, from: string): void {
    if (!this.bucketOf(origin).tryTake(1)) throw new OriginRateLimitedError(origin, origin === from)
  }

  /** The rate bucket of `origin`, made on first use; the least recently used is forgotten first. */
  private bucketOf (origin: string): TokenBucket {
    let bucket = this.buckets.get(origin)
    if (bucket === undefined) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, this.init.clock)
      if (this.buckets.size >= this.maxTrackedOrigins) this.buckets.delete(this.buckets.keys().next().value as string)
    } else {
      this.buckets.delete(origin)
    }
    this.buckets.set(origin, bucket)
    return bucket
  }

  /** Charge `from` for `error` when it is at fault (see {@link MessageValidationError.penalise}). */
  report (from: string, error: MessageValidationError): void {
    if (typeof error?.penalise === 'boolean') this.init.reputation.penalise(from, error)
  }
}
