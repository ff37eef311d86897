import { GossipError, MessageValidationError } from '../errors.js'

/**
 * `publish` reached nobody: no connected peer subscribes to the topic (or every one of them
 * scores below the publish threshold, or none had an open gossipsub stream).
 */
export class NoSubscribersError extends GossipError {
  constructor (readonly topic: string, options?: ErrorOptions) {
    super(`no reachable subscriber for topic "${topic}"`, options)
  }
}

/** The payload is over the configured maximum; nothing was sent. */
export class PayloadTooLargeError extends GossipError {
  constructor (readonly size: number, readonly maxSize: number) {
    super(`payload of ${size} bytes exceeds the maximum of ${maxSize} bytes`)
  }
}

/**
 * This node publishes faster than the per-origin rate its peers accept; nothing was sent.
 * (Peers would drop the message and charge this node for it.)
 */
export class PublishRateLimitedError extends GossipError {
  constructor (readonly topic: string) {
    super(`publishing on "${topic}" faster than the per-origin rate limit allows`)
  }
}

/** The topic name is empty, too long, not well-formed Unicode, or not among `allowedTopics`. */
export class TopicNameError extends GossipError {}

/** gossipsub refused the publish for a reason other than the ones above; `cause` has it. */
export class PublishFailedError extends GossipError {}

/** A validator added with `addValidator` answered `reject`: the peer that sent the copy is charged. */
export class MessageRejectedError extends MessageValidationError {
  override readonly penalise = true
}

/** A validator added with `addValidator` answered `ignore`, or threw: dropped, nobody charged. */
export class MessageIgnoredError extends MessageValidationError {}

/** A copy of a message this node published came back; it is dropped quietly. */
export class SelfOriginError extends MessageValidationError {}
