import { peersFromMultiaddrs, type AbortOptions, type Clock, type DiscoveryContext, type DiscoveryPlugin, type RandomSource } from '@meshwork/core-mesh'
import type { KadService } from './kad-binding.js'

export interface DhtDiscoveryInit {
  /** Time between random walks, in ms. */
  intervalMs: number
  /** Bootstrap multiaddrs (with `/p2p/<id>`), reported at every start. */
  bootstrap: string[]
  /** Each walk may take this long, in ms. */
  walkTimeoutMs: number
}

/** The first walk runs this soon after start, so a new node fills its table quickly. */
const FIRST_WALK_MS = 250

/**
 * DiscoveryPlugin on the DHT: reports the bootstrap peers, then walks the DHT towards a random
 * key every `intervalMs` and reports the closest peers it finds there. The node dials what it
 * reports, which fills the routing table. Peers merely mentioned in query responses are not
 * reported: the node would dial every one of them and grow towards a full mesh.
 */
export class DhtDiscovery implements DiscoveryPlugin {
  readonly name = 'dht'
  private context: DiscoveryContext | undefined
  private timer: unknown
  private walk: AbortController | undefined
  /** Bumped by every start and stop, so a walk from an earlier run never schedules another. */
  private run = 0

  constructor (
    /** The kad-dht service of the node this plugin discovers for. */
    private readonly kad: () => KadService,
    private readonly init: DhtDiscoveryInit,
    private readonly clock: Clock,
    private readonly random: RandomSource
  ) {}

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.stop()
    const bootstrap = peersFromMultiaddrs(this.init.bootstrap)
    this.context = context
    const run = ++this.run
    for (const peer of bootstrap) this.report(peer.id, peer.addresses)
    this.schedule(FIRST_WALK_MS, run)
  }

  async stop (): Promise<void> {
    if (this.context === undefined) return
    this.context = undefined
    this.run++
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = undefined
    this.walk?.abort()
    this.walk = undefined
  }

  private schedule (delayMs: number, run: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined
      void this.randomWalk().finally(() => { if (this.run === run) this.schedule(this.init.intervalMs, run) })
    }, delayMs)
  }

  /** One walk towards a random key: every peer met on the way is reported. */
  private async randomWalk (): Promise<void> {
    const controller = new AbortController()
    this.walk = controller
    const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(this.init.walkTimeoutMs)])
    const key = new Uint8Array(32)
    for (let i = 0; i < key.length; i++) key[i] = Math.floor(this.random.next() * 256)
    try {
      for await (const event of this.kad().getClosestPeers(key, { signal })) {
        if (this.context === undefined) break
        if (event.name === 'FINAL_PEER') this.report(event.peer.id.toString(), event.peer.multiaddrs.map(a => a.toString()))
      }
    } catch {
      // A walk that fails or times out finds nothing; the next one tries again.
    } finally {
      if (this.walk === controller) this.walk = undefined
    }
  }

  private report (id: string, addresses: string[]): void {
    const context = this.context
    if (context === undefined || id === context.self) return
    context.peerFound({ id, addresses: addresses.map(a => a.includes('/p2p/') ? a : `${a}/p2p/${id}`) })
  }
}
