import type { PeerScoreThresholds, TopicScoreParams } from '@libp2p/gossipsub/score'

/** The Meshwork service name (`node.service<GossipPubSub>('pubsub')`) and the component it provides. */
export const PUBSUB_SERVICE = 'pubsub'

/** The key of gossipsub in `MeshConfig.libp2pServices`. */
export const GOSSIPSUB_LIBP2P_SERVICE = 'gossipsub'

/** Protocol named in violation reports (the newest gossipsub version; older ones are spoken too). */
export const GOSSIPSUB_PROTOCOL = '/meshsub/1.2.0'

/** Longest topic name, in UTF-8 bytes. */
export const MAX_TOPIC_BYTES = 256

// ---- mesh ---------------------------------------------------------------------------------
// The gossipsub v1.1 spec's defaults (also go-libp2p-pubsub's and rust-libp2p's): changing
// them only on some nodes makes meshes churn, so they are kept unless a deployment changes
// them everywhere.

/** Target mesh degree per topic. */
export const DEFAULT_D = 6
/** Below this many mesh peers, the heartbeat grafts more. */
export const DEFAULT_D_LO = 4
/** Above this many, the heartbeat prunes back to D. */
export const DEFAULT_D_HI = 12
/** Mesh peers kept from our own outbound dials (eclipse resistance); must be < Dlo and ≤ D/2. */
export const DEFAULT_D_OUT = 2
/** Peers outside the mesh told about recent messages (IHAVE) each heartbeat. */
export const DEFAULT_D_LAZY = 6
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000
/** How long message ids are remembered for de-duplication (gossipsub's seen cache). */
export const DEFAULT_SEEN_TTL_MS = 120_000

/** Largest payload published or accepted (the validation pipeline's own default). */
export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024

/** Room in a frame around one payload: topic, author, key, signature, sequence number. */
export const FRAME_OVERHEAD_BYTES = 1024

/**
 * Largest gossipsub RPC frame read from a peer. go-libp2p-pubsub's default (1 MiB): frames can
 * carry several messages and thousands of IHAVE ids, so the bound is on the frame, not on one
 * message (that one is `validation.maxMessageBytes`). A bigger frame drops the peer's stream.
 */
export const DEFAULT_MAX_INBOUND_FRAME_BYTES = 1024 * 1024

/**
 * Per-origin sequence numbers remembered for replay protection, beyond gossipsub's seen cache.
 * A message more than this many sequence numbers behind the newest seen from its origin is
 * dropped as stale.
 */
export const DEFAULT_REPLAY_WINDOW = 1024
/** Origins tracked by the replay guard at most (least recently seen forgotten first). */
export const DEFAULT_REPLAY_TRACKED_ORIGINS = 10_000

// ---- peer scoring -------------------------------------------------------------------------
// How the numbers fit together (score = Σ topic scores, capped above at TOPIC_SCORE_CAP,
// + P5 + P6 + P7):
// - An honest peer sits at 0 or above: P1 (time in mesh) and P2 (first deliveries) only add.
// - One invalid message (bad signature, oversized, rejected by a validator) costs P4 = −10
//   (−10 × count²): the peer falls to the gossip threshold. Two: −40 (no more gossip to or
//   from it). Three: −90, below the graylist threshold: every RPC from it is ignored. P4
//   decays by 1 % a second (half-life ≈ 69 s), so a peer that stops recovers in minutes.
// - Meshwork's own reputation (the validation pipeline's PeerReputation) enters as P5, only
//   when negative, weighted ×2: a peer that reputation graylists (≤ −50) lands at ≤ −100 here.
// - P3 (mesh delivery rate) is off: it needs a known message rate per topic, and on a quiet
//   topic it would push honest mesh peers below zero. Set it per deployment if rates are known.

/** gossipsub thresholds (see gossipsub v1.1 §"Score Thresholds"). */
export const DEFAULT_SCORE_THRESHOLDS: PeerScoreThresholds = {
  /** Below: no IHAVE/IWANT exchanged with the peer. */
  gossipThreshold: -10,
  /** Below: our own messages are not flood-published to the peer. */
  publishThreshold: -50,
  /** Below: every RPC from the peer is ignored. */
  graylistThreshold: -80,
  /** Peer exchange is off (doPX false); PX from peers is accepted only above this unreachable score. */
  acceptPXThreshold: 1_000,
  /** Median mesh score under which better peers are grafted opportunistically. */
  opportunisticGraftThreshold: 5
}

/** Cap on the positive part of the topic scores, so a long-lived peer cannot bank credit. */
export const DEFAULT_TOPIC_SCORE_CAP = 20
/** Weight of Meshwork's reputation (P5, negative part only). */
export const DEFAULT_APP_SPECIFIC_WEIGHT = 2
/** P6: more than this many peers from one IP address are penalised … */
export const DEFAULT_IP_COLOCATION_THRESHOLD = 10
/** … by this weight × surplus². */
export const DEFAULT_IP_COLOCATION_WEIGHT = -5
/** P7 (early re-grafts, broken IHAVE promises): tolerated up to this count … */
export const DEFAULT_BEHAVIOUR_PENALTY_THRESHOLD = 6
/** … then weight × excess². */
export const DEFAULT_BEHAVIOUR_PENALTY_WEIGHT = -1
export const DEFAULT_BEHAVIOUR_PENALTY_DECAY = 0.99
/** Score counters decay once per this interval (gossipsub's minimum). */
export const DEFAULT_SCORE_DECAY_INTERVAL_MS = 1_000
/** Scores of disconnected peers are kept this long, so reconnecting does not wash a penalty away. */
export const DEFAULT_SCORE_RETAIN_MS = 3_600_000

/** Score parameters applied to every topic this node subscribes to (or validates). */
export const DEFAULT_TOPIC_SCORE_PARAMS: TopicScoreParams = {
  topicWeight: 1,
  // P1: +0.01 per second in the mesh, up to 10 minutes (+6)
  timeInMeshWeight: 0.01,
  timeInMeshQuantum: 1_000,
  timeInMeshCap: 600,
  // P2: +1 per first delivery, up to +10, decaying by 10 % a second
  firstMessageDeliveriesWeight: 1,
  firstMessageDeliveriesDecay: 0.9,
  firstMessageDeliveriesCap: 10,
  // P3 / P3b: off (see above)
  meshMessageDeliveriesWeight: 0,
  meshMessageDeliveriesDecay: 0.5,
  meshMessageDeliveriesCap: 100,
  meshMessageDeliveriesThreshold: 1,
  meshMessageDeliveriesWindow: 10,
  meshMessageDeliveriesActivation: 5_000,
  meshFailurePenaltyWeight: 0,
  meshFailurePenaltyDecay: 0.5,
  // P4: −10 × invalid², decaying by 1 % a second
  invalidMessageDeliveriesWeight: -10,
  invalidMessageDeliveriesDecay: 0.99
}
