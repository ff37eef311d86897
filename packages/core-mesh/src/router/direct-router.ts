import type { LinkEvent, RouteEntry, RouterPlugin } from '../interfaces/router.js'
import type { PeerIdString } from '../interfaces/peer.js'
import { defineService, type ServiceFactory } from '../interfaces/service.js'

/**
 * The default RouterPlugin: a destination is reachable only over a direct link. The
 * routing package replaces it with multi-hop routers.
 */
export class DirectRouter implements RouterPlugin {
  readonly name = 'direct'
  private readonly links = new Map<PeerIdString, number>()
  private self: PeerIdString | undefined

  async start (self: PeerIdString): Promise<void> {
    this.self = self
  }

  async stop (): Promise<void> {
    this.links.clear()
  }

  onLink (event: LinkEvent): void {
    if (event.peer === this.self) return
    if (event.type === 'down') this.links.delete(event.peer)
    else if (event.type === 'up') this.links.set(event.peer, event.rttMs ?? 1)
    else if (this.links.has(event.peer)) this.links.set(event.peer, event.rttMs)
  }

  nextHop (destination: PeerIdString): PeerIdString | undefined {
    return this.links.has(destination) ? destination : undefined
  }

  routes (): RouteEntry[] {
    return [...this.links].map(([peer, cost]) => ({ destination: peer, nextHop: peer, cost, path: [peer] }))
  }
}

export function directRouter (): ServiceFactory<DirectRouter, unknown> {
  return defineService({ name: 'direct-router' }, () => new DirectRouter())
}
