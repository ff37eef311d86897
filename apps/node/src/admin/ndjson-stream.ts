/**
 * A long-lived HTTP answer of JSON lines (NDJSON, `application/x-ndjson`): one JSON document per
 * line, written as things happen. A blank line goes out every `keepAliveMs` while nothing else
 * does, so that idle clients (fetch gives up on a body silent for 5 minutes) and proxies keep the
 * connection, and so that a vanished client is noticed. The stream ends when the signal aborts
 * (the client went away, the server stops). A client that reads too slowly, letting more than
 * `maxBufferedBytes` queue up, is disconnected rather than left to grow the node's memory.
 */
import type { ServerResponse } from 'node:http'

export interface NdjsonStreamOptions {
  /** Ends the stream: the client closed the connection, or the server is stopping. */
  signal: AbortSignal
  keepAliveMs: number
  maxBufferedBytes: number
  /** Called once when a slow client is disconnected. */
  onOverflow?: (bufferedBytes: number) => void
}

export class NdjsonStream {
  /** Resolves once the stream has ended, for whatever reason. */
  readonly closed: Promise<void>
  private ended = false
  private readonly keepAlive: NodeJS.Timeout
  private resolveClosed: () => void = () => {}

  /** Sends the 200 and its headers at once: the client knows it is subscribed when they arrive. */
  constructor (private readonly res: ServerResponse, private readonly options: NdjsonStreamOptions) {
    this.closed = new Promise(resolve => { this.resolveClosed = resolve })
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff'
    })
    res.flushHeaders()
    this.keepAlive = setInterval(() => { this.send('\n') }, options.keepAliveMs)
    const onAbort = (): void => { this.end() }
    res.once('close', onAbort)
    if (options.signal.aborted) this.end()
    else options.signal.addEventListener('abort', onAbort, { once: true })
    void this.closed.then(() => {
      res.off('close', onAbort)
      options.signal.removeEventListener('abort', onAbort)
    })
  }

  /** Writes one document as a line; false once the stream has ended. */
  write (document: unknown): boolean {
    return this.send(`${JSON.stringify(document)}\n`)
  }

  /** Ends the answer cleanly (the client sees the end of the body). Idempotent. */
  end (): void {
    if (this.ended) return
    this.ended = true
    clearInterval(this.keepAlive)
    if (!this.res.destroyed) this.res.end()
    this.resolveClosed()
  }

  private send (text: string): boolean {
    if (this.ended) return false
    if (this.res.writableLength > this.options.maxBufferedBytes) {
      this.options.onOverflow?.(this.res.writableLength)
      this.ended = true
      clearInterval(this.keepAlive)
      this.res.destroy()
      this.resolveClosed()
      return false
    }
    this.res.write(text)
    return true
  }
}
