/**
 * The node's HTTP admin API. It listens on loopback only and protects `/api/*` with a bearer
 * token; `/health` and `/metrics` are open so that probes and Prometheus need no secret.
 *
 * | route                 | token | answer                                                        |
 * |-----------------------|-------|---------------------------------------------------------------|
 * | `GET /health`         | no    | `{ status, members, unreachable }`; 200, or 503 when CRITICAL |
 * | `GET /metrics`        | no    | Prometheus text                                               |
 * | `GET /api/health`     | yes   | `{ peerId, addresses, status, members, unreachable, dht, gossip, consensus }` |
 * | `GET /api/peers`      | yes   | `{ peers: PeerRecord[] }`                                     |
 * | `GET /api/routes`     | yes   | `{ routes: RouteEntry[] }`                                    |
 * | `POST /api/send`      | yes   | body `{ peer, data }` or `{ peer, dataBase64 }` → `{ peer, bytes }` |
 * | `POST /api/broadcast` | yes   | body `{ data }` or `{ dataBase64 }` → `{ id, bytes }` (id in hex) |
 * | `/api/dht/*`          | yes   | put, get, provide, providers, peer, status: see `dht-routes.ts` |
 * | `GET /api/members`    | yes   | the gossip membership: see `membership-routes.ts`              |
 * | `POST /api/publish`, `GET /api/subscribe`, `GET /api/subscribers` | yes | topic pub/sub: see `pubsub-routes.ts` |
 * | `GET`, `PUT`, `DELETE /api/kv`, `POST /api/kv/cas`, `GET /api/raft` | yes | the replicated KV store and Raft: see `consensus-routes.ts` |
 *
 * Errors answer `{ error: { name, message } }`: 400 InvalidJsonError / InvalidRequestError,
 * 401 UnauthorizedError, 404 NotFoundError, 405 MethodNotAllowedError, 413 PayloadTooLargeError,
 * and the node's own errors (502 PeerUnreachableError, 504 TimeoutError, 409 NoSubscribersError,
 * 421 NotLeaderError, …); some add fields beside `name` and `message` (see `errorDetails`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { silentLogger, type AbortOptions, type Logger } from '@meshwork/core-mesh'
import {
  ADMIN_DHT_QUERY_TIMEOUT_MS, ADMIN_OPERATION_TIMEOUT_MS, ADMIN_STOP_GRACE_MS, DEFAULT_ADMIN_HOST, DEFAULT_ADMIN_PORT,
  MAX_ADMIN_BODY_BYTES, MAX_SUBSCRIBER_BUFFER_BYTES, SUBSCRIBE_KEEP_ALIVE_MS
} from '../constants.js'
import { isLoopbackHost } from '../config/node-config.js'
import { AdminHostNotLoopbackError } from '../errors.js'
import { newTraceId } from '../logging.js'
import type { MeshNodeApi, NodeConsensus, NodeDht, NodeMembership, NodePubSub } from '../node-api.js'
import { consensusHealth } from '../node-consensus.js'
import { dhtHealth } from '../node-dht.js'
import { gossipHealth } from '../node-gossip.js'
import { BearerToken } from './bearer-token.js'
import { consensusRoutes } from './consensus-routes.js'
import { dhtRoutes } from './dht-routes.js'
import { systemClockToEpochMs, type ToEpochMs } from './gossip-answers.js'
import { MethodNotAllowedError, NotFoundError, UnauthorizedError, statusOf } from './http-errors.js'
import { readJsonObject, requestUrl, sendError, sendJson } from './http-io.js'
import { HttpListener, type ListenAddress } from './http-listener.js'
import { membershipRoutes } from './membership-routes.js'
import { pubsubRoutes } from './pubsub-routes.js'
import { sendHealth, sendMetrics, type MetricsExposition } from './public-routes.js'
import { bytesField, stringField } from './request-fields.js'
import { findRoutes, routeTable, type RouteTable } from './route.js'

/** The part of the node the admin API uses. */
export type AdminNode = Pick<MeshNodeApi, 'peerId' | 'addresses' | 'health' | 'peers' | 'routes' | 'send' | 'broadcast'>

