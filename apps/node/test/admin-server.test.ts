import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { createPromMetrics } from '../src/metrics.js'
import { FakeDht, FakeNode, rejectionName } from './fakes.js'
import { httpCall, type Answer } from './http-call.js'

const TOKEN = 'test-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }

describe('AdminServer over real HTTP', () => {
  let node: FakeNode
  let server: AdminServer
  let base: string

  async function startServer (options: Partial<AdminServerOptions> = {}): Promise<void> {
    server = new AdminServer({ node, token: TOKEN, host: '127.0.0.1', port: 0, ...options })
    const address = await server.start()
    expect(address.port).toBeGreaterThan(0)
    base = `http://127.0.0.1:${address.port}`
  }

  async function call (method: string, path: string, init: { headers?: Record<string, string>, body?: string } = {}): Promise<Answer> {
    return await httpCall(base, method, path, init)
  }

  beforeEach(async () => {
    node = new FakeNode()
  })

  afterEach(async () => {
    await server?.stop()
  })

  describe('open routes', () => {
    beforeEach(async () => { await startServer() })

    it('GET /health answers 200 when HEALTHY, 200 when DEGRADED and 503 when CRITICAL', async () => {
      expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { status: 'HEALTHY', members: 3, unreachable: 0 } })
      node.healthReport = { status: 'DEGRADED', members: 4, unreachable: 1 }
      expect(await call('GET', '/health')).toMatchObject({ status: 200, json: { status: 'DEGRADED', members: 4, unreachable: 1 } })
      node.healthReport = { status: 'CRITICAL', members: 4, unreachable: 2 }
      expect(await call('GET', '/health')).toMatchObject({ status: 503, json: { status: 'CRITICAL', members: 4, unreachable: 2 } })
    })

    it('answers unknown routes 404 and wrong methods 405, with typed error names', async () => {
      expect(await call('GET', '/nope')).toMatchObject({ status: 404, json: { error: { name: 'NotFoundError' } } })
      const wrong = await call('POST', '/health', { body: '{}' })
      expect(wrong).toMatchObject({ status: 405, json: { error: { name: 'MethodNotAllowedError' } } })
      expect(wrong.headers.get('allow')).toBe('GET')
    })

    it('tags every answer with a trace id, keeping a well-formed one the client sent', async () => {
      expect((await call('GET', '/health')).headers.get('x-trace-id')).toMatch(/^[0-9a-f]{32}$/)
      const traceId = '0123456789abcdef0123456789abcdef'
      expect((await call('GET', '/health', { headers: { 'x-trace-id': traceId } })).headers.get('x-trace-id')).toBe(traceId)
    })
  })

  describe('GET /metrics', () => {
    it('serves the Prometheus text with a counter incremented through the Metrics interface', async () => {
      const metrics = createPromMetrics()
      const counter = metrics.counter('meshwork_test_frames_total', 'frames seen by the test', ['direction'])
      counter.inc({ direction: 'in' }, 3)
      counter.inc({ direction: 'in' })
      await startServer({ metrics })
      const answer = await call('GET', '/metrics')
      expect(answer.status).toBe(200)
      expect(answer.headers.get('content-type')).toContain('text/plain')
      expect(answer.text).toContain('# TYPE meshwork_test_frames_total counter')
      expect(answer.text).toContain('meshwork_test_frames_total{direction="in"} 4')
      expect(answer.text).toContain('process_cpu_user_seconds_total')
    })

    it('is 404 when the server has no metrics', async () => {
      await startServer()
      expect((await call('GET', '/metrics')).status).toBe(404)
    })
  })

  describe('token-protected routes', () => {
    beforeEach(async () => { await startServer() })

    it.each(['/api/peers', '/api/health', '/api/routes'])('GET %s is 401 without a token and with a wrong one', async (path) => {
      const missing = await call('GET', path)
      expect(missing).toMatchObject({ status: 401, json: { error: { name: 'UnauthorizedError' } } })
      expect(missing.headers.get('www-authenticate')).toBe('Bearer')
      expect((await call('GET', path, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401)
      expect((await call('GET', path, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401)
      expect((await call('GET', path, { headers: { authorization: TOKEN } })).status).toBe(401)
      expect((await call('GET', path, { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401)
    })

    it.each(['/api/send', '/api/broadcast'])('POST %s is 401 without a token, and nothing is sent', async (path) => {
      expect((await call('POST', path, { body: JSON.stringify({ peer: 'x', data: 'hi' }) })).status).toBe(401)
      expect(node.sent).toHaveLength(0)
      expect(node.broadcasts).toHaveLength(0)
    })

    it('GET /api/peers lists the peer records', async () => {
      expect(await call('GET', '/api/peers', { headers: AUTH })).toMatchObject({ status: 200, json: { peers: node.peerList } })
    })

    it('GET /api/health adds identity, addresses, the DHT, gossip and consensus (off here) to the health report', async () => {
      node.healthReport = { status: 'CRITICAL', members: 2, unreachable: 1 }
      expect((await call('GET', '/api/health', { headers: AUTH })).json).toEqual({
        peerId: '12D3KooWSelf',
        addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWSelf'],
        status: 'CRITICAL',
        members: 2,
        unreachable: 1,
        dht: { enabled: false },
        gossip: { enabled: false },
        consensus: { enabled: false }
      })
    })

    it('GET /api/health reports the DHT\'s status when the node has one', async () => {
      await server.stop()
      const dht = new FakeDht()
      await startServer({ dht })
      expect((await call('GET', '/api/health', { headers: AUTH })).json.dht).toEqual({ enabled: true, ...dht.statusReport })
    })

    it('GET /api/routes lists the route table', async () => {
      expect((await call('GET', '/api/routes', { headers: AUTH })).json).toEqual({ routes: node.routeList })
    })

    it('POST /api/send sends UTF-8 text or base64 bytes', async () => {
      const text = await call('POST', '/api/send', { headers: AUTH, body: JSON.stringify({ peer: '12D3KooWPeerA', data: 'héllo' }) })
      expect(text).toMatchObject({ status: 200, json: { peer: '12D3KooWPeerA', bytes: 6 } })
      const bytes = await call('POST', '/api/send', { headers: AUTH, body: JSON.stringify({ peer: '12D3KooWPeerB', dataBase64: 'AAEC/w==' }) })
      expect(bytes).toMatchObject({ status: 200, json: { bytes: 4 } })
      expect(node.sent.map(({ peer, data }) => [peer, [...data]])).toEqual([
        ['12D3KooWPeerA', [...new TextEncoder().encode('héllo')]],
        ['12D3KooWPeerB', [0, 1, 2, 255]]
      ])
    })

    it('POST /api/broadcast answers the message id in hex', async () => {
      const answer = await call('POST', '/api/broadcast', { headers: AUTH, body: JSON.stringify({ data: 'to all' }) })
      expect(answer).toMatchObject({ status: 200, json: { id: 'cafe01', bytes: 6 } })
      expect(new TextDecoder().decode(node.broadcasts[0])).toBe('to all')
    })

    it.each([
      ['not JSON', '{"peer": ', 'InvalidJsonError'],
      ['a JSON array', '[1]', 'InvalidJsonError'],
      ['no peer', JSON.stringify({ data: 'x' }), 'InvalidRequestError'],
      ['both payload forms', JSON.stringify({ peer: 'p', data: 'x', dataBase64: 'eA==' }), 'InvalidRequestError'],
      ['no payload', JSON.stringify({ peer: 'p' }), 'InvalidRequestError'],
      ['bad base64', JSON.stringify({ peer: 'p', dataBase64: 'not base64!' }), 'InvalidRequestError'],
      ['a non-string payload', JSON.stringify({ peer: 'p', data: 42 }), 'InvalidRequestError']
    ])('POST /api/send with %s is 400 with a typed error name', async (_, body, name) => {
      const answer = await call('POST', '/api/send', { headers: { ...AUTH, 'content-type': 'application/json' }, body })
      expect(answer).toMatchObject({ status: 400, json: { error: { name } } })
      expect(node.sent).toHaveLength(0)
    })

    it('answers 413 to a body over 1 MiB declared by its length', async () => {
      const body = JSON.stringify({ data: 'x'.repeat(1024 * 1024) })
      const answer = await call('POST', '/api/broadcast', { headers: AUTH, body })
      expect(answer).toMatchObject({ status: 413, json: { error: { name: 'PayloadTooLargeError' } } })
      expect(node.broadcasts).toHaveLength(0)
    })

    it('accepts a body just under 1 MiB', async () => {
      const body = JSON.stringify({ data: 'x'.repeat(1024 * 1024 - 20) })
      expect((await call('POST', '/api/broadcast', { headers: AUTH, body })).status).toBe(200)
    })

    it('answers 413 to a chunked body that grows over 1 MiB', async () => {
      const { status, body } = await new Promise<{ status: number, body: string }>((resolve, reject) => {
        const req = httpRequest(`${base}/api/broadcast`, { method: 'POST', headers: { ...AUTH, 'transfer-encoding': 'chunked' } }, (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => { text += chunk })
          res.on('end', () => { resolve({ status: res.statusCode ?? 0, body: text }) })
        })
        req.on('error', reject)
        const chunk = 'x'.repeat(64 * 1024)
        for (let i = 0; i < 17; i++) req.write(chunk)
        req.end()
      })
      expect(status).toBe(413)
      expect(JSON.parse(body).error.name).toBe('PayloadTooLargeError')
    })

    it('maps the node\'s typed errors to statuses', async () => {
      node.onSend = async () => {
        const error = new Error('peer 12D3KooWPeerA is unreachable')
        error.name = 'PeerUnreachableError'
        throw error
      }
      const answer = await call('POST', '/api/send', { headers: AUTH, body: JSON.stringify({ peer: '12D3KooWPeerA', data: 'x' }) })
      expect(answer).toMatchObject({ status: 502, json: { error: { name: 'PeerUnreachableError', message: 'peer 12D3KooWPeerA is unreachable' } } })
    })

    it('answers 504 when an operation outlives the timeout', async () => {
      await server.stop()
      await startServer({ operationTimeoutMs: 50 })
      node.onSend = async (_peer, _data, signal) => {
        await new Promise((_resolve, reject) => { signal?.addEventListener('abort', () => { reject(signal.reason) }) })
      }
      const answer = await call('POST', '/api/send', { headers: AUTH, body: JSON.stringify({ peer: 'p', data: 'x' }) })
      expect(answer).toMatchObject({ status: 504, json: { error: { name: 'TimeoutError' } } })
    })
  })

  describe('binding', () => {
    it.each(['0.0.0.0', '192.168.1.10', '::', 'example.com'])('refuses to start on %s', async (host) => {
      server = new AdminServer({ node, token: TOKEN, host, port: 0 })
      expect(await rejectionName(server.start())).toBe('AdminHostNotLoopbackError')
      expect(server.address).toBeUndefined()
    })

    it('starts on ::1 and localhost', async () => {
      for (const host of ['::1', 'localhost']) {
        server = new AdminServer({ node, token: TOKEN, host, port: 0 })
        const address = await server.start()
        expect(address.host).toBe(host)
        await server.stop()
      }
    })

    it('reports EADDRINUSE when the port is taken', async () => {
      await startServer()
      const second = new AdminServer({ node, token: TOKEN, port: server.address?.port })
      await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' })
    })

    it('does not start when the signal is already aborted', async () => {
      server = new AdminServer({ node, token: TOKEN, port: 0 })
      await expect(server.start({ signal: AbortSignal.abort() })).rejects.toBeDefined()
      expect(server.address).toBeUndefined()
    })
  })

  describe('stop', () => {
    it('closes idle keep-alive sockets at once and stops listening', async () => {
      await startServer({ stopGraceMs: 20_000 })
      const agent = new Agent({ keepAlive: true })
      // Wrapped in an object: resolving with a bare promise would wait for the close here.
      const { socketClosed } = await new Promise<{ socketClosed: Promise<void> }>((resolve, reject) => {
        const req = httpRequest(`${base}/health`, { agent }, (res) => {
          res.resume()
          res.on('end', () => {
            resolve({ socketClosed: new Promise<void>(closed => { req.socket?.once('close', () => { closed() }) }) })
          })
        })
        req.on('error', reject)
        req.end()
      })
      const port = server.address?.port
      const started = Date.now()
      await server.stop()
      await socketClosed
      // Well under both the grace period (20 s) and Node's keep-alive timeout (5 s).
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(server.address).toBeUndefined()
      await expect(new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: port ?? 0 })
        socket.on('connect', () => { socket.destroy(); resolve('connected') })
        socket.on('error', reject)
      })).rejects.toMatchObject({ code: 'ECONNREFUSED' })
      agent.destroy()
    })

    it('aborts in-flight operations and answers them before closing', async () => {
      await startServer({ stopGraceMs: 20_000 })
      let entered: () => void = () => {}
      const inside = new Promise<void>(resolve => { entered = resolve })
      node.onSend = async (_peer, _data, signal) => {
        entered()
        await new Promise((_resolve, reject) => { signal?.addEventListener('abort', () => { reject(signal.reason) }) })
      }
      const pending = call('POST', '/api/send', { headers: AUTH, body: JSON.stringify({ peer: 'p', data: 'x' }) })
      await inside
      await server.stop()
      expect(await pending).toMatchObject({ status: 503, json: { error: { name: 'AbortError' } } })
    })

    it('is idempotent and the server can start again', async () => {
      await startServer()
      await server.stop()
      await server.stop()
      const address = await server.start()
      expect((await fetch(`http://127.0.0.1:${address.port}/health`)).status).toBe(200)
    })
  })
})
