/** The admin API's routing: a table of routes by path, exact or by prefix. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AbortOptions } from '@meshwork/core-mesh'

export interface Route {
  method: 'GET' | 'POST'
  /** Needs `Authorization: Bearer <admin token>`. */
  protected: boolean
  /**
   * A stream that lasts as long as the client wants (a subscription): its signal aborts when the
   * client goes away or the server stops, but not after the operation timeout.
   */
  longLived?: boolean
  handle: (req: IncomingMessage, res: ServerResponse, options: Required<AbortOptions>) => Promise<void>
}

/** Routes by path. A path ending in `/` is a prefix: it serves every longer path under it. */
export type RouteTable = ReadonlyMap<string, Route>

/** The route of `path`: one with that exact path, or a prefix route it extends (`/api/dht/peer/<id>`). */
export function findRoute (routes: RouteTable, path: string): Route | undefined {
  for (const [key, route] of routes) {
    const matches = key.endsWith('/') ? path.length > key.length && path.startsWith(key) : path === key
    if (matches) return route
  }
  return undefined
}