export interface AdminServerOptions {
  node: AdminNode
  /** The node's DHT, served under `/api/dht/*`; without it those routes answer 503. */
  dht?: NodeDht
  /** The node's gossip membership, served at `/api/members`; without it that route answers 503. */
  membership?: NodeMembership
  /** The node's topic pub/sub, served at `/api/publish`, `/api/subscribe`, `/api/subscribers`; without it they answer 503. */
  pubsub?: NodePubSub
  /** The node's Raft service, served at `/api/kv`, `/api/kv/cas`, `/api/raft`; without it they answer 503. */
  consensus?: NodeConsensus
  /** The bearer token for `/api/*`. */
  token: string
  /** 127.0.0.1 (default), ::1 or localhost; anything else is refused at start. */
  host?: string
  /** Default 7700; 0 picks a free port, reported by `start`. */
  port?: number
  /** Served at `/metrics`; without it `/metrics` is 404. */
  metrics?: MetricsExposition
  logger?: Logger
  maxBodyBytes?: number
  /** Send and broadcast are aborted after this long (504). */
  operationTimeoutMs?: number
  /** Each DHT query ends after this long (504 QueryTimeoutError). */
  dhtQueryTimeoutMs?: number
  /** How long `stop` lets in-flight requests finish. */
  stopGraceMs?: number
  /** A blank keep-alive line goes to each `/api/subscribe` stream this often while no message does. */
  subscribeKeepAliveMs?: number
  /** Member times to milliseconds since the epoch; default: for core-mesh's system clock. */
  toEpochMs?: ToEpochMs
}

const TRACE_ID = /^[0-9a-f]{16,64}$/i

export class AdminServer {
  private readonly listener: HttpListener
  private readonly token: BearerToken
  private readonly logger: Logger
  private readonly routes: RouteTable
  private stopping = new AbortController()

  constructor (private readonly options: AdminServerOptions) {
    this.token = new BearerToken(options.token)
    this.logger = options.logger ?? silentLogger
    this.listener = new HttpListener(async (req, res) => { await this.handle(req, res) }, {
      graceMs: options.stopGraceMs ?? ADMIN_STOP_GRACE_MS,
      onHandlerError: (err, res) => { sendError(res, err) },
      onServerError: (err) => { this.logger.error({ err }, 'admin API server error') }
    })
    this.routes = routeTable([
      ['/health', { method: 'GET', protected: false, handle: async (_req, res) => { sendHealth(res, this.options.node) } }],
      ['/metrics', { method: 'GET', protected: false, handle: async (_req, res) => { await this.metrics(res) } }],
      ['/api/health', { method: 'GET', protected: true, handle: async (_req, res) => { this.apiHealth(res) } }],
      ['/api/peers', { method: 'GET', protected: true, handle: async (_req, res) => { sendJson(res, 200, { peers: this.options.node.peers() }) } }],
      ['/api/routes', { method: 'GET', protected: true, handle: async (_req, res) => { sendJson(res, 200, { routes: this.options.node.routes() }) } }],
      ['/api/send', { method: 'POST', protected: true, handle: async (req, res, abort) => { await this.send(req, res, abort) } }],
      ['/api/broadcast', { method: 'POST', protected: true, handle: async (req, res, abort) => { await this.broadcast(req, res, abort) } }],
      ...dhtRoutes({
        dht: options.dht,
        self: options.node.peerId,
        maxBodyBytes: this.maxBodyBytes,
        queryTimeoutMs: options.dhtQueryTimeoutMs ?? ADMIN_DHT_QUERY_TIMEOUT_MS
      }),
      ...membershipRoutes({ membership: options.membership, self: options.node.peerId, toEpochMs: options.toEpochMs ?? systemClockToEpochMs }),
      ...pubsubRoutes({
        pubsub: options.pubsub,
        maxBodyBytes: this.maxBodyBytes,
        keepAliveMs: options.subscribeKeepAliveMs ?? SUBSCRIBE_KEEP_ALIVE_MS,
        maxBufferedBytes: MAX_SUBSCRIBER_BUFFER_BYTES,
        logger: this.logger
      }),
      ...consensusRoutes({ consensus: options.consensus, maxBodyBytes: this.maxBodyBytes })
    ])
  }

