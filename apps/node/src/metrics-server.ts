/**
 * The optional metrics listener (`metricsPort`): `/metrics` and `/health` only, no token, no
 * write route, on all interfaces so that a Prometheus on another host can scrape it. The admin
 * API itself never leaves loopback.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { silentLogger, type AbortOptions, type Logger } from '@meshwork/core-mesh'
import { ADMIN_STOP_GRACE_MS } from './constants.js'
import { MethodNotAllowedError, NotFoundError } from './admin/http-errors.js'
import { sendError } from './admin/http-io.js'
import { HttpListener, type ListenAddress } from './admin/http-listener.js'
import { sendHealth, sendMetrics, type MetricsExposition } from './admin/public-routes.js'
import type { MeshNodeApi } from './node-api.js'

export interface MetricsServerOptions {
  node: Pick<MeshNodeApi, 'health'>
  metrics: MetricsExposition
  port: number
  /** Default 0.0.0.0. */
  host?: string
  logger?: Logger
}

export class MetricsServer {
  private readonly listener: HttpListener

  constructor (private readonly options: MetricsServerOptions) {
    const logger = options.logger ?? silentLogger
    this.listener = new HttpListener(async (req, res) => { await this.handle(req, res) }, {
      graceMs: ADMIN_STOP_GRACE_MS,
      onHandlerError: (err, res) => { sendError(res, err) },
      onServerError: (err) => { logger.error({ err }, 'metrics server error') }
    })
  }

  get address (): ListenAddress | undefined {
    return this.listener.address
  }

  async start (options: AbortOptions = {}): Promise<ListenAddress> {
    return await this.listener.listen(this.options.host ?? '0.0.0.0', this.options.port, options)
  }

  async stop (): Promise<void> {
    await this.listener.close()
  }

  private async handle (req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://metrics.invalid').pathname
    try {
      if (path !== '/metrics' && path !== '/health') throw new NotFoundError(path)
      if (req.method !== 'GET') throw new MethodNotAllowedError('GET')
      if (path === '/health') sendHealth(res, this.options.node)
      else await sendMetrics(res, this.options.metrics)
    } catch (err) {
      sendError(res, err)
    }
  }
}
