/** The admin API's routing: a table of routes by path, exact or by prefix, one per method. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AbortOptions } from '@meshwork/core-mesh'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface Route {
  method: HttpMethod
  /** Needs `Authorization: Bearer <admin token>`. */
  protected: boolean
  /**
   * A stream that lasts as long as the client wants (a subscription): its signal aborts when the
   * client goes away or the server stops, but not after the operation timeout.
   */
  longLived?: boolean
  handle: (req: IncomingMessage, res: ServerResponse, options: Required<AbortOptions>) => Promise<void>
}

/**
 * The routes of each path, one per method. A path ending in `/` is a prefix: it serves every
 * longer path under it.
 */
export type RouteTable = ReadonlyMap<string, readonly Route[]>

/**
 * A table of `[path, route]` entries; a path may come several times with different methods
 * (`GET`, `PUT` and `DELETE /api/kv`).
 * @throws RangeError when one path and method come twice: a later route would hide the first
 */
export function routeTable (entries: ReadonlyArray<readonly [string, Route]>): RouteTable {
  const table = new Map<string, Route[]>()
  for (const [path, route] of entries) {
    const routes = table.get(path) ?? []
    if (routes.some(existing => existing.method === route.method)) throw new RangeError(`${route.method} ${path} is routed twice`)
    table.set(path, [...routes, route])
  }
  return table
}

/** The routes of `path`: those with that exact path, or of a prefix it extends (`/api/dht/peer/<id>`). */
export function findRoutes (routes: RouteTable, path: string): readonly Route[] | undefined {
  for (const [key, candidates] of routes) {
    const matches = key.endsWith('/') ? path.length > key.length && path.startsWith(key) : path === key
    if (matches) return candidates
  }
  return undefined
}
