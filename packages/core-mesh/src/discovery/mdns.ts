import { mdns, type MulticastDNSInit } from '@libp2p/mdns'
import { multiaddr } from '@multiformats/multiaddr'
import type { ComponentLogger, PeerDiscovery, PeerInfo, Startable } from '@libp2p/interface'
import type { AbortOptions } from '../interfaces/abort.js'
import type { DiscoveryContext, DiscoveryPlugin } from '../interfaces/discovery.js'
import type { Logger } from '../interfaces/observability.js'
import { defineService, type ServiceFactory } from '../interfaces/service.js'

export interface MdnsDiscoveryInit {
  /** Service tag; only nodes with the same tag find each other. Defaults to the mesh's. */
  serviceTag?: string
  /** Query interval in ms. */
  intervalMs?: number
  /** UDP port (5353 on a real LAN; tests use another to stay apart). */
  port?: number
}

export interface MdnsDiscoveryComponents {
  addresses: () => string[]
  logger: Logger
}

function componentLogger (logger: Logger): ComponentLogger {
  return {
    forComponent (name: string) {
      const child = logger.child({ component: name })
      const log = Object.assign((formatter: string, ...args: unknown[]) => { child.debug({ args }, formatter) }, {
        enabled: false,
        error: (formatter: string, ...args: unknown[]) => { child.warn({ args }, formatter) },
        trace: () => {},
        newScope: () => log
      })
      return log as any
    }
  }
}

/** LAN discovery over multicast DNS, through `@libp2p/mdns`. */
export class MdnsDiscovery implements DiscoveryPlugin {
  readonly name = 'mdns'
  private service: (PeerDiscovery & Startable) | undefined

  constructor (private readonly components: MdnsDiscoveryComponents, private readonly init: MdnsDiscoveryInit) {}

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    const mdnsInit: MulticastDNSInit = { serviceTag: this.init.serviceTag ?? 'meshwork.local', interval: this.init.intervalMs, port: this.init.port }
    const service = mdns(mdnsInit)({
      addressManager: { getAddresses: () => this.components.addresses().map(a => multiaddr(a)) } as any,
      logger: componentLogger(this.components.logger)
    }) as PeerDiscovery & Startable
    service.addEventListener('peer', (event: CustomEvent<PeerInfo>) => {
      if (this.service !== service) return
      const id = event.detail.id.toString()
      if (id === context.self) return
      context.peerFound({ id, addresses: event.detail.multiaddrs.map(a => a.toString()) })
    })
    await service.start()
    this.service = service
    if (options?.signal?.aborted === true) {
      await this.stop()
      options.signal.throwIfAborted()
    }
  }

  async stop (): Promise<void> {
    const service = this.service
    this.service = undefined
    await service?.stop()
  }
}

export function mdnsDiscovery (init: MdnsDiscoveryInit = {}): ServiceFactory<MdnsDiscovery, MdnsDiscoveryComponents> {
  return defineService({ name: 'mdns-discovery', needs: ['addresses', 'logger'] },
    (components: MdnsDiscoveryComponents) => new MdnsDiscovery(components, init))
}