  /** The bound address while running. */
  get address (): ListenAddress | undefined {
    return this.listener.address
  }

  /**
   * Listens and resolves with the bound address (the real port when 0 was asked).
   * @throws AdminHostNotLoopbackError when the host is not loopback
   */
  async start (options: AbortOptions = {}): Promise<ListenAddress> {
    const host = this.options.host ?? DEFAULT_ADMIN_HOST
    if (!isLoopbackHost(host)) throw new AdminHostNotLoopbackError(host)
    this.stopping = new AbortController()
    const address = await this.listener.listen(host, this.options.port ?? DEFAULT_ADMIN_PORT, options)
    this.logger.info({ host: address.host, port: address.port }, 'admin API listening')
    return address
  }

  /** Aborts in-flight operations, stops listening and closes every connection. Idempotent. */
  async stop (): Promise<void> {
    this.stopping.abort(new DOMException('the admin API is stopping', 'AbortError'))
    await this.listener.close()
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const presented = req.headers['x-trace-id']
    const traceId = typeof presented === 'string' && TRACE_ID.test(presented) ? presented : newTraceId()
    res.setHeader('x-trace-id', traceId)
    const log = this.logger.child({ traceId })
    const path = requestUrl(req).pathname
    try {
      const routes = findRoutes(this.routes, path)
      if (routes === undefined) throw new NotFoundError(path)
      const route = routes.find(candidate => candidate.method === req.method)
      if (route === undefined) throw new MethodNotAllowedError(routes.map(candidate => candidate.method).join(', '))
      if (route.protected && !this.token.matches(req.headers.authorization)) throw new UnauthorizedError()
      await route.handle(req, res, { signal: this.operationSignal(res, route.longLived !== true) })
    } catch (err) {
      if (statusOf(err) >= 500) log.warn({ err, method: req.method, path }, 'admin request failed')
      sendError(res, err)
    }
    log.debug({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'admin request')
  }

  /** Aborted when the server stops, when the client goes away, or (unless `timed` is false) after the operation timeout. */
  private operationSignal (res: ServerResponse, timed: boolean): AbortSignal {
    const gone = new AbortController()
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new DOMException('the client closed the connection', 'AbortError'))
    })
    return AbortSignal.any([
      this.stopping.signal,
      gone.signal,
      ...(timed ? [AbortSignal.timeout(this.options.operationTimeoutMs ?? ADMIN_OPERATION_TIMEOUT_MS)] : [])
    ])
  }

  private async metrics (res: ServerResponse): Promise<void> {
    if (this.options.metrics === undefined) throw new NotFoundError('/metrics')
    await sendMetrics(res, this.options.metrics)
  }

  private apiHealth (res: ServerResponse): void {
    const node = this.options.node
    const { status, members, unreachable } = node.health()
    sendJson(res, 200, {
      peerId: node.peerId,
      addresses: node.addresses(),
      status,
      members,
      unreachable,
      dht: dhtHealth(this.options.dht),
      gossip: gossipHealth(this.options.membership, this.options.pubsub),
      consensus: consensusHealth(this.options.consensus)
    })
  }

  private get maxBodyBytes (): number {
    return this.options.maxBodyBytes ?? MAX_ADMIN_BODY_BYTES
  }

  private async send (req: IncomingMessage, res: ServerResponse, options: Required<AbortOptions>): Promise<void> {
    const body = await readJsonObject(req, this.maxBodyBytes)
    const peer = stringField(body, 'peer')
    const data = bytesField(body, 'data')
    await this.options.node.send(peer, data, options)
    sendJson(res, 200, { peer, bytes: data.byteLength })
  }

  private async broadcast (req: IncomingMessage, res: ServerResponse, options: Required<AbortOptions>): Promise<void> {
    const data = bytesField(await readJsonObject(req, this.maxBodyBytes), 'data')
    const id = await this.options.node.broadcast(data, options)
    sendJson(res, 200, { id: Buffer.from(id).toString('hex'), bytes: data.byteLength })
  }
}

export function createAdminServer (options: AdminServerOptions): AdminServer {
  return new AdminServer(options)
}
