/**
 * Settings of the SWIM + Lifeguard membership core, their defaults, and the formulas that scale
 * them with the cluster size (after hashicorp/memberlist's `util.go`). Everything here is pure.
 */
import { InvalidConfigError } from '@meshwork/core-mesh'

export interface MembershipConfig {
  /**
   * Time between two probes of this node (one member each). Scaled by the local health
   * multiplier. Every member is probed at least once every two rounds of n − 1 probes.
   * Default 1000.
   */
  probeIntervalMs: number
  /**
   * How long a direct ping waits for its ack before indirect probes start; scaled by the local
   * health multiplier. Must be below `probeIntervalMs`: the rest of the interval is the window
   * for indirect acks and nacks. Default 500.
   */
  probeTimeoutMs: number
  /** Members asked to probe a target that did not answer a direct ping (ping-req). Default 3. */
  indirectChecks: number
  /**
   * Suspicion multiplier: the minimum suspicion timeout is
   * `suspicionMult × max(1, log10(n)) × probeIntervalMs`, and `suspicionMult − 2` independent
   * confirmations bring the timeout down to that minimum. Default 4.
   */
  suspicionMult: number
  /** The suspicion timeout starts at this multiple of the minimum (Lifeguard). Default 6. */
  suspicionMaxTimeoutMult: number
  /** Each update is piggybacked at most `retransmitMult × ceil(log10(n + 1))` times. Default 4. */
  retransmitMult: number
  /** Period of the gossip timer, which sends queued updates on their own. Default 200. */
  gossipIntervalMs: number
  /** Members (random, live or recently dead) sent a gossip message on each gossip tick. Default 3. */
  gossipNodes: number
  /** Most updates piggybacked on one ping, ping-req, ack, nack or gossip message. Default 16. */
  maxPiggyback: number
  /**
   * Period of the full state exchange with one random live member; stretched for clusters of
   * more than 32 members, like memberlist's pushPullScale. 0 turns it off. Default 30 000.
   */
  pushPullIntervalMs: number
  /**
   * Period of the serf-style reconnect: a push-pull with one random failed (dead, not left)
   * member still in its tombstone window, which is what merges the two sides of a healed
   * partition. 0 turns it off. Default 30 000.
   */
  reconnectIntervalMs: number
  /**
   * Dead and left members are kept this long as tombstones, refusing older claims about them,
   * then reaped. Default 24 h (serf's tombstone timeout).
   */
  tombstoneMs: number
  /** Dead members still receive gossip for this long, so that they may learn and refute. Default 30 000. */
  gossipToTheDeadMs: number
  /** The local health score runs from 0 to `awarenessMax − 1`; timers scale by score + 1. Default 8. */
  awarenessMax: number
  /**
   * Quorum is `floor(total × quorumFraction) + 1` of the members that count (alive, suspect,
   * and dead but not left, this node included). 0.5 is a strict majority. Default 0.5.
   */
  quorumFraction: number
  /**
   * After `leave()`, the node keeps gossiping and answering this long so that its leave
   * spreads, then stops. Default 1000 (serf's LeavePropagateDelay).
   */
  leavePropagateMs: number
  /**
   * Most members kept in the table; alive claims about new members beyond it are ignored, so
   * that a peer cannot make this node hold unbounded state. Default 100 000.
   */
  maxMembers: number
}

export const DEFAULT_MEMBERSHIP_CONFIG: Readonly<MembershipConfig> = Object.freeze({
  probeIntervalMs: 1000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMaxTimeoutMult: 6,
  retransmitMult: 4,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  maxPiggyback: 16,
  pushPullIntervalMs: 30_000,
  reconnectIntervalMs: 30_000,
  tombstoneMs: 24 * 60 * 60 * 1000,
  gossipToTheDeadMs: 30_000,
  awarenessMax: 8,
  quorumFraction: 0.5,
  leavePropagateMs: 1000,
  maxMembers: 100_000
})

/** The largest `maxPiggyback`: the wire refuses more than 64 updates on a message other than a push-pull. */
export const MAX_PIGGYBACK = 48

/** Clusters up to this size push-pull at the configured interval (memberlist's pushPullScaleThreshold). */
const PUSH_PULL_SCALE_THRESHOLD = 32

/**
 * The defaults with `overrides` applied, checked. Throws an `InvalidConfigError` naming the
 * first field that is out of range.
 */
