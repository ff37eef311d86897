/**
 * The lifecycle of an HTTP server: listen (abortable, port 0 allowed, the bound port reported)
 * and close leaving no open handle — idle keep-alive sockets are closed at once, busy ones when
 * their response is done or after a grace period.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AbortOptions } from '@meshwork/core-mesh'

export interface ListenAddress {
  host: string
  port: number
}

/** `[::1]` in URLs, bare otherwise. */
export function hostForUrl (host: string): string {
  return host.includes(':') ? `[${host}]` : host
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

export interface HttpListenerOptions {
  /** How long `close` waits for in-flight requests before destroying their sockets. */
  graceMs: number
  /** Called for a handler that rejects; the handler should answer errors itself. */
  onHandlerError: (err: unknown, res: ServerResponse) => void
  /** Called for a server error after listening started (an accept failure such as EMFILE). */
  onServerError: (err: Error) => void
}

export class HttpListener {
  private server: Server | undefined
  private bound: ListenAddress | undefined
  private closing = false

  constructor (private readonly handler: RequestHandler, private readonly options: HttpListenerOptions) {}

  get address (): ListenAddress | undefined {
    return this.bound
  }

  async listen (host: string, port: number, options: AbortOptions = {}): Promise<ListenAddress> {
    if (this.server !== undefined) throw new Error('already listening')
    options.signal?.throwIfAborted()
    const server = createServer((req, res) => {
      res.once('finish', () => {
        // A keep-alive socket that just went idle must not hold a closing server open.
        if (this.closing) setImmediate(() => { server.closeIdleConnections() })
      })
      this.handler(req, res).catch(err => { this.options.onHandlerError(err, res) })
    })
    server.headersTimeout = 10_000
    server.requestTimeout = 60_000
    await new Promise<void>((resolve, reject) => {
      const signal = options.signal
      const onAbort = (): void => {
        server.off('error', onError)
        server.close()
        reject(signal?.reason)
      }
      const onError = (err: Error): void => {
        signal?.removeEventListener('abort', onAbort)
        reject(err)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      server.once('error', onError)
      server.listen({ host, port, exclusive: true }, () => {
        signal?.removeEventListener('abort', onAbort)
        server.off('error', onError)
        server.on('error', this.options.onServerError)
        resolve()
      })
    })
    const info = server.address() as AddressInfo
    this.server = server
    this.closing = false
    this.bound = { host, port: info.port }
    return this.bound
  }

  /** Stops listening and resolves once every socket is closed. Idempotent. */
  async close (): Promise<void> {
    const server = this.server
    if (server === undefined) return
    this.server = undefined
    this.bound = undefined
    this.closing = true
    const closed = new Promise<void>(resolve => { server.close(() => { resolve() }) })
    server.closeIdleConnections()
    const force = setTimeout(() => { server.closeAllConnections() }, this.options.graceMs)
    try {
      await closed
    } finally {
      clearTimeout(force)
      this.closing = false
    }
  }
}
