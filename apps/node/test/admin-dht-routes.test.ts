import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { InvalidKeyError, QueryTimeoutError, RecordTooLargeError, StaleRecordError } from '@meshwork/dht'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { FakeDht, FakeNode, PEER_A, PEER_B } from './fakes.js'
import { httpCall, type Answer } from './http-call.js'

const TOKEN = 'test-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }
const QUERY_TIMEOUT_MS = 1234

describe('the admin API\'s DHT routes', () => {
  let node: FakeNode
  let dht: FakeDht
  let server: AdminServer
  let base: string

  async function startServer (options: Partial<AdminServerOptions> = {}): Promise<void> {
    server = new AdminServer({ node, dht, token: TOKEN, host: '127.0.0.1', port: 0, dhtQueryTimeoutMs: QUERY_TIMEOUT_MS, ...options })
    base = `http://127.0.0.1:${(await server.start()).port}`
  }

  async function get (path: string): Promise<Answer> {
    return await httpCall(base, 'GET', path, { headers: AUTH })
  }

  async function post (path: string, body: unknown): Promise<Answer> {
    return await httpCall(base, 'POST', path, { headers: AUTH, body: typeof body === 'string' ? body : JSON.stringify(body) })
  }

  beforeEach(async () => {
    node = new FakeNode(PEER_A)
    dht = new FakeDht(PEER_A)
    await startServer()
  })

  afterEach(async () => {
    await server.stop()
  })

  const ROUTES: Array<[string, string]> = [
    ['POST', '/api/dht/put'],
    ['GET', '/api/dht/get?name=x'],
    ['POST', '/api/dht/provide'],
    ['GET', '/api/dht/providers?name=x'],
    ['GET', `/api/dht/peer/${PEER_B}`],
    ['GET', '/api/dht/status']
  ]

  it.each(ROUTES)('%s %s is 401 without the token, and queries nothing', async (method, path) => {
    const answer = await httpCall(base, method, path, method === 'POST' ? { body: JSON.stringify({ name: 'x', value: 'v' }) } : {})
    expect(answer).toMatchObject({ status: 401, json: { error: { name: 'UnauthorizedError' } } })
    expect(dht.queries).toHaveLength(0)
  })

  it.each(ROUTES)('%s %s is 503 DhtDisabledError on a node without a DHT', async (method, path) => {
    await server.stop()
    await startServer({ dht: undefined })
    const answer = method === 'POST' ? await post(path, { name: 'x', value: 'v' }) : await get(path)
    expect(answer).toMatchObject({ status: 503, json: { error: { name: 'DhtDisabledError' } } })
  })

  it('answers a wrong method 405 and a bare /api/dht/peer/ 404', async () => {
    expect((await get('/api/dht/put')).status).toBe(405)
    expect((await post('/api/dht/status', {})).status).toBe(405)
    expect(await get('/api/dht/peer/')).toMatchObject({ status: 404, json: { error: { name: 'NotFoundError' } } })
  })

  describe('POST /api/dht/put', () => {
    it('signs and stores UTF-8 text, answering the sequence as a decimal string', async () => {
      expect(await post('/api/dht/put', { name: 'greeting', value: 'héllo' })).toMatchObject({
        status: 200,
        json: { name: 'greeting', key: `/mw-signed/${PEER_A}/greeting`, sequence: '1', bytes: 6, storedAt: [PEER_B] }
      })
      expect((await post('/api/dht/put', { name: 'greeting', value: 'again' })).json.sequence).toBe('2')
      expect(new TextDecoder().decode(dht.records.get(`${PEER_A}/greeting`)?.value)).toBe('again')
    })

    it('takes base64 bytes and a ttlMs, and passes the signal and the query time limit', async () => {
      expect((await post('/api/dht/put', { name: 'raw', valueBase64: 'AAEC/w==', ttlMs: 60_000 })).json).toMatchObject({ bytes: 4 })
      expect([...(dht.records.get(`${PEER_A}/raw`)?.value ?? [])]).toEqual([0, 1, 2, 255])
      expect(dht.queries[0]).toMatchObject({ ttlMs: 60_000, timeoutMs: QUERY_TIMEOUT_MS })
      expect(dht.queries[0].signal).toBeInstanceOf(AbortSignal)
    })

    it.each([
      ['no name', { value: 'v' }, 'InvalidRequestError'],
      ['an empty name', { name: ' ', value: 'v' }, 'InvalidRequestError'],
      ['no value', { name: 'n' }, 'InvalidRequestError'],
      ['both value forms', { name: 'n', value: 'v', valueBase64: 'dg==' }, 'InvalidRequestError'],
      ['bad base64', { name: 'n', valueBase64: 'not base64!' }, 'InvalidRequestError'],
      ['a ttlMs of 0', { name: 'n', value: 'v', ttlMs: 0 }, 'InvalidRequestError'],
      ['a fractional ttlMs', { name: 'n', value: 'v', ttlMs: 1.5 }, 'InvalidRequestError'],
      ['a ttlMs string', { name: 'n', value: 'v', ttlMs: '1000' }, 'InvalidRequestError'],
      ['a body that is not JSON', '{"name": ', 'InvalidJsonError']
    ])('is 400 for %s, before any query', async (_, body, name) => {
      expect(await post('/api/dht/put', body)).toMatchObject({ status: 400, json: { error: { name } } })
      expect(dht.queries).toHaveLength(0)
    })
  })

  describe('GET /api/dht/get', () => {
    it('reads this node\'s own record when no owner is given', async () => {
      await post('/api/dht/put', { name: 'mine', value: 'own value' })
      expect((await get('/api/dht/get?name=mine')).json).toMatchObject({ owner: PEER_A, name: 'mine', value: 'own value', sequence: '1' })
    })

    it('reads another owner\'s record: text and base64, the sequence as a string, the query stats', async () => {
      dht.records.set(`${PEER_B}/svc/search`, { owner: PEER_B, name: 'svc/search', value: new TextEncoder().encode('v2'), sequence: 12345678901234567890n, expiresAt: 1_800_000_000_000, queried: 3, hops: 2 })
      const answer = await get(`/api/dht/get?owner=${PEER_B}&name=${encodeURIComponent('svc/search')}`)
      expect(answer).toMatchObject({ status: 200 })
      expect(answer.json).toEqual({
        owner: PEER_B,
        name: 'svc/search',
        value: 'v2',
        valueBase64: 'djI=',
        bytes: 2,
        sequence: '12345678901234567890',
        expiresAt: 1_800_000_000_000,
        queried: 3,
        hops: 2
      })
      expect(dht.queries[0]).toMatchObject({ timeoutMs: QUERY_TIMEOUT_MS })
    })

    it('answers a value that is not UTF-8 as null text, with its base64', async () => {
      dht.records.set(`${PEER_B}/bin`, { owner: PEER_B, name: 'bin', value: new Uint8Array([0xff, 0xfe]), sequence: 1n, expiresAt: 0, queried: 1, hops: 1 })
      expect((await get(`/api/dht/get?owner=${PEER_B}&name=bin`)).json).toMatchObject({ value: null, valueBase64: '//4=' })
    })

    it('is 404 RecordNotFoundError for a record nobody holds', async () => {
      const answer = await get(`/api/dht/get?owner=${PEER_B}&name=missing`)
      expect(answer).toMatchObject({ status: 404, json: { error: { name: 'RecordNotFoundError', message: expect.stringContaining('missing') } } })
    })

    it.each([
      ['no name', `/api/dht/get?owner=${PEER_B}`],
      ['an empty owner', '/api/dht/get?owner=&name=x'],
      ['an owner that is not a peer id', '/api/dht/get?owner=not-a-peer&name=x']
    ])('is 400 InvalidRequestError for %s', async (_, path) => {
      expect(await get(path)).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
      expect(dht.queries).toHaveLength(0)
    })
  })

  describe('providers', () => {
    it('POST /api/dht/provide announces a name and answers its CID; GET /api/dht/providers finds it', async () => {
      expect(await post('/api/dht/provide', { name: 'service/search' })).toMatchObject({ status: 200, json: { name: 'service/search', cid: 'bafkfakeservice/search' } })
      expect((await get('/api/dht/providers?name=service%2Fsearch')).json).toEqual({
        name: 'service/search',
        providers: [{ id: PEER_A, addresses: [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER_A}`] }]
      })
    })

    it('answers an empty list when nobody provides the name, and passes a limit', async () => {
      expect((await get('/api/dht/providers?name=nobody&limit=5')).json).toEqual({ name: 'nobody', providers: [] })
      expect(dht.queries[0]).toMatchObject({ limit: 5, timeoutMs: QUERY_TIMEOUT_MS })
    })

    it.each([
      ['POST /api/dht/provide without a name', async () => await post('/api/dht/provide', {})],
      ['GET /api/dht/providers without a name', async () => await get('/api/dht/providers')],
      ['GET /api/dht/providers with limit=0', async () => await get('/api/dht/providers?name=x&limit=0')],
      ['GET /api/dht/providers with limit=many', async () => await get('/api/dht/providers?name=x&limit=many')]
    ])('%s is 400 InvalidRequestError', async (_, request) => {
      expect(await request()).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
      expect(dht.queries).toHaveLength(0)
    })
  })

  describe('GET /api/dht/peer/<peer id>', () => {
    it('answers the peer\'s addresses and the query stats', async () => {
      dht.peers.set(PEER_B, { id: PEER_B, addresses: [`/ip4/127.0.0.1/tcp/4002/p2p/${PEER_B}`], queried: 2, hops: 1 })
      expect(await get(`/api/dht/peer/${PEER_B}`)).toMatchObject({
        status: 200,
        json: { id: PEER_B, addresses: [`/ip4/127.0.0.1/tcp/4002/p2p/${PEER_B}`], queried: 2, hops: 1 }
      })
    })

    it('is 404 PeerNotFoundError for a peer nobody knows, 400 for a path that is not a peer id', async () => {
      expect(await get(`/api/dht/peer/${PEER_B}`)).toMatchObject({ status: 404, json: { error: { name: 'PeerNotFoundError' } } })
      expect(await get('/api/dht/peer/not-a-peer-id')).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
      expect(await get('/api/dht/peer/%E0%A4%A')).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
    })
  })

  it('GET /api/dht/status answers the DHT\'s status', async () => {
    dht.statusReport = { ...dht.statusReport, mode: 'client', routingTableSize: 7, invalidRecords: 1 }
    expect((await get('/api/dht/status')).json).toEqual(dht.statusReport)
  })

  it.each([
    [new QueryTimeoutError('DHT query did not finish within 1234 ms'), 504],
    [new InvalidKeyError('record name must be 1-200 printable ASCII characters without spaces'), 400],
    [new RecordTooLargeError(70_000, 65_536), 400],
    [new StaleRecordError(1n, 2n), 400]
  ])('maps the DHT\'s typed %p to %d', async (error, status) => {
    dht.onQuery = async () => { throw error }
    expect(await post('/api/dht/put', { name: 'n', value: 'v' })).toMatchObject({ status, json: { error: { name: error.name, message: error.message } } })
  })

  it('answers 504 TimeoutError when a query outlives the operation timeout', async () => {
    await server.stop()
    await startServer({ operationTimeoutMs: 50 })
    dht.onQuery = async ({ signal }) => {
      await new Promise((_resolve, reject) => { signal?.addEventListener('abort', () => { reject(signal.reason) }) })
    }
    expect(await get(`/api/dht/get?owner=${PEER_B}&name=slow`)).toMatchObject({ status: 504, json: { error: { name: 'TimeoutError' } } })
  })
})
