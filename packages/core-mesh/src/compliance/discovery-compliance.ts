import { multiaddr } from '@multiformats/multiaddr'
import type { DiscoveredPeer, DiscoveryContext, DiscoveryPlugin } from '../interfaces/discovery.js'
import type { PeerIdString } from '../interfaces/peer.js'
import { type ComplianceCase, type ComplianceTick, complianceCase, compliancePeerIds, describeError, type RuleCheck } from './compliance-case.js'

/** How a {@link discoveryPluginCompliance} suite gets, drives and cleans up the plugin under test. */
export interface DiscoveryComplianceSetup {
  /**
   * A new, unstarted plugin. Called one or more times per case; the suite stops every plugin
   * it created before the case ends.
   */
  create(): Promise<DiscoveryPlugin>
  /**
   * The id of a peer that every plugin made by `create` finds once started: a bootstrap
   * entry, a record in a file, a second instance answering on the network. The suite needs
   * it to see the plugin report a peer, and sets `context.self` to it to check the plugin
   * filters itself.
   */
  seedPeerId: PeerIdString
  /**
   * The id the plugin should take for its own in the other cases (`context.self`). Default:
   * a fixed id that is no one's. Set it when the plugin's components already name a peer id
   * (the addresses it announces, say), so that `self` agrees with them.
   */
  self?: PeerIdString
  /** See {@link ComplianceTick}: moves a virtual clock while the suite waits. */
  tick?: ComplianceTick
  /** Called at the end of each case, after the suite stopped the plugins it created. */
  teardown?(): Promise<void>
  /**
   * How long the plugin may take to find the seed peer, and `stop` to resolve. Default 5000 ms.
   * A failing case waits this long, so keep it well under the test runner's own timeout.
   */
  timeoutMs?: number
  /** How long `start` may take to resolve. Default 2000 ms. */
  startTimeoutMs?: number
  /**
   * The shortest time the suite watches for `peerFound` calls that must not happen (after
   * `stop`, with `self` set to the seed peer, after an aborted start). The suite watches at
   * least three times as long as the plugin took to find the seed peer in the same case, so a
   * slow plugin is watched long enough to be caught. Default 500 ms.
   */
  quietMs?: number
}

/** The rules the discovery suite checks; each is the name of one {@link ComplianceCase}. */
export const discoveryComplianceRules = {
  name: 'has a non-empty name that does not change',
  startPromptly: 'start resolves promptly, without waiting for peers',
  reportsPeers: 'reports the peers it finds through peerFound',
  wellFormedPeers: 'reports each peer with a string id and string[] multiaddrs of that peer',
  neverSelf: 'never reports context.self',
  stopWithoutStart: 'stop may be called without start',
  stopIdempotent: 'stop is idempotent',
  quietAfterStop: 'does not call peerFound after stop resolves',
  restart: 'can be started again after stop',
  abortedStart: 'start with an aborted signal rejects with the signal\'s reason and leaves the plugin stopped'
} as const

const CONTRACT = 'DiscoveryPlugin'
const DEFAULT_TIMEOUT_MS = 5000
const DEFAULT_START_TIMEOUT_MS = 2000
const DEFAULT_QUIET_MS = 500
/** A plugin that took `t` ms to find the seed peer is watched at least this many times `t`. */
const QUIET_FACTOR = 3

/** A {@link DiscoveryContext} that records every `peerFound` call, and never throws. */
class RecordingContext implements DiscoveryContext {
  /** Every value passed to `peerFound`, as passed (a broken plugin may pass anything). */
  readonly found: unknown[] = []

  constructor (readonly self: PeerIdString) {}

  /** An own property, so a plugin may also call it detached from the context. */
  readonly peerFound = (peer: DiscoveredPeer): void => {
    this.found.push(peer)
  }

  has (id: PeerIdString): boolean {
    return this.found.some(peer => idOf(peer) === id)
  }

  ids (): string {
    const ids = [...new Set(this.found.map(idOf))]
    return ids.length === 0 ? 'none' : ids.join(', ')
  }
}

function idOf (peer: unknown): unknown {
  return typeof peer === 'object' && peer !== null ? (peer as { id?: unknown }).id : undefined
}

