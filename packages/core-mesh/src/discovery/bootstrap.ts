import { multiaddr } from '@multiformats/multiaddr'
import { InvalidConfigError } from '../errors.js'
import type { AbortOptions } from '../interfaces/abort.js'
import type { Clock, TimerHandle } from '../interfaces/clock.js'
import type { DiscoveredPeer, DiscoveryContext, DiscoveryPlugin } from '../interfaces/discovery.js'
import { defineService, type ServiceFactory } from '../interfaces/service.js'

export interface BootstrapDiscoveryInit {
  /** Multiaddrs ending in `/p2p/<peer id>`. */
  list: string[]
  /** Report the list again this often so lost peers are re-dialled (0: only at start). */
  intervalMs?: number
}

/** Parse `…/p2p/<id>` multiaddrs into peers, merging addresses of the same peer. */
export function peersFromMultiaddrs (addresses: readonly string[]): DiscoveredPeer[] {
  const byId = new Map<string, DiscoveredPeer>()
  for (const address of addresses) {
    let id: string | undefined
    try {
      id = multiaddr(address).getComponents().findLast(c => c.name === 'p2p')?.value
    } catch (err) {
      throw new InvalidConfigError(`bootstrap address "${address}" is not a multiaddr`, { cause: err })
    }
    if (id === undefined) throw new InvalidConfigError(`bootstrap address "${address}" has no /p2p/<peer id>`)
    const peer = byId.get(id) ?? { id, addresses: [] }
    peer.addresses.push(address)
    byId.set(id, peer)
  }
  return [...byId.values()]
}

/** Reports a fixed list of peers at start and then every `intervalMs`. */
export class BootstrapDiscovery implements DiscoveryPlugin {
  readonly name = 'bootstrap'
  private readonly peers: DiscoveredPeer[]
  private timer: TimerHandle | undefined
  private context: DiscoveryContext | undefined

  constructor (private readonly clock: Clock, private readonly init: BootstrapDiscoveryInit) {
    this.peers = peersFromMultiaddrs(init.list)
  }

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.stop()
    this.context = context
    this.announce()
  }

  async stop (): Promise<void> {
    this.context = undefined
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
  }

  private announce (): void {
    const context = this.context
    if (context === undefined) return
    for (const peer of this.peers) {
      if (peer.id !== context.self) context.peerFound({ id: peer.id, addresses: [...peer.addresses] })
    }
    const interval = this.init.intervalMs ?? 0
    if (interval > 0) this.timer = this.clock.setTimeout(() => { this.announce() }, interval)
  }
}

export function bootstrapDiscovery (init: BootstrapDiscoveryInit): ServiceFactory<BootstrapDiscovery, { clock: Clock }> {
  return defineService({ name: 'bootstrap-discovery', needs: ['clock'] }, ({ clock }: { clock: Clock }) => new BootstrapDiscovery(clock, init))
}
