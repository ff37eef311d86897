import type { PeerIdString } from '../interfaces/peer.js'
import type { LinkEvent, RouterPlugin } from '../interfaces/router.js'
import { type ComplianceCase, type ComplianceTick, complianceCase, compliancePeerIds, describeError, type RuleCheck } from './compliance-case.js'

/** How a {@link routerPluginCompliance} suite gets, drives and cleans up the router under test. */
export interface RouterComplianceSetup {
  /**
   * A new, unstarted router. Called one or more times per case; the suite stops every router
   * it started before the case ends.
   */
  create(): Promise<RouterPlugin>
  /** See {@link ComplianceTick}: moves a virtual clock while the suite waits. */
  tick?: ComplianceTick
  /** Called at the end of each case, after the suite stopped the routers it started. */
  teardown?(): Promise<void>
  /**
   * How long the router may take to answer for a destination after the link events that make
   * it reachable (a router may schedule its recomputation), and how long `start` / `stop` may
   * take. Default 1000 ms. Safety rules (never the local peer, never a downed peer) are
   * checked at once, not after this delay.
   */
  settleMs?: number
  /**
   * The most that 10 000 `nextHop` calls over 32 up neighbours may take, best of three
   * rounds. A sanity bound, not a benchmark. Default 100 ms.
   */
  nextHopBudgetMs?: number
}

/** The rules the router suite checks; each is the name of one {@link ComplianceCase}. */
export const routerComplianceRules = {
  name: 'has a non-empty name that does not change',
  startStop: 'start and stop resolve, and stop is idempotent',
  noLinks: 'nextHop answers undefined while no link is up',
  routesNeighbours: 'nextHop answers a peer with an up link for a neighbour whose link is up',
  neverSelf: 'nextHop never answers the local peer',
  neverDown: 'nextHop never answers a peer whose link went down',
  routesAgree: 'routes() lists what nextHop answers',
  tolerantOnLink: 'onLink takes duplicate, unknown and self events without throwing',
  restart: 'after stop and start it routes over the replayed links only',
  swap: 'a new instance fed the current links answers as the old one did',
  cheapNextHop: 'nextHop is cheap'
} as const

const CONTRACT = 'RouterPlugin'
const DEFAULT_SETTLE_MS = 1000
const DEFAULT_NEXT_HOP_BUDGET_MS = 100
const NEXT_HOP_CALLS = 10_000
const NEXT_HOP_ROUNDS = 3
const NEXT_HOP_NEIGHBOURS = 32

/** The links as the node would know them from the events the suite fed the router. */
class LinkMirror {
  /** Peers whose last event was `up`, with the last rtt heard; never the local peer. */
  readonly up = new Map<PeerIdString, number | undefined>()
  /** Peers whose link went down and did not come back up. */
  readonly downed = new Set<PeerIdString>()

  constructor (readonly self: PeerIdString) {}

  apply (event: LinkEvent): void {
    if (event.peer === this.self) return
    if (event.type === 'up') {
      this.up.set(event.peer, event.rttMs)
      this.downed.delete(event.peer)
    } else if (event.type === 'down') {
      if (this.up.delete(event.peer)) this.downed.add(event.peer)
    } else if (this.up.has(event.peer)) {
      this.up.set(event.peer, event.rttMs)
    }
  }

  /** What the node replays into a new or restarted router: one `up` per current link. */
  replay (): LinkEvent[] {
    return [...this.up].map(([peer, rttMs]) => rttMs === undefined ? { type: 'up', peer } : { type: 'up', peer, rttMs })
  }
}

/** Drives one router and checks every answer it gives against the links it was told of. */
class RouterDriver {
  links: LinkMirror

  constructor (readonly router: RouterPlugin, readonly self: PeerIdString, private readonly check: RuleCheck, private readonly settleMs: number) {
    this.links = new LinkMirror(self)
  }

  async start (what = 'start()'): Promise<void> {
    this.links = new LinkMirror(this.self)
    await this.check.call(what, this.settleMs, async () => { await this.router.start(this.self) })
  }

  async stop (what = 'stop()'): Promise<void> {
    await this.check.call(what, this.settleMs, async () => { await this.router.stop() })
  }

