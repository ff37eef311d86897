/**
 * Plumtree's tunables and their defaults. Times are in milliseconds of the injected clock.
 *
 * The defaults suit a LAN or WAN mesh of tens to thousands of members: repairs start about a
 * second after a lost eager push, and a node answers grafts for half a minute.
 */
export interface PlumtreeConfig {
  /**
   * Eager links a node opens itself (grafting the peers it picks), at start or as its first
   * peers appear. Each end keeps the link, so a fresh node has about twice this many eager
   * peers until duplicates prune the overlay down to a tree.
   */
  eagerFanout: number
  /** Lazy peers sampled (afresh) at every announcement round. */
  lazyFanout: number
  /** IHAVE announcements are batched and sent every this many ms while there is news. */
  lazyIntervalMs: number
  /** Rounds in which a received message id is announced (to a new lazy sample each round). */
  announceRounds: number
  /**
   * After the first IHAVE for a missing message: how long the eager path gets to deliver it
   * before a GRAFT. Each message waits a random 1 to 1.5 times this, so that the nodes of a
   * subtree cut off from the tree do not all graft at once.
   */
  ihaveTimeoutMs: number
  /** After a GRAFT: how long the grafted peer gets before the next announcer is grafted. */
  graftTimeoutMs: number
  /** GRAFTs sent for one missing message before giving up on it. */
  maxGraftAttempts: number
  /**
   * Tree optimisation: when a lazy peer announces a message it received at least this many
   * hops closer to the origin than the copy we got, graft it and prune our parent. 0 (the
   * default) disables it. It shortens the tree when one origin (or a few) sends most messages;
   * with many origins the hop counts of different messages disagree, the switches undo each
   * other and concurrent ones cut the tree (simulated: ~1.5 payload copies per node instead
   * of 1), so it is off unless asked for.
   */
  optimizationThreshold: number
  /** How long payloads are kept to answer GRAFTs. */
  payloadTtlMs: number
  /**
   * How long delivered ids are remembered, so that late copies are recognised as duplicates.
   * Must outlast any replay window the payload validation enforces.
   */
  seenTtlMs: number
  /** Most message ids remembered (oldest forgotten first); payloads are dropped with them. */
  maxCachedMessages: number
  /** Most missing message ids tracked at once (further announcements are ignored). */
  maxMissingMessages: number
  /**
   * Most missing message ids one announcer may have us track at once (its further
   * announcements of ids we lack are ignored), so that one peer announcing made-up ids cannot
   * fill `maxMissingMessages` and crowd out the repairs of real losses.
   */
  maxMissingPerAnnouncer: number
  /**
   * Most payloads sent in answer to one GRAFT (the first ids it lists that we hold); a GRAFT
   * listing more is answered in part, and the requester asks again for the rest. Bounds what
   * one small frame can make us send. The node's own GRAFTs ask for at most this many ids.
   */
  maxServedPerGraft: number
  /**
   * A message is sent to a given peer in answer to its GRAFTs at most once per this many ms:
   * repeating a GRAFT cannot multiply the payloads. Keep it below the requesters'
   * `graftTimeoutMs`, so that a retry after a lost answer is served.
   */
  graftServeWindowMs: number
  /**
   * Most ids in one IHAVE (a longer batch is split) or GRAFT (the rest wait for the next
   * timer). Peers refuse frames with more than 1024, so the node caps it there.
   */
  maxIdsPerFrame: number
}

export const DEFAULT_PLUMTREE_CONFIG: Readonly<PlumtreeConfig> = Object.freeze({
  eagerFanout: 4,
  lazyFanout: 6,
  lazyIntervalMs: 100,
  announceRounds: 3,
  ihaveTimeoutMs: 1_000,
  graftTimeoutMs: 500,
  maxGraftAttempts: 6,
  optimizationThreshold: 0,
  payloadTtlMs: 30_000,
  seenTtlMs: 180_000,
  maxCachedMessages: 65_536,
  maxMissingMessages: 4_096,
  maxMissingPerAnnouncer: 1_024,
  maxServedPerGraft: 32,
  graftServeWindowMs: 250,
  maxIdsPerFrame: 512
})

/** The defaults overlaid with `config`; throws a `RangeError` naming a bad field. */
export function resolvePlumtreeConfig (config: Partial<PlumtreeConfig> = {}): PlumtreeConfig {
  const resolved: PlumtreeConfig = { ...DEFAULT_PLUMTREE_CONFIG }
  for (const [key, value] of Object.entries(config) as Array<[keyof PlumtreeConfig, number | undefined]>) {
    if (value !== undefined) resolved[key] = value
  }
  const atLeast = (key: keyof PlumtreeConfig, min: number): void => {
    const value = resolved[key]
    if (!(Number.isFinite(value) && value >= min)) throw new RangeError(`plumtree ${key} must be a number >= ${min}, got ${String(value)}`)
  }
  for (const key of ['eagerFanout', 'lazyFanout', 'announceRounds', 'maxGraftAttempts', 'maxCachedMessages', 'maxMissingMessages', 'maxMissingPerAnnouncer', 'maxServedPerGraft', 'maxIdsPerFrame'] as const) {
    atLeast(key, 1)
    if (!Number.isInteger(resolved[key])) throw new RangeError(`plumtree ${key} must be an integer, got ${resolved[key]}`)
  }
  for (const key of ['lazyIntervalMs', 'ihaveTimeoutMs', 'graftTimeoutMs', 'payloadTtlMs', 'seenTtlMs'] as const) atLeast(key, 1)
  atLeast('graftServeWindowMs', 0)
  atLeast('optimizationThreshold', 0)
  if (resolved.seenTtlMs < resolved.payloadTtlMs) throw new RangeError('plumtree seenTtlMs must be >= payloadTtlMs')
  return resolved
}
