import { TopicValidatorResult, type Message } from '@libp2p/gossipsub'
import type { Logger, PeerIdString, PubSubMessage, PubSubValidator } from '@meshwork/core-mesh'
import type { PeerId } from '@libp2p/interface'
import { InvalidSignatureError, MessageValidationError } from '../errors.js'
import type { ValidationPipeline } from '../validation/validation-pipeline.js'
import { MessageIgnoredError, MessageRejectedError, SelfOriginError } from './errors.js'
import { messageIdBytes, messageIdString } from './message-id.js'
import type { ReplayGuard } from './replay-guard.js'

/** A received message that was dropped, and why. */
export interface DroppedMessage {
  topic: string
  /** The peer that handed us this copy. */
  from: PeerIdString
  /** The author, when the message got far enough to have a trustworthy one. */
  origin?: PeerIdString
  id?: string
  /** `reject`: `from` was charged (gossipsub score and Meshwork reputation); `ignore`: nobody was. */
  verdict: 'ignore' | 'reject'
  error: MessageValidationError
}

export interface InboundValidatorInit {
  self: PeerIdString
  pipeline: ValidationPipeline
  replay: ReplayGuard | undefined
  /** Reports a penalising drop to the node (`ChannelHost.reportViolation`). */
  violation: (peer: PeerIdString, error: MessageValidationError) => void
  dropped: (dropped: DroppedMessage) => void
  log: Logger
}

/**
 * Every message gossipsub received for a topic passes here before any handler sees it or
 * gossipsub forwards it (it is gossipsub's topic validator; gossipsub already checked the
 * author's signature). The stages, in order: the sending peer is not graylisted; not our own
 * message; payload size; known author; not a replay; author's rate; then the topic's
 * `addValidator` validators, in the order they were added. The first failure decides:
 * a penalising error (see `MessageValidationError.penalise`) or a validator's `reject` makes
 * it `Reject` — gossipsub lowers the peer's score (P4), Meshwork's reputation and the node's
 * violation count are charged — anything else `Ignore`. Runs synchronously, never throws.
 */
export class InboundValidator {
  private readonly validators = new Map<string, PubSubValidator[]>()

  constructor (private readonly init: InboundValidatorInit) {}

  /** Add a validator for `topic`; returns its remover. */
  add (topic: string, validator: PubSubValidator): () => void {
    const list = this.validators.get(topic) ?? []
    const entry: PubSubValidator = (message) => validator(message)
    list.push(entry)
    this.validators.set(topic, list)
    return () => {
      const current = this.validators.get(topic)
      const index = current?.indexOf(entry) ?? -1
      if (current === undefined || index < 0) return
      current.splice(index, 1)
      if (current.length === 0) this.validators.delete(topic)
    }
  }

  hasValidators (topic: string): boolean {
    return this.validators.has(topic)
  }

  /** Topics with at least one validator. */
  topics (): string[] {
    return [...this.validators.keys()]
  }

  /** gossipsub's `TopicValidatorFn`. */
  readonly validate = (peer: PeerId, message: Message): TopicValidatorResult => {
    const from = peer.toString()
    if (message.type !== 'signed') {
      // unreachable under StrictSign: gossipsub refuses unsigned messages before validators
      return this.refuse({ topic: message.topic, from }, new InvalidSignatureError('unsigned message'))
    }
    const { pipeline, replay, self } = this.init
    const origin = message.from.toString()
    const seen = { topic: message.topic, from, origin, id: messageIdString(messageIdBytes(message)) }
    try {
      pipeline.checkPeer(from)
      if (origin === self) throw new SelfOriginError('a copy of our own message')
      pipeline.checkSize(message.data.byteLength)
      pipeline.checkKnownSender(origin)
      replay?.check(origin, message.sequenceNumber)
      pipeline.checkRate(origin, from)
    } catch (err) {
      return this.refuse(seen, err)
    }
    const delivered: PubSubMessage = { ...seen, data: message.data }
    for (const validator of this.validators.get(message.topic) ?? []) {
      let verdict: string
      try {
        verdict = validator(delivered)
      } catch (err) {
        this.init.log.warn({ topic: message.topic, err }, 'a pub/sub validator threw: message ignored')
        return this.refuse(seen, new MessageIgnoredError('a validator threw', { cause: err }))
      }
      if (verdict === 'reject') return this.refuse(seen, new MessageRejectedError(`a validator of "${message.topic}" rejected ${delivered.id}`))
      if (verdict !== 'accept') return this.refuse(seen, new MessageIgnoredError(`a validator of "${message.topic}" ignored ${delivered.id}`))
    }
    replay?.record(origin, message.sequenceNumber)
    pipeline.reputation.reward(from)
    return TopicValidatorResult.Accept
  }

  /** gossipsub dropped a message from `peer` for a bad signature, sequence number or author. */
  invalid (peer: PeerIdString, topic: string): void {
    this.refuse({ topic, from: peer }, new InvalidSignatureError(`a message on "${topic}" failed gossipsub's StrictSign checks (signature, sequence number or author)`))
  }

  private refuse (seen: Omit<DroppedMessage, 'verdict' | 'error'>, err: unknown): TopicValidatorResult {
    const error = err instanceof MessageValidationError ? err : new MessageIgnoredError('validation failed unexpectedly', { cause: err })
    if (error !== err) this.init.log.warn({ topic: seen.topic, err }, 'unexpected error while validating a pub/sub message')
    this.init.pipeline.report(seen.from, error)
    if (error.penalise) this.init.violation(seen.from, error)
    this.init.dropped({ ...seen, verdict: error.penalise ? 'reject' : 'ignore', error })
    return error.penalise ? TopicValidatorResult.Reject : TopicValidatorResult.Ignore
  }
}