  feed (...events: LinkEvent[]): void {
    for (const event of events) {
      this.links.apply(event)
      try {
        this.router.onLink(event)
      } catch (err) {
        throw this.check.broken(`onLink(${JSON.stringify(event)}) threw ${describeError(err)}`, err)
      }
    }
  }

  /** `nextHop(destination)`, failing the case if the answer breaks a safety rule. */
  hop (destination: PeerIdString): PeerIdString | undefined {
    let hop: unknown
    try {
      hop = this.router.nextHop(destination)
    } catch (err) {
      throw this.check.broken(`nextHop(${destination}) threw ${describeError(err)}`, err)
    }
    if (hop === undefined) return undefined
    const asked = `nextHop(${destination}) answered`
    this.check.that(typeof hop === 'string', () => `${asked} ${JSON.stringify(hop)}, not a peer id`)
    const peer = hop as PeerIdString
    this.check.that(peer !== this.self, `${asked} the local peer`)
    this.check.that(!this.links.downed.has(peer), `${asked} ${peer}, whose link went down`)
    this.check.that(this.links.up.has(peer), `${asked} ${peer}, which has no up link`)
    return peer
  }

  answers (destinations: readonly PeerIdString[]): Map<PeerIdString, PeerIdString | undefined> {
    return new Map(destinations.map(destination => [destination, this.hop(destination)]))
  }

  /** Wait until the router answers for every one of `reachable`, checking every answer meanwhile. */
  async routesTo (reachable: readonly PeerIdString[], asked: readonly PeerIdString[], when: string): Promise<void> {
    const missing = (): PeerIdString[] => reachable.filter(destination => this.hop(destination) === undefined)
    await this.check.eventually(() => missing().length === 0, this.settleMs,
      () => `nextHop stayed undefined for ${missing().join(', ')} ${this.settleMs} ms after ${when}`,
      () => { this.answers(asked) })
  }

  /** Wait until the router answers `expected` for every destination it lists. */
  async answersAs (expected: ReadonlyMap<PeerIdString, PeerIdString | undefined>, when: string): Promise<void> {
    const differences = (): string[] => [...expected].flatMap(([destination, hop]) => {
      const now = this.hop(destination)
      return now === hop ? [] : [`nextHop(${destination}) is ${now} instead of ${hop}`]
    })
    await this.check.eventually(() => differences().length === 0, this.settleMs,
      () => `${when}: ${differences().join('; ')}`)
  }
}

/**
 * The {@link RouterPlugin} compliance suite: one {@link ComplianceCase} per rule of the
 * contract (see {@link routerComplianceRules}). Hand each case to your test runner.
 */
