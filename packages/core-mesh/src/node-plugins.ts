import { floodBroadcast } from './broadcast/flood-broadcast.js'
import type { MeshConfig } from './config.js'
import { bootstrapDiscovery } from './discovery/bootstrap.js'
import { mdnsDiscovery } from './discovery/mdns.js'
import type { AbortOptions } from './interfaces/abort.js'
import type { Broadcast } from './interfaces/broadcast.js'
import type { DiscoveredPeer, DiscoveryPlugin } from './interfaces/discovery.js'
import type { Logger } from './interfaces/observability.js'
import type { RouterPlugin } from './interfaces/router.js'
import type { MeshComponents, ServiceFactory } from './interfaces/service.js'
import { directRouter } from './router/direct-router.js'
import { createServices } from './service-graph.js'

/** Bootstrap peers are re-announced this often, so lost ones are dialled again. */
const BOOTSTRAP_REANNOUNCE_MS = 30_000

interface Startable { start?: (options?: AbortOptions) => unknown, stop?: (options?: AbortOptions) => unknown }

/**
 * The node's plugins and services, from the config's factories: created in dependency order,
 * started router → broadcast → services → discovery (so discovered peers meet a ready node),
 * stopped in the reverse order.
 */
export class NodePlugins {
  router: RouterPlugin | undefined
  broadcast: Broadcast | undefined
  readonly byName = new Map<string, unknown>()
  private discovery: DiscoveryPlugin[] = []
  private services: Startable[] = []

  async start (
    config: MeshConfig,
    components: MeshComponents,
    peerFound: (source: string, peer: DiscoveredPeer) => void,
    options?: AbortOptions
  ): Promise<void> {
    const discoveryFactories: Array<ServiceFactory<DiscoveryPlugin, any>> = [...(config.discovery ?? [])]
    if (config.mdns === true) discoveryFactories.push(mdnsDiscovery())
    if ((config.bootstrap ?? []).length > 0) {
      discoveryFactories.push(bootstrapDiscovery({ list: config.bootstrap ?? [], intervalMs: BOOTSTRAP_REANNOUNCE_MS }))
    }
    const routerFactory = config.router ?? directRouter()
    const broadcastFactory = config.broadcast ?? floodBroadcast()
    const others = config.services ?? []
    const { instances } = createServices(components as unknown as Record<string, unknown>,
      [routerFactory, broadcastFactory, ...others, ...discoveryFactories])
    for (const [factory, instance] of instances) this.byName.set(factory.meta.name, instance)

    this.router = instances.get(routerFactory) as RouterPlugin
    await this.router.start(components.peerId, options)
    this.broadcast = instances.get(broadcastFactory) as Broadcast
    await this.broadcast.start(options)
    this.services = others.map(f => instances.get(f) as Startable)
    for (const service of this.services) await service.start?.(options)
    this.discovery = discoveryFactories.map(f => instances.get(f) as DiscoveryPlugin)
    for (const plugin of this.discovery) {
      await plugin.start({ self: components.peerId, peerFound: (peer) => { peerFound(plugin.name, peer) } }, options)
    }
  }

  /** Stop everything that started; a failing stop is logged and the rest still stop. */
  async stop (log: Logger): Promise<void> {
    const steps: Array<() => Promise<unknown>> = [
      ...this.discovery.map(p => async () => await p.stop()),
      ...[...this.services].reverse().map(s => async () => await s.stop?.()),
      async () => await this.broadcast?.stop(),
      async () => await this.router?.stop()
    ]
    for (const step of steps) {
      try { await step() } catch (err) { log.warn({ err }, 'error while stopping a service') }
    }
  }
}
