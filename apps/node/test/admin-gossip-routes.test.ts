import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { NoSubscribersError, PayloadTooLargeError, PublishRateLimitedError, TopicNameError } from '@meshwork/gossip'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { FakeMembership, FakeNode, FakePubSub, member, PEER_A, PEER_B } from './fakes.js'
import { httpCall, type Answer } from './http-call.js'

const TOKEN = 'test-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }
const EPOCH = 1_700_000_000_000

/** An open `/api/subscribe` stream: its raw text so far, and its lines parsed. */
interface OpenStream {
  response: Response
  text: () => string
  messages: () => Array<Record<string, unknown>>
  ended: Promise<void>
  close: () => void
}

async function until (condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe('the admin API\'s membership and pub/sub routes', () => {
  let node: FakeNode
  let membership: FakeMembership
  let pubsub: FakePubSub
  let server: AdminServer
  let base: string
  const streams: OpenStream[] = []

  async function startServer (options: Partial<AdminServerOptions> = {}): Promise<void> {
    // A short grace: after an aborted stream, fetch opens a spare connection that sends no
    // request, and stop waits the grace out for it.
    server = new AdminServer({ node, membership, pubsub, token: TOKEN, host: '127.0.0.1', port: 0, toEpochMs: t => EPOCH + t, stopGraceMs: 200, ...options })
    base = `http://127.0.0.1:${(await server.start()).port}`
  }

  async function get (path: string): Promise<Answer> {
    return await httpCall(base, 'GET', path, { headers: AUTH })
  }

  async function post (path: string, body: unknown): Promise<Answer> {
    return await httpCall(base, 'POST', path, { headers: AUTH, body: typeof body === 'string' ? body : JSON.stringify(body) })
  }

  async function subscribe (topic: string): Promise<OpenStream> {
    const controller = new AbortController()
    const response = await fetch(`${base}/api/subscribe?${new URLSearchParams({ topic })}`, { headers: AUTH, signal: controller.signal })
    let text = ''
    const ended = (async () => {
      if (response.body === null) return
      const decoder = new TextDecoder()
      const reader = response.body.getReader()
      try {
        while (true) {
          const { done, value } = await reader.read()
          if (done) break
          text += decoder.decode(value, { stream: true })
        }
      } catch {
        // closed by the test
      }
    })()
    const stream: OpenStream = {
      response,
      text: () => text,
      messages: () => text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line) as Record<string, unknown>),
      ended,
      close: () => { controller.abort() }
    }
    streams.push(stream)
    return stream
  }

  beforeEach(async () => {
    node = new FakeNode(PEER_A)
    membership = new FakeMembership(PEER_A)
    pubsub = new FakePubSub()
    await startServer()
  })

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close()
    await server.stop()
  })

  const ROUTES: Array<[string, string]> = [
    ['GET', '/api/members'],
    ['POST', '/api/publish'],
    ['GET', '/api/subscribe?topic=news'],
    ['GET', '/api/subscribers?topic=news']
  ]

  it.each(ROUTES)('%s %s is 401 without the token, and subscribes or publishes nothing', async (method, path) => {
    const answer = await httpCall(base, method, path, method === 'POST' ? { body: JSON.stringify({ topic: 'news', data: 'x' }) } : {})
    expect(answer).toMatchObject({ status: 401, json: { error: { name: 'UnauthorizedError' } } })
    expect(pubsub.published).toHaveLength(0)
    expect(pubsub.subscriptions('news')).toBe(0)
  })

  it('GET /api/members is 503 GossipDisabledError on a node without gossip', async () => {
    await server.stop()
    await startServer({ membership: undefined })
    expect(await get('/api/members')).toMatchObject({ status: 503, json: { error: { name: 'GossipDisabledError' } } })
  })

  it.each(ROUTES.slice(1))('%s %s is 503 PubSubDisabledError on a node without pub/sub', async (method, path) => {
    await server.stop()
    await startServer({ pubsub: undefined })
    const answer = method === 'POST' ? await post(path, { topic: 'news', data: 'x' }) : await get(path)
    expect(answer).toMatchObject({ status: 503, json: { error: { name: 'PubSubDisabledError' } } })
  })

  describe('GET /api/members', () => {
    it('lists every member sorted by id, with state, incarnation, addresses, metadata and since', async () => {
      membership.memberList = [
        member(PEER_B, 'dead', { incarnation: 4, stateChangedAt: 2500 }),
        member(PEER_A, 'alive', { incarnation: 2, metadata: { region: 'eu', roles: ['seed'], tags: { rack: 'r1' } }, stateChangedAt: 100 })
      ]
      membership.statusValue = 'PARTITIONED'
      membership.localHealthScore = 2
      const answer = await get('/api/members')
      expect(answer.status).toBe(200)
      expect(answer.json).toEqual({
        self: PEER_A,
        status: 'PARTITIONED',
        localHealth: 2,
        members: [
          { id: PEER_A, state: 'alive', incarnation: 2, addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER_A}`], metadata: { region: 'eu', roles: ['seed'], tags: { rack: 'r1' } }, since: EPOCH + 100 },
          { id: PEER_B, state: 'dead', incarnation: 4, addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER_B}`], metadata: { roles: [], tags: {} }, since: EPOCH + 2500 }
        ].sort((a, b) => a.id < b.id ? -1 : 1)
      })
    })

    it('converts the system clock\'s member times to milliseconds since the epoch by default', async () => {
      await server.stop()
      await startServer({ toEpochMs: undefined })
      membership.memberList = [member(PEER_B, 'suspect', { stateChangedAt: performance.now() - 5000 })]
      const { since } = (await get('/api/members')).json.members[0] as { since: number }
      expect(Math.abs(since - (Date.now() - 5000))).toBeLessThan(1000)
    })
  })

  describe('POST /api/publish', () => {
    it('publishes UTF-8 text or base64 bytes and answers the id and the first hops', async () => {
      pubsub.subscriberLists.set('news', [PEER_B])
      expect(await post('/api/publish', { topic: 'news', data: 'héllo' })).toMatchObject({
        status: 200,
        json: { topic: 'news', id: `${PEER_A}/1`, bytes: 6, recipients: [PEER_B] }
      })
      expect((await post('/api/publish', { topic: 'news', dataBase64: 'AAEC/w==' })).json).toMatchObject({ bytes: 4 })
      expect(pubsub.published.map(({ topic, data }) => [topic, [...data]])).toEqual([
        ['news', [...new TextEncoder().encode('héllo')]],
        ['news', [0, 1, 2, 255]]
      ])
      expect(pubsub.published[0].signal).toBeInstanceOf(AbortSignal)
    })

    it.each([
      ['no topic', { data: 'x' }, 'InvalidRequestError'],
      ['a blank topic', { topic: ' ', data: 'x' }, 'InvalidRequestError'],
      ['no data', { topic: 'news' }, 'InvalidRequestError'],
      ['both data forms', { topic: 'news', data: 'x', dataBase64: 'eA==' }, 'InvalidRequestError'],
      ['a topic over 256 bytes', { topic: 't'.repeat(300), data: 'x' }, 'TopicNameError'],
      ['a body that is not JSON', '{"topic": ', 'InvalidJsonError']
    ])('is 400 for %s, publishing nothing', async (_, body, name) => {
      expect(await post('/api/publish', body)).toMatchObject({ status: 400, json: { error: { name } } })
      expect(pubsub.published).toHaveLength(0)
    })

    it.each([
      [new NoSubscribersError('news'), 409],
      [new PayloadTooLargeError(300_000, 262_144), 413],
      [new PublishRateLimitedError('news'), 429],
      [new TopicNameError('"news" is not among the allowed topics'), 400]
    ])('maps pub/sub\'s typed %p to %d', async (error, status) => {
      pubsub.onPublish = async () => { throw error }
      expect(await post('/api/publish', { topic: 'news', data: 'x' })).toMatchObject({ status, json: { error: { name: error.name, message: error.message } } })
    })

    it('answers 504 TimeoutError when a publish outlives the operation timeout', async () => {
      await server.stop()
      await startServer({ operationTimeoutMs: 50 })
      pubsub.onPublish = async (_topic, _data, signal) => {
        await new Promise((_resolve, reject) => { signal?.addEventListener('abort', () => { reject(signal.reason) }) })
      }
      expect(await post('/api/publish', { topic: 'news', data: 'x' })).toMatchObject({ status: 504, json: { error: { name: 'TimeoutError' } } })
    })
  })

  describe('GET /api/subscribe', () => {
    it('streams each message as a JSON line, text and bytes, until the client disconnects; then unsubscribes', async () => {
      const stream = await subscribe('news')
      expect(stream.response.status).toBe(200)
      expect(stream.response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
      expect(pubsub.subscriptions('news')).toBe(1)

      pubsub.deliver('news', 'hello', { id: 'm1' })
      pubsub.deliver('news', new Uint8Array([0xff, 0x00]), { id: 'm2', origin: PEER_A, from: PEER_B })
      pubsub.deliver('sport', 'not for us')
      await until(() => stream.messages().length === 2, 'two messages arrived')
      expect(stream.messages()).toEqual([
        { topic: 'news', id: 'm1', origin: PEER_B, from: PEER_B, data: 'hello', dataBase64: 'aGVsbG8=', bytes: 5 },
        { topic: 'news', id: 'm2', origin: PEER_A, from: PEER_B, data: null, dataBase64: '/wA=', bytes: 2 }
      ])

      stream.close()
      await until(() => pubsub.subscriptions('news') === 0, 'the node unsubscribed')
    })

    it('keeps each subscriber apart: one leaving does not unsubscribe the other', async () => {
      const first = await subscribe('news')
      const second = await subscribe('news')
      expect(pubsub.subscriptions('news')).toBe(2)
      first.close()
      await until(() => pubsub.subscriptions('news') === 1, 'the first subscription is gone')
      pubsub.deliver('news', 'still here')
      await until(() => second.messages().length === 1, 'the second subscriber got the message')
    })

    it('outlives the operation timeout, with blank keep-alive lines while nothing is published', async () => {
      await server.stop()
      await startServer({ operationTimeoutMs: 50, subscribeKeepAliveMs: 20 })
      const stream = await subscribe('news')
      await new Promise(resolve => setTimeout(resolve, 200))
      expect(stream.text()).toMatch(/^\n+$/)
      pubsub.deliver('news', 'late')
      await until(() => stream.messages().length === 1, 'a message after the operation timeout')
      expect(pubsub.subscriptions('news')).toBe(1)
    })

    it('ends every stream cleanly when the server stops, and unsubscribes', async () => {
      const stream = await subscribe('news')
      const started = Date.now()
      await server.stop()
      await stream.ended
      expect(Date.now() - started).toBeLessThan(1500)
      expect(pubsub.subscriptions('news')).toBe(0)
      await startServer()
    })

    it.each([
      ['no topic', '/api/subscribe', 'InvalidRequestError'],
      ['a topic over 256 bytes', `/api/subscribe?topic=${'t'.repeat(300)}`, 'TopicNameError']
    ])('is 400 for %s, before any stream', async (_, path, name) => {
      expect(await get(path)).toMatchObject({ status: 400, json: { error: { name } } })
      expect(pubsub.handlers.size).toBe(0)
    })
  })

  it('GET /api/subscribers answers the peers known to subscribe to a topic', async () => {
    pubsub.subscriberLists.set('news', [PEER_B])
    expect((await get('/api/subscribers?topic=news')).json).toEqual({ topic: 'news', subscribers: [PEER_B] })
    expect((await get('/api/subscribers?topic=sport')).json).toEqual({ topic: 'sport', subscribers: [] })
    expect(await get('/api/subscribers')).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
  })

  it('GET /api/health adds the membership\'s status, local health and member counts', async () => {
    membership.memberList = [member(PEER_A, 'alive'), member(PEER_B, 'suspect'), member('12D3KooWGone', 'left')]
    membership.localHealthScore = 1
    expect((await get('/api/health')).json.gossip).toEqual({
      enabled: true, status: 'HEALTHY', localHealth: 1, members: { alive: 1, suspect: 1, dead: 0, left: 1 }, pubsub: true
    })
    await server.stop()
    await startServer({ pubsub: undefined })
    expect((await get('/api/health')).json.gossip).toMatchObject({ enabled: true, pubsub: false })
  })
})