export function routerPluginCompliance (setup: RouterComplianceSetup): ComplianceCase[] {
  const settleMs = setup.settleMs ?? DEFAULT_SETTLE_MS
  const budgetMs = setup.nextHopBudgetMs ?? DEFAULT_NEXT_HOP_BUDGET_MS
  const rules = routerComplianceRules

  interface Peers {
    self: PeerIdString
    a: PeerIdString
    b: PeerIdString
    c: PeerIdString
    d: PeerIdString
    /** Never named in any event. */
    stranger: PeerIdString
    /** Every id above, self included: the destinations the suite asks about. */
    all: PeerIdString[]
  }
  const peers = async (): Promise<Peers> => {
    const [self, a, b, c, d, stranger] = (await compliancePeerIds()).slice(1)
    return { self, a, b, c, d, stranger, all: [self, a, b, c, d, stranger] }
  }

  type Using = (router: RouterPlugin) => RouterPlugin
  /** A case with a started router, stopped when the case ends. */
  const routerCase = (rule: string, body: (check: RuleCheck, driver: RouterDriver, p: Peers, started: () => Promise<RouterDriver>) => Promise<void>): ComplianceCase =>
    complianceCase<RouterPlugin>({
      contract: CONTRACT,
      rule,
      tick: setup.tick,
      timeoutMs: settleMs,
      teardown: setup.teardown,
      body: async (check: RuleCheck, using: Using) => {
        const p = await peers()
        const started = async (): Promise<RouterDriver> => {
          const driver = new RouterDriver(await setup.create(), p.self, check, settleMs)
          await driver.start()
          using(driver.router)
          return driver
        }
        await body(check, await started(), p, started)
      }
    })

  return [
    routerCase(rules.name, async (check, driver) => {
      const name = driver.router.name
      check.that(typeof name === 'string' && name.trim().length > 0, `name is ${JSON.stringify(name)}`)
      await driver.stop()
      check.that(driver.router.name === name, () => `name changed from "${name}" to "${driver.router.name}" at stop()`)
      const other = await setup.create()
      check.that(other.name === name, () => `a second instance is named "${other.name}", the first "${name}"`)
    }),

    routerCase(rules.startStop, async (check, driver) => {
      await driver.stop('the first stop()')
      await driver.stop('a second stop()')
      await driver.start('start() after stop()')
    }),

    routerCase(rules.noLinks, async (check, driver, p) => {
      const expectNone = (when: string): void => {
        for (const [destination, hop] of driver.answers(p.all)) {
          check.that(hop === undefined, `nextHop(${destination}) answered ${hop} ${when}`)
        }
      }
      expectNone('before any link event')
      driver.feed({ type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b })
      await driver.routesTo([p.a, p.b], p.all, 'their links came up')
      driver.feed({ type: 'down', peer: p.a }, { type: 'down', peer: p.b })
      expectNone('after every link went down')
    }),

    routerCase(rules.routesNeighbours, async (check, driver, p) => {
      driver.feed({ type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b }, { type: 'up', peer: p.c, rttMs: 30 })
      await driver.routesTo([p.a, p.b, p.c], p.all, 'their links came up')
    }),

    routerCase(rules.neverSelf, async (check, driver, p) => {
      driver.feed({ type: 'up', peer: p.self, rttMs: 1 }, { type: 'up', peer: p.a, rttMs: 10 }, { type: 'rtt', peer: p.self, rttMs: 2 }, { type: 'up', peer: p.b, rttMs: 20 })
      await driver.routesTo([p.a, p.b], p.all, 'their links came up (and an `up` for the local peer)')
      for (const entry of driver.router.routes()) {
        check.that(entry.nextHop !== p.self, () => `routes() lists the local peer as the next hop to ${entry.destination}`)
      }
    }),

    routerCase(rules.neverDown, async (check, driver, p) => {
      driver.feed({ type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b, rttMs: 5 }, { type: 'up', peer: p.c, rttMs: 30 })
      await driver.routesTo([p.a, p.b, p.c], p.all, 'their links came up')
      driver.feed({ type: 'down', peer: p.b })
      // At once, before any scheduled recomputation: no answer may name b.
      driver.answers(p.all)
      await driver.routesTo([p.a, p.c], p.all, `${p.b}'s link went down`)
      for (const entry of driver.router.routes()) {
        check.that(entry.nextHop !== p.b, () => `routes() lists ${p.b}, whose link went down, as the next hop to ${entry.destination}`)
      }
      driver.feed({ type: 'up', peer: p.b, rttMs: 5 })
      await driver.routesTo([p.a, p.b, p.c], p.all, `${p.b}'s link came back up`)
    }),

    routerCase(rules.routesAgree, async (check, driver, p) => {
      driver.feed(
        { type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b, rttMs: 20 }, { type: 'up', peer: p.c, rttMs: 30 },
        { type: 'down', peer: p.c }, { type: 'rtt', peer: p.a, rttMs: 5 }
      )
      await driver.routesTo([p.a, p.b], p.all, 'their links came up')
      const listed = new Set<PeerIdString>()
      for (const entry of driver.router.routes()) {
        const row = JSON.stringify(entry)
        check.that(!listed.has(entry.destination), `routes() lists ${entry.destination} twice`)
        listed.add(entry.destination)
        const hop = driver.hop(entry.destination)
        check.that(hop === entry.nextHop, `routes() has ${row} but nextHop(${entry.destination}) answers ${hop}`)
        check.that(typeof entry.cost === 'number' && !Number.isNaN(entry.cost), `routes() has ${row}, whose cost is not a number`)
        if (entry.path !== undefined) {
          check.that(entry.path[0] === entry.nextHop && entry.path.at(-1) === entry.destination && !entry.path.includes(p.self),
            `routes() has ${row}, whose path does not run from the next hop to the destination without the local peer`)
        }
      }
      for (const [destination, hop] of driver.answers(p.all)) {
        check.that(hop === undefined || listed.has(destination), `nextHop(${destination}) answers ${hop}, but routes() has no entry for ${destination}`)
      }
    }),

    routerCase(rules.tolerantOnLink, async (check, driver, p) => {
      driver.feed(
        { type: 'rtt', peer: p.stranger, rttMs: 7 },
        { type: 'down', peer: p.d },
        { type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.a, rttMs: 12 }, { type: 'rtt', peer: p.a, rttMs: 9 },
        { type: 'down', peer: p.a }, { type: 'down', peer: p.a },
        { type: 'up', peer: p.self }, { type: 'rtt', peer: p.self, rttMs: 1 }, { type: 'down', peer: p.self }
      )
      // An rtt for a peer without an up link must not bring that link up.
      driver.answers(p.all)
      driver.feed({ type: 'up', peer: p.b, rttMs: 20 })
      await driver.routesTo([p.b], p.all, `${p.b}'s link came up after the odd events`)
    }),

    routerCase(rules.restart, async (check, driver, p) => {
      driver.feed({ type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b, rttMs: 20 }, { type: 'up', peer: p.c, rttMs: 30 }, { type: 'rtt', peer: p.b, rttMs: 15 })
      await driver.routesTo([p.a, p.b, p.c], p.all, 'their links came up')
      const before = driver.answers(p.all)
      const replay = driver.links.replay()

      await driver.stop()
      await driver.start('start() after stop()')
      driver.feed(...replay)
      await driver.answersAs(before, 'after a restart and a replay of the same links')

      // c went down while the router was stopped: the node does not replay it.
      await driver.stop('a second stop()')
      await driver.start('a second start()')
      driver.feed(...replay.filter(event => event.peer !== p.c))
      driver.answers(p.all)
      await driver.routesTo([p.a, p.b], p.all, `a restart and a replay of every link but ${p.c}'s`)
    }),

    routerCase(rules.swap, async (check, driver, p, started) => {
      driver.feed(
        { type: 'up', peer: p.a, rttMs: 10 }, { type: 'up', peer: p.b, rttMs: 20 }, { type: 'up', peer: p.c, rttMs: 30 },
        { type: 'down', peer: p.c }, { type: 'up', peer: p.d, rttMs: 5 }, { type: 'rtt', peer: p.a, rttMs: 3 }
      )
      await driver.routesTo([p.a, p.b, p.d], p.all, 'their links came up')
      const before = driver.answers(p.all)
      await driver.stop()
      const successor = await started()
      successor.feed(...driver.links.replay())
      await successor.answersAs(before, 'a new instance fed the current links')
    }),

    routerCase(rules.cheapNextHop, async (check, driver) => {
      const ids = await compliancePeerIds()
      const neighbours = ids.slice(10, 10 + NEXT_HOP_NEIGHBOURS)
      const strangers = ids.slice(10 + NEXT_HOP_NEIGHBOURS, 10 + 2 * NEXT_HOP_NEIGHBOURS)
      driver.feed(...neighbours.map((peer, i): LinkEvent => ({ type: 'up', peer, rttMs: 5 + i })))
      await driver.routesTo(neighbours, [], `${NEXT_HOP_NEIGHBOURS} links came up`)
      const destinations = neighbours.flatMap((peer, i) => [peer, strangers[i]])
      const router = driver.router
      let best = Infinity
      for (let round = 0; round < NEXT_HOP_ROUNDS; round++) {
        const started = performance.now()
        for (let i = 0; i < NEXT_HOP_CALLS; i++) router.nextHop(destinations[i % destinations.length])
        best = Math.min(best, performance.now() - started)
      }
      check.that(best <= budgetMs, () => `${NEXT_HOP_CALLS} nextHop calls took ${best.toFixed(1)} ms (best of ${NEXT_HOP_ROUNDS}), over the ${budgetMs} ms budget`)
    })
  ]
}