/** Why `peer` is not a well-formed {@link DiscoveredPeer}, or undefined when it is. */
function malformation (peer: unknown): string | undefined {
  if (typeof peer !== 'object' || peer === null) return `peerFound was called with ${String(peer)}`
  const { id, addresses } = peer as { id?: unknown, addresses?: unknown }
  if (typeof id !== 'string' || id.length === 0) return `peerFound was called with id ${JSON.stringify(id)}`
  if (!Array.isArray(addresses)) return `peer ${id} was reported with addresses ${JSON.stringify(addresses)}, not a string[]`
  for (const address of addresses as unknown[]) {
    if (typeof address !== 'string') return `peer ${id} was reported with the address ${JSON.stringify(address)}, not a string`
    let last: string | undefined
    try {
      last = multiaddr(address).getComponents().findLast(c => c.name === 'p2p')?.value
    } catch (err) {
      return `peer ${id} was reported with "${address}", which is not a multiaddr (${describeError(err)})`
    }
    if (last !== undefined && last !== id) return `peer ${id} was reported with "${address}", an address of peer ${last}`
  }
  return undefined
}

/**
 * The {@link DiscoveryPlugin} compliance suite: one {@link ComplianceCase} per rule of the
 * contract (see {@link discoveryComplianceRules}). Hand each case to your test runner.
 */