export function resolveMembershipConfig (overrides: Partial<MembershipConfig> = {}): MembershipConfig {
  const config: MembershipConfig = { ...DEFAULT_MEMBERSHIP_CONFIG }
  for (const key of Object.keys(DEFAULT_MEMBERSHIP_CONFIG) as Array<keyof MembershipConfig>) {
    const value = overrides[key]
    if (value !== undefined) config[key] = value
  }
  const positive: Array<keyof MembershipConfig> = ['probeIntervalMs', 'probeTimeoutMs', 'gossipIntervalMs', 'tombstoneMs', 'awarenessMax', 'suspicionMult', 'suspicionMaxTimeoutMult', 'retransmitMult', 'maxPiggyback', 'maxMembers']
  const nonNegative: Array<keyof MembershipConfig> = ['indirectChecks', 'gossipNodes', 'pushPullIntervalMs', 'reconnectIntervalMs', 'gossipToTheDeadMs', 'leavePropagateMs']
  for (const key of positive) {
    if (!(Number.isFinite(config[key]) && config[key] > 0)) throw new InvalidConfigError(`membership.${key} must be a finite number > 0, got ${config[key]}`)
  }
  for (const key of nonNegative) {
    if (!(Number.isFinite(config[key]) && config[key] >= 0)) throw new InvalidConfigError(`membership.${key} must be a finite number >= 0, got ${config[key]}`)
  }
  for (const key of ['indirectChecks', 'gossipNodes', 'maxPiggyback', 'maxMembers', 'awarenessMax', 'retransmitMult'] as const) {
    if (!Number.isInteger(config[key])) throw new InvalidConfigError(`membership.${key} must be a whole number, got ${config[key]}`)
  }
  if (config.probeTimeoutMs >= config.probeIntervalMs) {
    throw new InvalidConfigError(`membership.probeTimeoutMs (${config.probeTimeoutMs}) must be below probeIntervalMs (${config.probeIntervalMs}): the rest of the interval is the indirect probe window`)
  }
  // The wire takes 64 updates per message; a few go ahead of the piggyback (a leave, a death notice).
  if (config.maxPiggyback > MAX_PIGGYBACK) throw new InvalidConfigError(`membership.maxPiggyback must be <= ${MAX_PIGGYBACK}, got ${config.maxPiggyback}`)
  if (config.suspicionMaxTimeoutMult < 1) throw new InvalidConfigError(`membership.suspicionMaxTimeoutMult must be >= 1, got ${config.suspicionMaxTimeoutMult}`)
  if (!(config.quorumFraction >= 0 && config.quorumFraction < 1)) throw new InvalidConfigError(`membership.quorumFraction must be in [0, 1), got ${config.quorumFraction}`)
  return config
}

/**
 * Lifeguard's suspicion timeout bounds for a cluster of `n` non-dead members. Like memberlist,
 * the size factor never drops below 1: with the bare `log10(n)` a three-node cluster would
 * declare a member dead after under two probe intervals, faster than it can refute.
 */
export function suspicionTimeoutsMs (config: MembershipConfig, n: number): { minMs: number, maxMs: number } {
  const nodeScale = Math.max(1, Math.log10(Math.max(1, n)))
  const minMs = config.suspicionMult * nodeScale * config.probeIntervalMs
  return { minMs, maxMs: config.suspicionMaxTimeoutMult * minMs }
}

/** How many independent confirmations bring a suspicion down to its minimum timeout. */
export function expectedConfirmations (config: MembershipConfig, n: number): number {
  const k = config.suspicionMult - 2
  // Ourselves and the suspect cannot confirm: with fewer other members, expect none.
  return n - 2 < k ? 0 : Math.max(0, k)
}

/** How many times one update is piggybacked before it leaves the queue. */
export function retransmitLimit (retransmitMult: number, n: number): number {
  return retransmitMult * Math.ceil(Math.log10(Math.max(0, n) + 1))
}

/** The push-pull period for `n` members: longer for large clusters so that state sync does not saturate links. */
export function pushPullIntervalFor (config: MembershipConfig, n: number): number {
  if (n <= PUSH_PULL_SCALE_THRESHOLD) return config.pushPullIntervalMs
  const multiplier = Math.ceil(Math.log2(n) - Math.log2(PUSH_PULL_SCALE_THRESHOLD)) + 1
  return multiplier * config.pushPullIntervalMs
}

/**
 * Worst-case time from a member's crash to every live member holding it dead, for `n` members
 * (the crashed one included), with no message loss, network delays well below the gossip
 * interval, and every local health score at 0:
 * - the crashed member is probed by a given node within two rounds of n − 1 probes (it may
 *   have just been probed when it crashed and land last in the next shuffled round);
 * - that probe fails one probe interval after it starts (direct timeout + indirect window);
 * - the prober's suspicion times out at most at the maximum suspicion timeout;
 * - the dead claim then reaches everyone by gossip: allow as many gossip ticks as the update
 *   is retransmitted.
 */
export function detectionBoundMs (config: MembershipConfig, n: number): number {
  const members = Math.max(2, n)
  const probeWait = 2 * (members - 1) * config.probeIntervalMs
  const probe = config.probeIntervalMs
  const { maxMs } = suspicionTimeoutsMs(config, members)
  const gossip = retransmitLimit(config.retransmitMult, members) * config.gossipIntervalMs
  return Math.ceil(probeWait + probe + maxMs + gossip)
}
