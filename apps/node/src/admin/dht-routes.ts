/**
 * The admin API's DHT routes, all token-protected:
 *
 * | route                          | answer                                                          |
 * |--------------------------------|-----------------------------------------------------------------|
 * | `POST /api/dht/put`            | body `{ name, value \| valueBase64, ttlMs? }` → `DhtPutAnswer`   |
 * | `GET /api/dht/get`             | `?owner=<peer id>&name=<name>` (owner: this node by default) → `DhtRecordAnswer` |
 * | `POST /api/dht/provide`        | body `{ name }` → `{ name, cid }`                               |
 * | `GET /api/dht/providers`       | `?name=<name>&limit=<n>` → `{ name, providers: [{ id, addresses }] }` |
 * | `GET /api/dht/peer/<peer id>`  | `{ id, addresses, queried, hops }`                               |
 * | `GET /api/dht/status`          | `{ mode, protocol, routingTableSize, diversityRefusals, invalidRecords }` |
 *
 * Without a DHT every route answers 503 DhtDisabledError. The DHT's typed errors map to 404
 * (RecordNotFoundError, PeerNotFoundError), 400 (InvalidKeyError, InvalidRecordError and its
 * kinds) and 504 (QueryTimeoutError): see `statusOf`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { DhtQueryOptions } from '@meshwork/dht'
import type { NodeDht } from '../node-api.js'
import { putAnswer, recordAnswer } from './dht-answers.js'
import { DhtDisabledError, InvalidRequestError } from './http-errors.js'
import { readJsonObject, requestUrl, sendJson } from './http-io.js'
import {
  bytesField, checkPeerId, optionalIntegerField, optionalIntegerParam, queryParam, stringField
} from './request-fields.js'
import type { Route } from './route.js'

export interface DhtRoutesOptions {
  /** Undefined when the node runs without a DHT. */
  dht: NodeDht | undefined
  /** This node's peer id: the owner `GET /api/dht/get` reads by default. */
  self: string
  maxBodyBytes: number
  /** The time limit of each DHT query. */
  queryTimeoutMs: number
}

/** The prefix of `GET /api/dht/peer/<peer id>`. */
export const DHT_PEER_ROUTE = '/api/dht/peer/'

/** The DHT routes, as entries for the admin API's route table. */
export function dhtRoutes (options: DhtRoutesOptions): Array<[string, Route]> {
  const routes = new DhtRoutes(options)
  const get = (handle: Route['handle']): Route => ({ method: 'GET', protected: true, handle })
  const post = (handle: Route['handle']): Route => ({ method: 'POST', protected: true, handle })
  return [
    ['/api/dht/put', post(async (req, res, abort) => { await routes.put(req, res, abort) })],
    ['/api/dht/get', get(async (req, res, abort) => { await routes.get(req, res, abort) })],
    ['/api/dht/provide', post(async (req, res, abort) => { await routes.provide(req, res, abort) })],
    ['/api/dht/providers', get(async (req, res, abort) => { await routes.providers(req, res, abort) })],
    [DHT_PEER_ROUTE, get(async (req, res, abort) => { await routes.peer(req, res, abort) })],
    ['/api/dht/status', get(async (_req, res) => { sendJson(res, 200, routes.require().status()) })]
  ]
}

class DhtRoutes {
  constructor (private readonly options: DhtRoutesOptions) {}

  /** The DHT, or DhtDisabledError (503) before anything is read. */
  require (): NodeDht {
    if (this.options.dht === undefined) throw new DhtDisabledError()
    return this.options.dht
  }

  async put (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const dht = this.require()
    const body = await readJsonObject(req, this.options.maxBodyBytes)
    const name = stringField(body, 'name')
    const value = bytesField(body, 'value')
    const ttlMs = optionalIntegerField(body, 'ttlMs')
    const result = await dht.put(name, value, { ...this.query(signal), ...(ttlMs !== undefined ? { ttlMs } : {}) })
    sendJson(res, 200, putAnswer(name, value, result))
  }

  async get (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const dht = this.require()
    const url = requestUrl(req)
    const owner = url.searchParams.has('owner') ? checkPeerId(queryParam(url, 'owner'), '"owner"') : this.options.self
    const record = await dht.get(owner, queryParam(url, 'name'), this.query(signal))
    sendJson(res, 200, recordAnswer(record))
  }

  async provide (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const dht = this.require()
    const name = stringField(await readJsonObject(req, this.options.maxBodyBytes), 'name')
    const { cid } = await dht.provide(name, this.query(signal))
    sendJson(res, 200, { name, cid })
  }

  async providers (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const dht = this.require()
    const url = requestUrl(req)
    const name = queryParam(url, 'name')
    const limit = optionalIntegerParam(url, 'limit')
    const providers = await dht.findProviders(name, { ...this.query(signal), ...(limit !== undefined ? { limit } : {}) })
    sendJson(res, 200, { name, providers })
  }

  async peer (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const dht = this.require()
    const peer = checkPeerId(peerOfPath(requestUrl(req).pathname), 'the path after /api/dht/peer/')
    sendJson(res, 200, await dht.findPeer(peer, this.query(signal)))
  }

  private query (signal: AbortSignal): DhtQueryOptions {
    return { signal, timeoutMs: this.options.queryTimeoutMs }
  }
}

function peerOfPath (path: string): string {
  try {
    return decodeURIComponent(path.slice(DHT_PEER_ROUTE.length))
  } catch {
    throw new InvalidRequestError('the peer id in the path is not valid percent-encoding')
  }
}
