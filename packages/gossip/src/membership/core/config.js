/**
 * Settings of the SWIM + Lifeguard membership core, their defaults, and the formulas that scale
 * them with the cluster size (after hashicorp/memberlist's `util.go`). Everything here is pure.
 */
import { InvalidConfigError } from '@meshwork/core-mesh';
export const DEFAULT_MEMBERSHIP_CONFIG = Object.freeze({
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
});
/** Clusters up to this size push-pull at the configured interval (memberlist's pushPullScaleThreshold). */
const PUSH_PULL_SCALE_THRESHOLD = 32;
/**
 * The defaults with `overrides` applied, checked. Throws an `InvalidConfigError` naming the
 * first field that is out of range.
 */
export function resolveMembershipConfig(overrides = {}) {
    const config = { ...DEFAULT_MEMBERSHIP_CONFIG };
    for (const key of Object.keys(DEFAULT_MEMBERSHIP_CONFIG)) {
        const value = overrides[key];
        if (value !== undefined)
            config[key] = value;
    }
    const positive = ['probeIntervalMs', 'probeTimeoutMs', 'gossipIntervalMs', 'tombstoneMs', 'awarenessMax', 'suspicionMult', 'suspicionMaxTimeoutMult', 'retransmitMult', 'maxPiggyback', 'maxMembers'];
    const nonNegative = ['indirectChecks', 'gossipNodes', 'pushPullIntervalMs', 'reconnectIntervalMs', 'gossipToTheDeadMs', 'leavePropagateMs'];
    for (const key of positive) {
        if (!(Number.isFinite(config[key]) && config[key] > 0))
            throw new InvalidConfigError(`membership.${key} must be a finite number > 0, got ${config[key]}`);
    }
    for (const key of nonNegative) {
        if (!(Number.isFinite(config[key]) && config[key] >= 0))
            throw new InvalidConfigError(`membership.${key} must be a finite number >= 0, got ${config[key]}`);
    }
    for (const key of ['indirectChecks', 'gossipNodes', 'maxPiggyback', 'maxMembers', 'awarenessMax', 'retransmitMult']) {
        if (!Number.isInteger(config[key]))
            throw new InvalidConfigError(`membership.${key} must be a whole number, got ${config[key]}`);
    }
    if (config.probeTimeoutMs >= config.probeIntervalMs) {
        throw new InvalidConfigError(`membership.probeTimeoutMs (${config.probeTimeoutMs}) must be below probeIntervalMs (${config.probeIntervalMs}): the rest of the interval is the indirect probe window`);
    }
    if (config.suspicionMaxTimeoutMult < 1)
        throw new InvalidConfigError(`membership.suspicionMaxTimeoutMult must be >= 1, got ${config.suspicionMaxTimeoutMult}`);
    if (!(config.quorumFraction >= 0 && config.quorumFraction < 1))
        throw new InvalidConfigError(`membership.quorumFraction must be in [0, 1), got ${config.quorumFraction}`);
    return config;
}
/**
 * Lifeguard's suspicion timeout bounds for a cluster of `n` non-dead members. Like memberlist,
 * the size factor never drops below 1: with the bare `log10(n)` a three-node cluster would
 * declare a member dead after under two probe intervals, faster than it can refute.
 */
export function suspicionTimeoutsMs(config, n) {
    const nodeScale = Math.max(1, Math.log10(Math.max(1, n)));
    const minMs = config.suspicionMult * nodeScale * config.probeIntervalMs;
    return { minMs, maxMs: config.suspicionMaxTimeoutMult * minMs };
}
/** How many independent confirmations bring a suspicion down to its minimum timeout. */
export function expectedConfirmations(config, n) {
    const k = config.suspicionMult - 2;
    // Ourselves and the suspect cannot confirm: with fewer other members, expect none.
    return n - 2 < k ? 0 : Math.max(0, k);
}
/** How many times one update is piggybacked before it leaves the queue. */
export function retransmitLimit(retransmitMult, n) {
    return retransmitMult * Math.ceil(Math.log10(Math.max(0, n) + 1));
}
/** The push-pull period for `n` members: longer for large clusters so that state sync does not saturate links. */
export function pushPullIntervalFor(config, n) {
    if (n <= PUSH_PULL_SCALE_THRESHOLD)
        return config.pushPullIntervalMs;
    const multiplier = Math.ceil(Math.log2(n) - Math.log2(PUSH_PULL_SCALE_THRESHOLD)) + 1;
    return multiplier * config.pushPullIntervalMs;
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
export function detectionBoundMs(config, n) {
    const members = Math.max(2, n);
    const probeWait = 2 * (members - 1) * config.probeIntervalMs;
    const probe = config.probeIntervalMs;
    const { maxMs } = suspicionTimeoutsMs(config, members);
    const gossip = retransmitLimit(config.retransmitMult, members) * config.gossipIntervalMs;
    return Math.ceil(probeWait + probe + maxMs + gossip);
}
//# sourceMappingURL=config.js.map