import { StrictSign, type GossipsubOpts } from '@libp2p/gossipsub'
import type { MsgIdFn } from '@libp2p/gossipsub/types'
import {
  createPeerScoreParams, createTopicScoreParams, validatePeerScoreParams, validatePeerScoreThresholds,
  validateTopicScoreParams, type PeerScoreParams, type PeerScoreThresholds, type TopicScoreParams
} from '@libp2p/gossipsub/score'
import { InvalidConfigError, type PeerIdString } from '@meshwork/core-mesh'
import { PeerReputation, type PeerReputationOptions } from '../validation/peer-reputation.js'
import type { ValidationOptions } from '../validation/validation-pipeline.js'
import {
  DEFAULT_APP_SPECIFIC_WEIGHT, DEFAULT_BEHAVIOUR_PENALTY_DECAY, DEFAULT_BEHAVIOUR_PENALTY_THRESHOLD,
  DEFAULT_BEHAVIOUR_PENALTY_WEIGHT, DEFAULT_D, DEFAULT_D_HI, DEFAULT_D_LAZY, DEFAULT_D_LO, DEFAULT_D_OUT,
  DEFAULT_HEARTBEAT_INTERVAL_MS, DEFAULT_IP_COLOCATION_THRESHOLD, DEFAULT_IP_COLOCATION_WEIGHT,
  DEFAULT_MAX_INBOUND_FRAME_BYTES, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_REPLAY_TRACKED_ORIGINS, DEFAULT_REPLAY_WINDOW,
  DEFAULT_SCORE_DECAY_INTERVAL_MS, DEFAULT_SCORE_RETAIN_MS, DEFAULT_SCORE_THRESHOLDS, DEFAULT_SEEN_TTL_MS,
  DEFAULT_TOPIC_SCORE_CAP, DEFAULT_TOPIC_SCORE_PARAMS, FRAME_OVERHEAD_BYTES
} from './constants.js'

/** Peer-level score parameters an operator may change (topics and P5's function are ours). */
export type PubSubScoreParams = Omit<PeerScoreParams, 'topics' | 'appSpecificScore'>

/** Options of {@link meshPubSub} / {@link withPubSub}. Every field is optional. */
export interface MeshPubSubOptions {
  /** Target mesh degree per topic. Default 6 (gossipsub spec). */
  D?: number
  /** Default 4. */
  Dlo?: number
  /** Default 12. */
  Dhi?: number
  /** Default 2; must be below Dlo and at most D/2. */
  Dout?: number
  /** Default 6. */
  Dlazy?: number
  /** gossipsub heartbeat (mesh maintenance, gossip emission). Default 1 s; tests lower it. */
  heartbeatIntervalMs?: number
  /** How long message ids are remembered against duplicates. Default 2 min. */
  seenTtlMs?: number
  /**
   * Send our own messages to every subscribed peer above the publish threshold, not only to
   * mesh peers: faster first hop and no dependence on a formed mesh, at the cost of bandwidth
   * on large topics. Default true (as js and go gossipsub).
   */
  floodPublish?: boolean
  /** Largest RPC frame read from a peer. Default 1 MiB (go-libp2p-pubsub's). */
  maxInboundFrameBytes?: number
  /**
   * Only these topics are tracked (subscriptions and messages on others are dropped), which
   * bounds the state a peer can make us hold. Default: every topic.
   */
  allowedTopics?: string[]
  /**
   * Limits of the validation pipeline: `maxMessageBytes` (payload, default 256 KiB),
   * `originRatePerSecond`/`originBurst` (per author, default 100/s, burst 200),
   * `maxTrackedOrigins`. The timestamp window does not apply (gossipsub messages carry none):
   * replays are caught by sequence number instead, see `replayWindow`. Use the same limits on
   * every node: this node refuses to publish over them, peers penalise what breaks them.
   */
  validation?: Omit<ValidationOptions, 'replayWindowMs' | 'maxClockSkewMs'>
  /**
   * Whether messages authored by `origin` are accepted (a live member, for instance). Default:
   * everyone. Called on the receive path: must be quick and must not throw.
   */
  isKnownSender?: (origin: PeerIdString) => boolean
  /** A reputation shared with other gossip services, or options for this service's own. */
  reputation?: PeerReputation | PeerReputationOptions
  /**
   * Per-origin sequence numbers remembered against replays once gossipsub's seen cache has
   * forgotten a message; `false` turns the guard off (for peers whose implementation sends
   * random sequence numbers). Default 1024.
   */
  replayWindow?: number | false
  /** Origins tracked by the replay guard. Default 10,000. */
  replayTrackedOrigins?: number
  /** gossipsub score thresholds; see `DEFAULT_SCORE_THRESHOLDS`. */
  scoreThresholds?: Partial<PeerScoreThresholds>
  /** Peer-level score parameters (P5 weight, P6, P7, decay, retention). */
  scoreParams?: Partial<PubSubScoreParams>
  /** Score parameters given to each topic this node subscribes to; see `DEFAULT_TOPIC_SCORE_PARAMS`. */
  topicScoreParams?: Partial<TopicScoreParams>
}

