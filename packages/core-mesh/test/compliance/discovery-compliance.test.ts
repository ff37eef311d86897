import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { discoveryComplianceRules as rules, discoveryPluginCompliance, type ComplianceCase, type DiscoveryComplianceSetup } from '../../src/compliance/index.js'
import { bootstrapDiscovery } from '../../src/discovery/bootstrap.js'
import { ComplianceError } from '../../src/errors.js'
import type { AbortOptions } from '../../src/interfaces/abort.js'
import type { Clock, TimerHandle } from '../../src/interfaces/clock.js'
import type { DiscoveryContext, DiscoveryPlugin } from '../../src/interfaces/discovery.js'
import { systemClock } from '../../src/system-clock.js'
import { VirtualClock } from '../../src/testkit/virtual-clock.js'

const newPeerId = async (): Promise<string> => peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
const seedPeerId = await newPeerId()
const otherPeerId = await newPeerId()
const bootstrapList = [`/ip4/127.0.0.1/tcp/4001/p2p/${seedPeerId}`, `/ip4/127.0.0.1/tcp/4002/p2p/${otherPeerId}`]
const INTERVAL_MS = 1000

describe('the discovery compliance suite against BootstrapDiscovery on a virtual clock', () => {
  const clock = new VirtualClock()
  const cases = discoveryPluginCompliance({
    create: async () => bootstrapDiscovery({ list: bootstrapList, intervalMs: INTERVAL_MS })({ clock }),
    seedPeerId,
    tick: () => { clock.advance(INTERVAL_MS) }
  })

  it('has a case for every rule', () => {
    expect(cases.map(c => c.name)).toEqual(Object.values(rules))
  })

  for (const c of cases) it(c.name, c.run)
})

describe('the discovery compliance suite against BootstrapDiscovery on the wall clock', () => {
  const cases = discoveryPluginCompliance({
    create: async () => bootstrapDiscovery({ list: bootstrapList, intervalMs: 50 })({ clock: systemClock }),
    seedPeerId,
    quietMs: 200
  })

  for (const c of cases) it(c.name, c.run)
})

type Flaw = 'reports-self' | 'reports-after-stop' | 'waits-for-a-peer' | 'ignores-abort' | 'foreign-address' | 'fails-stop-without-start'

/**
 * A bootstrap-like plugin with one deliberate flaw: it announces `seedPeerId` at start and every
 * interval on the clock it is given.
 */
class FlawedDiscovery implements DiscoveryPlugin {
  readonly name = 'flawed'
  private context: DiscoveryContext | undefined
  private timer: TimerHandle | undefined

  constructor (private readonly flaw: Flaw, private readonly clock: Clock) {}

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    if (this.flaw !== 'ignores-abort') options?.signal?.throwIfAborted()
    this.context = context
    const announce = (): void => {
      const peer = this.flaw === 'foreign-address'
        ? { id: seedPeerId, addresses: [`/ip4/127.0.0.1/tcp/4002/p2p/${otherPeerId}`] }
        : { id: seedPeerId, addresses: [bootstrapList[0]] }
      if (peer.id !== context.self || this.flaw === 'reports-self') context.peerFound(peer)
      this.timer = this.clock.setTimeout(announce, INTERVAL_MS)
    }
    announce()
    if (this.flaw === 'waits-for-a-peer') await new Promise(() => {})
  }

  async stop (): Promise<void> {
    if (this.flaw === 'fails-stop-without-start' && this.context === undefined) throw new Error('not started')
    // The leaky variant forgets the pending timer, whose closure still holds the context.
    if (this.flaw !== 'reports-after-stop') this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }
}

function flawedSuite (flaw: Flaw, options: Partial<DiscoveryComplianceSetup> = {}): ComplianceCase[] {
  const clock = new VirtualClock()
  return discoveryPluginCompliance({
    create: async () => new FlawedDiscovery(flaw, clock),
    seedPeerId,
    tick: () => { clock.advance(INTERVAL_MS) },
    timeoutMs: 1000,
    startTimeoutMs: 300,
    quietMs: 100,
    ...options
  })
}

function caseFor (cases: ComplianceCase[], rule: string): ComplianceCase {
  const found = cases.find(c => c.name === rule)
  if (found === undefined) throw new Error(`no case named "${rule}"`)
  return found
}

async function expectBroken (c: ComplianceCase, detail: string): Promise<void> {
  const run = c.run()
  await expect(run).rejects.toThrow(ComplianceError)
  await expect(run).rejects.toThrow(`DiscoveryPlugin breaks "${c.name}": `)
  await expect(run).rejects.toThrow(detail)
}

describe('the discovery compliance suite against deliberately broken plugins', () => {
  it('fails a plugin that reports context.self', async () => {
    await expectBroken(caseFor(flawedSuite('reports-self'), rules.neverSelf), `reported context.self (${seedPeerId})`)
  })

  it('fails a plugin that calls peerFound after stop resolved', async () => {
    await expectBroken(caseFor(flawedSuite('reports-after-stop'), rules.quietAfterStop), 'peerFound was called after stop() resolved')
  })

  it('fails a plugin whose start waits for a peer', async () => {
    await expectBroken(caseFor(flawedSuite('waits-for-a-peer'), rules.startPromptly), 'start() did not settle within 300 ms')
  })

  it('fails a plugin that starts although its signal was aborted', async () => {
    await expectBroken(caseFor(flawedSuite('ignores-abort'), rules.abortedStart), 'start() with an already-aborted signal resolved')
  })

  it('fails a plugin that reports a peer with another peer\'s address', async () => {
    await expectBroken(caseFor(flawedSuite('foreign-address'), rules.wellFormedPeers), `an address of peer ${otherPeerId}`)
  })

  it('fails a plugin whose stop rejects without a prior start', async () => {
    await expectBroken(caseFor(flawedSuite('fails-stop-without-start'), rules.stopWithoutStart), 'stop() without a prior start() rejected with Error: not started')
  })

  it('fails a plugin that never reports the seed peer, naming what it reported', async () => {
    const cases = flawedSuite('reports-self', { seedPeerId: otherPeerId })
    await expectBroken(caseFor(cases, rules.reportsPeers), `the seed peer ${otherPeerId} was not reported within 1000 ms (reported: ${seedPeerId})`)
  })

  it('passes the rules a flawed plugin does keep', async () => {
    const cases = flawedSuite('reports-after-stop')
    await caseFor(cases, rules.neverSelf).run()
    await caseFor(cases, rules.wellFormedPeers).run()
  })
})
