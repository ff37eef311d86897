/**
 * The admin API's topic pub/sub routes, all token-protected:
 *
 * | route                                | answer                                                         |
 * |--------------------------------------|----------------------------------------------------------------|
 * | `POST /api/publish`                  | body `{ topic, data \| dataBase64 }` → `{ topic, id, bytes, recipients }` |
 * | `GET /api/subscribe?topic=<topic>`   | NDJSON: one `TopicMessageAnswer` per line as messages arrive, until the client disconnects |
 * | `GET /api/subscribers?topic=<topic>` | `{ topic, subscribers }`: the peers this node knows to subscribe |
 *
 * A subscription lasts as long as the connection: the node unsubscribes when the client goes
 * away or the admin API stops. Blank lines in the stream are keep-alives. Without pub/sub every
 * route answers 503 PubSubDisabledError. The pub/sub errors map to 409 (NoSubscribersError: no
 * reachable peer subscribes to the topic, yet), 413 (PayloadTooLargeError), 429
 * (PublishRateLimitedError) and 400 (TopicNameError): see `statusOf`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { silentLogger, type Logger } from '@meshwork/core-mesh'
import type { NodePubSub } from '../node-api.js'
import { publishAnswer, topicMessageAnswer, type SubscribersAnswer } from './gossip-answers.js'
import { PubSubDisabledError } from './http-errors.js'
import { readJsonObject, requestUrl, sendJson } from './http-io.js'
import { NdjsonStream } from './ndjson-stream.js'
import { bytesField, queryParam, stringField } from './request-fields.js'
import type { Route } from './route.js'

export interface PubSubRoutesOptions {
  /** Undefined when the node runs without pub/sub. */
  pubsub: NodePubSub | undefined
  maxBodyBytes: number
  /** A blank line goes to each subscriber this often while no message does. */
  keepAliveMs: number
  /** A subscriber with more than this queued (it reads too slowly) is disconnected. */
  maxBufferedBytes: number
  logger?: Logger
}

/** The pub/sub routes, as entries for the admin API's route table. */
export function pubsubRoutes (options: PubSubRoutesOptions): Array<[string, Route]> {
  const routes = new PubSubRoutes(options)
  return [
    ['/api/publish', { method: 'POST', protected: true, handle: async (req, res, abort) => { await routes.publish(req, res, abort) } }],
    ['/api/subscribe', { method: 'GET', protected: true, longLived: true, handle: async (req, res, abort) => { await routes.subscribe(req, res, abort) } }],
    ['/api/subscribers', { method: 'GET', protected: true, handle: async (req, res) => { routes.subscribers(req, res) } }]
  ]
}

class PubSubRoutes {
  private readonly logger: Logger

  constructor (private readonly options: PubSubRoutesOptions) {
    this.logger = options.logger ?? silentLogger
  }

  async publish (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const pubsub = this.require()
    const body = await readJsonObject(req, this.options.maxBodyBytes)
    const topic = stringField(body, 'topic')
    const data = bytesField(body, 'data')
    const result = await pubsub.publish(topic, data, { signal })
    sendJson(res, 200, publishAnswer(topic, data, result))
  }

  /** Streams the topic's messages until the client disconnects or the server stops. */
  async subscribe (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const pubsub = this.require()
    const topic = queryParam(requestUrl(req), 'topic')
    let stream: NdjsonStream | undefined
    // Subscribed before the 200 goes out, so that a bad topic is still a 400. Handlers run on
    // later events, never before the stream below exists.
    const unsubscribe = pubsub.subscribe(topic, message => { stream?.write(topicMessageAnswer(message)) })
    try {
      stream = new NdjsonStream(res, {
        signal,
        keepAliveMs: this.options.keepAliveMs,
        maxBufferedBytes: this.options.maxBufferedBytes,
        onOverflow: (bytes) => { this.logger.warn({ topic, bufferedBytes: bytes }, 'subscriber reads too slowly: disconnected') }
      })
      this.logger.debug({ topic }, 'subscriber connected')
      await stream.closed
    } finally {
      unsubscribe()
      this.logger.debug({ topic }, 'subscriber gone: unsubscribed')
    }
  }

  subscribers (req: IncomingMessage, res: ServerResponse): void {
    const pubsub = this.require()
    const topic = queryParam(requestUrl(req), 'topic')
    const answer: SubscribersAnswer = { topic, subscribers: pubsub.subscribers(topic) }
    sendJson(res, 200, answer)
  }

  /** The pub/sub service, or PubSubDisabledError (503) before anything is read. */
  private require (): NodePubSub {
    if (this.options.pubsub === undefined) throw new PubSubDisabledError()
    return this.options.pubsub
  }
}