export interface ResolvedPubSubOptions {
  D: number
  Dlo: number
  Dhi: number
  Dout: number
  Dlazy: number
  heartbeatIntervalMs: number
  seenTtlMs: number
  floodPublish: boolean
  maxInboundFrameBytes: number
  allowedTopics: string[] | undefined
  validation: Omit<ValidationOptions, 'replayWindowMs' | 'maxClockSkewMs'>
  isKnownSender: ((origin: PeerIdString) => boolean) | undefined
  reputation: PeerReputation | PeerReputationOptions
  replayWindow: number | false
  replayTrackedOrigins: number
  scoreThresholds: PeerScoreThresholds
  scoreParams: PubSubScoreParams
  topicScoreParams: TopicScoreParams
}

function positiveInteger (value: number | undefined, fallback: number, field: string, min = 1): number {
  const result = value ?? fallback
  if (!Number.isSafeInteger(result) || result < min) throw new InvalidConfigError(`pubsub.${field} must be an integer ≥ ${min}, got ${String(value)}`)
  return result
}

function checked<T> (field: string, value: T, validate: (value: T) => void): T {
  try {
    validate(value)
  } catch (err) {
    throw new InvalidConfigError(`pubsub.${field}: ${(err as Error).message}`, { cause: err })
  }
  return value
}

