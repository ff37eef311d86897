import { describe, expect, it } from '@jest/globals'
import { routerComplianceRules as rules, routerPluginCompliance, type ComplianceCase, type RouterComplianceSetup } from '../../src/compliance/index.js'
import { ComplianceError } from '../../src/errors.js'
import type { PeerIdString } from '../../src/interfaces/peer.js'
import type { LinkEvent, RouteEntry, RouterPlugin } from '../../src/interfaces/router.js'
import { directRouter } from '../../src/router/direct-router.js'

describe('the router compliance suite against DirectRouter', () => {
  const cases = routerPluginCompliance({ create: async () => directRouter()({}) })

  it('has a case for every rule', () => {
    expect(cases.map(c => c.name)).toEqual(Object.values(rules))
  })

  for (const c of cases) it(c.name, c.run)
})

type Flaw = 'keeps-downed-links' | 'routes-to-self' | 'rtt-brings-link-up' | 'slow-next-hop' | 'routes-table-lies' | 'throws-on-unknown-rtt' | 'remembers-links-across-restart'

/** A direct router with one deliberate flaw. */
class FlawedRouter implements RouterPlugin {
  readonly name = 'flawed'
  private readonly links = new Map<PeerIdString, number>()
  private self: PeerIdString | undefined

  constructor (private readonly flaw: Flaw) {}

  async start (self: PeerIdString): Promise<void> {
    this.self = self
  }

  async stop (): Promise<void> {
    if (this.flaw !== 'remembers-links-across-restart') this.links.clear()
  }

  onLink (event: LinkEvent): void {
    if (event.peer === this.self && this.flaw !== 'routes-to-self') return
    if (event.type === 'down') {
      if (this.flaw !== 'keeps-downed-links') this.links.delete(event.peer)
    } else if (event.type === 'up') {
      this.links.set(event.peer, event.rttMs ?? 1)
    } else if (this.links.has(event.peer) || this.flaw === 'rtt-brings-link-up') {
      this.links.set(event.peer, event.rttMs)
    } else if (this.flaw === 'throws-on-unknown-rtt') {
      throw new Error(`no link to ${event.peer}`)
    }
  }

  nextHop (destination: PeerIdString): PeerIdString | undefined {
    if (this.flaw === 'slow-next-hop') {
      const until = performance.now() + 0.05
      while (performance.now() < until) this.links.has(destination)
    }
    return this.links.has(destination) ? destination : undefined
  }

  routes (): RouteEntry[] {
    const entries = [...this.links].map(([peer, cost]) => ({ destination: peer, nextHop: peer, cost, path: [peer] }))
    if (this.flaw === 'routes-table-lies') entries.push({ destination: 'nowhere', nextHop: entries[0]?.nextHop ?? 'nobody', cost: 1, path: ['nowhere'] })
    return entries
  }
}

function flawedSuite (flaw: Flaw, options: Partial<RouterComplianceSetup> = {}): ComplianceCase[] {
  return routerPluginCompliance({ create: async () => new FlawedRouter(flaw), settleMs: 200, ...options })
}

function caseFor (cases: ComplianceCase[], rule: string): ComplianceCase {
  const found = cases.find(c => c.name === rule)
  if (found === undefined) throw new Error(`no case named "${rule}"`)
  return found
}

async function expectBroken (c: ComplianceCase, detail: string): Promise<void> {
  const run = c.run()
  await expect(run).rejects.toThrow(ComplianceError)
  await expect(run).rejects.toThrow(`RouterPlugin breaks "${c.name}": `)
  await expect(run).rejects.toThrow(detail)
}

describe('the router compliance suite against deliberately broken routers', () => {
  it('fails a router that still answers a peer whose link went down', async () => {
    await expectBroken(caseFor(flawedSuite('keeps-downed-links'), rules.neverDown), 'whose link went down')
  })

  it('fails a router that answers the local peer', async () => {
    await expectBroken(caseFor(flawedSuite('routes-to-self'), rules.neverSelf), 'answered the local peer')
  })

  it('fails a router that takes an rtt event for a link coming up', async () => {
    await expectBroken(caseFor(flawedSuite('rtt-brings-link-up'), rules.tolerantOnLink), 'which has no up link')
  })

  it('fails a router whose onLink throws on an rtt for an unknown peer', async () => {
    await expectBroken(caseFor(flawedSuite('throws-on-unknown-rtt'), rules.tolerantOnLink), 'threw Error: no link to')
  })

  it('fails a router whose routes() lists a destination nextHop does not answer', async () => {
    await expectBroken(caseFor(flawedSuite('routes-table-lies'), rules.routesAgree), 'routes() has {"destination":"nowhere"')
  })

  it('fails a router that keeps links from before a restart that were not replayed', async () => {
    await expectBroken(caseFor(flawedSuite('remembers-links-across-restart'), rules.restart), 'which has no up link')
  })

  it('fails a router whose nextHop is slow', async () => {
    await expectBroken(caseFor(flawedSuite('slow-next-hop'), rules.cheapNextHop), 'over the 100 ms budget')
  })

  it('passes the rules a flawed router does keep', async () => {
    const cases = flawedSuite('keeps-downed-links')
    await caseFor(cases, rules.neverSelf).run()
    await caseFor(cases, rules.routesNeighbours).run()
  })
})
