import { describe, expect, it } from '@jest/globals'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { IdentitySigner, silentLogger, type ChannelHost, type MeshEvents } from '@meshwork/core-mesh'
import { SeededRandom, VirtualClock } from '@meshwork/core-mesh/testkit'
import { MembershipService } from '../../src/membership/membership-service.js'

type Listener = (event: CustomEvent<any>) => void

/** A membership service on fake components: no network, listeners called by the test. */
async function service (): Promise<{ membership: MembershipService, clock: VirtualClock, fire: <K extends keyof MeshEvents>(type: K, detail: MeshEvents[K]) => void, listeners: Map<string, Set<Listener>> }> {
  const clock = new VirtualClock()
  const listeners = new Map<string, Set<Listener>>()
  const channels: ChannelHost = {
    openChannel: async () => { throw new Error('no network here') },
    handle: async () => {},
    unhandle: async () => {},
    connectedPeers: () => [],
    reportViolation: () => {}
  }
  const events = {
    addEventListener: (type: string, listener: Listener) => { listeners.set(type, (listeners.get(type) ?? new Set()).add(listener)) },
    removeEventListener: (type: string, listener: Listener) => { listeners.get(type)?.delete(listener) }
  }
  const signer = new IdentitySigner(await generateKeyPair('Ed25519'))
  const membership = new MembershipService({ peerId: signer.peerId, addresses: () => [], clock, random: new SeededRandom(1), channels, events: events as any, logger: silentLogger, signer }, { leavePropagateMs: 60_000 })
  const fire = <K extends keyof MeshEvents>(type: K, detail: MeshEvents[K]): void => {
    for (const listener of listeners.get(type) ?? []) listener(new CustomEvent(type, { detail }))
  }
  return { membership, clock, fire, listeners }
}

describe('MembershipService on fake components', () => {
  it('never throws from its node event listeners, even while leaving', async () => {
    const { membership, fire } = await service()
    await membership.start()
    const leaving = membership.leave()
    expect(() => { fire('peer:connect', { peer: '12D3KooWNewcomerNewcomerNewcomerNewcomerNewcomer1' }) }).not.toThrow()
    expect(() => { fire('peer:disconnect', { peer: '12D3KooWNewcomerNewcomerNewcomerNewcomerNewcomer1' }) }).not.toThrow()
    await membership.stop()
    await leaving
  })

  it('stop() ends a leave that is still waiting, and removes its listeners and timers', async () => {
    const { membership, clock, listeners } = await service()
    await membership.start()
    let done = false
    const leaving = membership.leave().then(() => { done = true })
    await membership.stop()
    await leaving
    expect(done).toBe(true)
    expect([...listeners.values()].every(set => set.size === 0)).toBe(true)
    expect(clock.pendingTimers).toBe(0)
  })
})