export function resolvePubSubOptions (options: MeshPubSubOptions = {}): ResolvedPubSubOptions {
  const D = positiveInteger(options.D, DEFAULT_D, 'D')
  const Dlo = positiveInteger(options.Dlo, DEFAULT_D_LO, 'Dlo')
  const Dhi = positiveInteger(options.Dhi, DEFAULT_D_HI, 'Dhi')
  const Dout = positiveInteger(options.Dout, DEFAULT_D_OUT, 'Dout', 0)
  if (!(Dlo <= D && D <= Dhi)) throw new InvalidConfigError(`pubsub mesh degrees must satisfy Dlo ≤ D ≤ Dhi, got ${Dlo}, ${D}, ${Dhi}`)
  if (!(Dout < Dlo && Dout <= D / 2)) throw new InvalidConfigError(`pubsub.Dout must be below Dlo and at most D/2, got ${Dout}`)
  const replayWindow = options.replayWindow === false ? false : positiveInteger(options.replayWindow, DEFAULT_REPLAY_WINDOW, 'replayWindow')
  const scoreParams: PubSubScoreParams = {
    topicScoreCap: DEFAULT_TOPIC_SCORE_CAP,
    appSpecificWeight: DEFAULT_APP_SPECIFIC_WEIGHT,
    IPColocationFactorWeight: DEFAULT_IP_COLOCATION_WEIGHT,
    IPColocationFactorThreshold: DEFAULT_IP_COLOCATION_THRESHOLD,
    IPColocationFactorWhitelist: new Set(),
    behaviourPenaltyWeight: DEFAULT_BEHAVIOUR_PENALTY_WEIGHT,
    behaviourPenaltyThreshold: DEFAULT_BEHAVIOUR_PENALTY_THRESHOLD,
    behaviourPenaltyDecay: DEFAULT_BEHAVIOUR_PENALTY_DECAY,
    decayInterval: DEFAULT_SCORE_DECAY_INTERVAL_MS,
    decayToZero: 0.01,
    retainScore: DEFAULT_SCORE_RETAIN_MS,
    ...options.scoreParams
  }
  checked('scoreParams', scoreParams, p => { validatePeerScoreParams(createPeerScoreParams({ ...p, appSpecificScore: () => 0 })) })
  const topicScoreParams = checked('topicScoreParams', createTopicScoreParams({ ...DEFAULT_TOPIC_SCORE_PARAMS, ...options.topicScoreParams }), validateTopicScoreParams)
  const scoreThresholds = checked('scoreThresholds', { ...DEFAULT_SCORE_THRESHOLDS, ...options.scoreThresholds }, validatePeerScoreThresholds)
  const maxMessageBytes = positiveInteger(options.validation?.maxMessageBytes, DEFAULT_MAX_MESSAGE_BYTES, 'validation.maxMessageBytes')
  const maxInboundFrameBytes = positiveInteger(options.maxInboundFrameBytes, Math.max(DEFAULT_MAX_INBOUND_FRAME_BYTES, maxMessageBytes + 64 * 1024), 'maxInboundFrameBytes')
  if (maxInboundFrameBytes < maxMessageBytes + FRAME_OVERHEAD_BYTES) {
    throw new InvalidConfigError(`pubsub.maxInboundFrameBytes (${maxInboundFrameBytes}) must leave room for a message of validation.maxMessageBytes (${maxMessageBytes}) plus ${FRAME_OVERHEAD_BYTES} bytes`)
  }
  return {
    D,
    Dlo,
    Dhi,
    Dout,
    Dlazy: positiveInteger(options.Dlazy, DEFAULT_D_LAZY, 'Dlazy', 0),
    heartbeatIntervalMs: positiveInteger(options.heartbeatIntervalMs, DEFAULT_HEARTBEAT_INTERVAL_MS, 'heartbeatIntervalMs'),
    seenTtlMs: positiveInteger(options.seenTtlMs, DEFAULT_SEEN_TTL_MS, 'seenTtlMs'),
    floodPublish: options.floodPublish ?? true,
    maxInboundFrameBytes,
    allowedTopics: options.allowedTopics === undefined ? undefined : [...options.allowedTopics],
    validation: { ...options.validation, maxMessageBytes },
    isKnownSender: options.isKnownSender,
    reputation: options.reputation ?? {},
    replayWindow,
    replayTrackedOrigins: positiveInteger(options.replayTrackedOrigins, DEFAULT_REPLAY_TRACKED_ORIGINS, 'replayTrackedOrigins'),
    scoreThresholds,
    scoreParams,
    topicScoreParams
  }
}

/** What gossipsub is built with; the hooks connect it to the Meshwork service. */
export function gossipsubInit (resolved: ResolvedPubSubOptions, hooks: { msgIdFn: MsgIdFn, appSpecificScore: (peer: string) => number }): Partial<GossipsubOpts> {
  return {
    // gossipsub's own signatures (interoperable): every message signed by its author and
    // checked on receipt; the message id is author key + sequence number.
    globalSignaturePolicy: StrictSign,
    msgIdFn: hooks.msgIdFn,
    D: resolved.D,
    Dlo: resolved.Dlo,
    Dhi: resolved.Dhi,
    Dout: resolved.Dout,
    Dlazy: resolved.Dlazy,
    heartbeatInterval: resolved.heartbeatIntervalMs,
    seenTTL: resolved.seenTtlMs,
    floodPublish: resolved.floodPublish,
    // gossipsub only: floodsub peers get every message with no scoring
    fallbackToFloodsub: false,
    // peer exchange hands out addresses an attacker can choose: off
    doPX: false,
    emitSelf: false,
    allowPublishToZeroTopicPeers: false,
    // validators are synchronous and fast: gossipsub forwards right after them
    asyncValidation: false,
    maxInboundDataLength: resolved.maxInboundFrameBytes,
    ...(resolved.allowedTopics === undefined ? {} : { allowedTopics: resolved.allowedTopics }),
    scoreParams: { ...resolved.scoreParams, appSpecificScore: hooks.appSpecificScore, topics: {} },
    scoreThresholds: resolved.scoreThresholds,
    debugName: 'meshwork:pubsub'
  }
}

/** Reputation for the service: the shared instance, or a new one with the given options. */
export function reputationFrom (option: PeerReputation | PeerReputationOptions, create: (options: PeerReputationOptions) => PeerReputation): PeerReputation {
  return option instanceof PeerReputation ? option : create(option)
}
