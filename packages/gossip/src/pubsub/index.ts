export { GossipPubSub, type PubSubComponents, type PubSubEvents } from './gossip-pubsub.js'
export { meshPubSub, withPubSub, type MeshPubSubParts } from './create-pubsub.js'
export type { MeshPubSubOptions, PubSubScoreParams } from './options.js'
export type { DroppedMessage } from './inbound-validator.js'
export {
  NoSubscribersError, PayloadTooLargeError, PublishRateLimitedError, TopicNameError, PublishFailedError,
  MessageRejectedError, MessageIgnoredError, SelfOriginError
} from './errors.js'
export {
  PUBSUB_SERVICE, GOSSIPSUB_LIBP2P_SERVICE, GOSSIPSUB_PROTOCOL, MAX_TOPIC_BYTES,
  DEFAULT_SCORE_THRESHOLDS, DEFAULT_TOPIC_SCORE_PARAMS
} from './constants.js'