export function discoveryPluginCompliance (setup: DiscoveryComplianceSetup): ComplianceCase[] {
  const timeoutMs = setup.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const startTimeoutMs = setup.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS
  const quietMs = setup.quietMs ?? DEFAULT_QUIET_MS
  const seed = setup.seedPeerId
  const rules = discoveryComplianceRules

  const selfId = async (): Promise<PeerIdString> => {
    const self = setup.self ?? (await compliancePeerIds())[0]
    if (self === seed) throw new RangeError(`the setup's self and seedPeerId are the same peer (${seed}); the plugin would never report it`)
    return self
  }

  type Using = (plugin: DiscoveryPlugin) => DiscoveryPlugin
  const discoveryCase = (rule: string, body: (check: RuleCheck, using: Using) => Promise<void>): ComplianceCase =>
    complianceCase<DiscoveryPlugin>({ contract: CONTRACT, rule, tick: setup.tick, timeoutMs, teardown: setup.teardown, body })

  const start = async (check: RuleCheck, plugin: DiscoveryPlugin, context: DiscoveryContext): Promise<void> => {
    await check.call('start()', startTimeoutMs, async () => { await plugin.start(context) })
  }
  const stop = async (check: RuleCheck, plugin: DiscoveryPlugin, what = 'stop()'): Promise<void> => {
    await check.call(what, timeoutMs, async () => { await plugin.stop() })
  }
  /** Wait for `context` to hear of the seed peer; returns how long that took. */
  const findSeed = async (check: RuleCheck, context: RecordingContext, where = ''): Promise<number> =>
    await check.eventually(() => context.has(seed), timeoutMs,
      () => `the seed peer ${seed} was not reported${where} within ${timeoutMs} ms (reported: ${context.ids()})`)
  const quietWindow = (findMs: number): number => Math.max(quietMs, QUIET_FACTOR * findMs)
  /** Fail when `context` got more than `count` calls. */
  const noCallsAfter = (check: RuleCheck, context: RecordingContext, count: number, when: string) => () => {
    check.that(context.found.length === count, () => `peerFound was called ${when} (with ${context.found.slice(count).map(idOf).join(', ')})`)
  }

  return [
    discoveryCase(rules.name, async (check, using) => {
      const plugin = using(await setup.create())
      const name = plugin.name
      check.that(typeof name === 'string' && name.trim().length > 0, `name is ${JSON.stringify(name)}`)
      await start(check, plugin, new RecordingContext(await selfId()))
      check.that(plugin.name === name, () => `name changed from "${name}" to "${plugin.name}" at start()`)
      await stop(check, plugin)
      check.that(plugin.name === name, () => `name changed from "${name}" to "${plugin.name}" at stop()`)
      const other = using(await setup.create())
      check.that(other.name === name, () => `a second instance is named "${other.name}", the first "${name}"`)
    }),

    discoveryCase(rules.startPromptly, async (check, using) => {
      const plugin = using(await setup.create())
      // With self set to the only peer it can find, a plugin that waits for a peer never resolves.
      await start(check, plugin, new RecordingContext(seed))
    }),

    discoveryCase(rules.reportsPeers, async (check, using) => {
      const plugin = using(await setup.create())
      const context = new RecordingContext(await selfId())
      await start(check, plugin, context)
      await findSeed(check, context)
    }),

    discoveryCase(rules.wellFormedPeers, async (check, using) => {
      const plugin = using(await setup.create())
      const context = new RecordingContext(await selfId())
      await start(check, plugin, context)
      await findSeed(check, context)
      for (const peer of context.found) {
        const problem = malformation(peer)
        check.that(problem === undefined, () => problem ?? '')
      }
    }),

    discoveryCase(rules.neverSelf, async (check, using) => {
      // First learn how long this plugin takes to find the seed peer, to watch long enough.
      const control = using(await setup.create())
      const controlContext = new RecordingContext(await selfId())
      await start(check, control, controlContext)
      const findMs = await findSeed(check, controlContext, ' with another self')
      await stop(check, control)

      const plugin = using(await setup.create())
      const context = new RecordingContext(seed)
      await start(check, plugin, context)
      await check.during(quietWindow(findMs), () => {
        check.that(!context.has(seed), `reported context.self (${seed}) through peerFound`)
      })
    }),

    discoveryCase(rules.stopWithoutStart, async (check, using) => {
      const plugin = using(await setup.create())
      await stop(check, plugin, 'stop() without a prior start()')
    }),

    discoveryCase(rules.stopIdempotent, async (check, using) => {
      const plugin = using(await setup.create())
      const context = new RecordingContext(await selfId())
      await start(check, plugin, context)
      await findSeed(check, context)
      await stop(check, plugin, 'the first stop()')
      await stop(check, plugin, 'a second stop()')
    }),

    discoveryCase(rules.quietAfterStop, async (check, using) => {
      const plugin = using(await setup.create())
      const context = new RecordingContext(await selfId())
      await start(check, plugin, context)
      const findMs = await findSeed(check, context)
      await stop(check, plugin)
      await check.during(quietWindow(findMs), noCallsAfter(check, context, context.found.length, 'after stop() resolved'))
    }),

    discoveryCase(rules.restart, async (check, using) => {
      const plugin = using(await setup.create())
      const first = new RecordingContext(await selfId())
      await start(check, plugin, first)
      const findMs = await findSeed(check, first)
      await stop(check, plugin)
      const quietFirst = noCallsAfter(check, first, first.found.length, 'on the first start\'s context after stop() resolved')

      const second = new RecordingContext(first.self)
      await check.call('start() after stop()', startTimeoutMs, async () => { await plugin.start(second) })
      await check.eventually(() => second.has(seed), timeoutMs,
        () => `the seed peer ${seed} was not reported after the restart within ${timeoutMs} ms (reported: ${second.ids()})`, quietFirst)
      await check.during(quietWindow(findMs), quietFirst)
    }),

    discoveryCase(rules.abortedStart, async (check, using) => {
      const plugin = using(await setup.create())
      const aborted = new RecordingContext(await selfId())
      const controller = new AbortController()
      const reason = new Error('aborted by the compliance suite')
      reason.name = 'AbortError'
      controller.abort(reason)
      const outcome = await check.settle('start() with an aborted signal', startTimeoutMs,
        async () => { await plugin.start(aborted, { signal: controller.signal }) })
      check.that(!outcome.resolved, 'start() with an already-aborted signal resolved')
      if (!outcome.resolved) {
        check.that(outcome.error === reason, () => `start() rejected with ${describeError(outcome.error)}, not the signal's reason`)
      }

      // Stopped means: the aborted start's context never hears from it, and a new start works.
      const quietAborted = noCallsAfter(check, aborted, 0, 'on the context of a start() that was aborted')
      const context = new RecordingContext(aborted.self)
      await check.call('start() after an aborted start()', startTimeoutMs, async () => { await plugin.start(context) })
      const findMs = await check.eventually(() => context.has(seed), timeoutMs,
        () => `the seed peer ${seed} was not reported after an aborted start() within ${timeoutMs} ms (reported: ${context.ids()})`, quietAborted)
      await check.during(quietWindow(findMs), quietAborted)
    })
  ]
}
