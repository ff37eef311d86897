import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  ConsensusTimeoutError, GroupStoppedError, NotLeaderError, ProposalDroppedError, QuorumUnavailableError
} from '@meshwork/consensus'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { FakeConsensus, FakeNode, groupStatus, PEER_A, PEER_B } from './fakes.js'
import { httpCall, type Answer } from './http-call.js'

const TOKEN = 'test-token-0123456789abcdef'
const AUTH = { authorization: `Bearer ${TOKEN}` }

describe('the admin API\'s KV and Raft routes', () => {
  let node: FakeNode
  let consensus: FakeConsensus
  let server: AdminServer
  let base: string

  async function startServer (options: Partial<AdminServerOptions> = {}): Promise<void> {
    server = new AdminServer({ node, consensus, token: TOKEN, host: '127.0.0.1', port: 0, stopGraceMs: 200, ...options })
    base = `http://127.0.0.1:${(await server.start()).port}`
  }

  async function call (method: string, path: string, body?: unknown): Promise<Answer> {
    const init = body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }
    return await httpCall(base, method, path, { headers: AUTH, ...init })
  }

  beforeEach(async () => {
    node = new FakeNode(PEER_A)
    consensus = new FakeConsensus(PEER_A)
    await startServer()
  })

  afterEach(async () => {
    await server.stop()
  })

  const ROUTES: Array<[string, string, unknown]> = [
    ['GET', '/api/kv?key=k', undefined],
    ['PUT', '/api/kv', { key: 'k', value: 'v' }],
    ['POST', '/api/kv/cas', { key: 'k', expected: null, value: 'v' }],
    ['DELETE', '/api/kv?key=k', undefined],
    ['GET', '/api/raft', undefined]
  ]

  it.each(ROUTES)('%s %s is 401 without the token, and touches nothing', async (method, path, body) => {
    const answer = await httpCall(base, method, path, body === undefined ? {} : { body: JSON.stringify(body) })
    expect(answer).toMatchObject({ status: 401, json: { error: { name: 'UnauthorizedError' } } })
    expect(consensus.kv.requests).toHaveLength(0)
  })

  it.each(ROUTES)('%s %s is 503 ConsensusDisabledError on a node without consensus', async (method, path, body) => {
    await server.stop()
    await startServer({ consensus: undefined })
    expect(await call(method, path, body)).toMatchObject({ status: 503, json: { error: { name: 'ConsensusDisabledError' } } })
  })

  it('answers 405 with every method /api/kv takes for another one', async () => {
    const answer = await call('POST', '/api/kv', { key: 'k', value: 'v' })
    expect(answer).toMatchObject({ status: 405, json: { error: { name: 'MethodNotAllowedError' } } })
    expect(answer.headers.get('allow')).toBe('GET, PUT, DELETE')
  })

  describe('GET /api/kv', () => {
    it('answers the entry, its value as text and base64, its revisions; linearizable by default', async () => {
      consensus.kv.seed('greeting', 'héllo')
      consensus.kv.seed('greeting', 'hello again')
      expect(await call('GET', '/api/kv?key=greeting')).toMatchObject({
        status: 200,
        json: { key: 'greeting', value: 'hello again', valueBase64: Buffer.from('hello again').toString('base64'), modRevision: 2, createRevision: 1 }
      })
      expect(consensus.kv.requests[0]).toMatchObject({ op: 'get', key: 'greeting', options: { consistency: 'linearizable' } })
      expect(consensus.kv.requests[0].options.signal).toBeInstanceOf(AbortSignal)
    })

    it('gives value null for bytes that are not UTF-8', async () => {
      consensus.kv.seed('raw', new Uint8Array([0xff, 0x00, 0xfe]))
      expect((await call('GET', '/api/kv?key=raw')).json).toEqual({ key: 'raw', value: null, valueBase64: '/wD+', modRevision: 1, createRevision: 1 })
    })

    it.each(['linearizable', 'lease', 'local'])('reads with consistency=%s', async (consistency) => {
      consensus.kv.seed('k', 'v')
      expect((await call('GET', `/api/kv?key=k&consistency=${consistency}`)).status).toBe(200)
      expect(consensus.kv.requests[0].options.consistency).toBe(consistency)
    })

    it('is 404 KeyNotFoundError, naming the key, when the key is absent', async () => {
      expect(await call('GET', '/api/kv?key=missing')).toMatchObject({
        status: 404,
        json: { error: { name: 'KeyNotFoundError', key: 'missing', message: 'no value under the key "missing"' } }
      })
    })

    it.each([
      ['no key', '/api/kv'],
      ['a blank key', '/api/kv?key=%20'],
      ['an unknown consistency', '/api/kv?key=k&consistency=eventual']
    ])('is 400 InvalidRequestError for %s, reading nothing', async (_, path) => {
      expect(await call('GET', path)).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
      expect(consensus.kv.requests).toHaveLength(0)
    })
  })

  describe('PUT /api/kv', () => {
    it('writes UTF-8 text or base64 bytes and answers the revision', async () => {
      expect(await call('PUT', '/api/kv', { key: 'k', value: 'héllo' })).toMatchObject({ status: 200, json: { key: 'k', revision: 1 } })
      expect(await call('PUT', '/api/kv', { key: 'k', valueBase64: 'AAEC/w==' })).toMatchObject({ status: 200, json: { key: 'k', revision: 2 } })
      expect([...consensus.kv.entries.get('k')?.value ?? []]).toEqual([0, 1, 2, 255])
      expect(consensus.kv.requests[0].options.signal).toBeInstanceOf(AbortSignal)
    })

    it('writes an empty value', async () => {
      expect((await call('PUT', '/api/kv', { key: 'k', value: '' })).status).toBe(200)
      expect(consensus.kv.entries.get('k')?.value).toHaveLength(0)
    })

    it.each([
      ['no key', { value: 'v' }, 'InvalidRequestError'],
      ['a key that is not a string', { key: 7, value: 'v' }, 'InvalidRequestError'],
      ['no value', { key: 'k' }, 'InvalidRequestError'],
      ['both value forms', { key: 'k', value: 'v', valueBase64: 'dg==' }, 'InvalidRequestError'],
      ['a value that is not base64', { key: 'k', valueBase64: 'not base64!' }, 'InvalidRequestError'],
      ['a body that is not JSON', '{"key": ', 'InvalidJsonError']
    ])('is 400 for %s, writing nothing', async (_, body, name) => {
      expect(await call('PUT', '/api/kv', body)).toMatchObject({ status: 400, json: { error: { name } } })
      expect(consensus.kv.requests).toHaveLength(0)
    })
  })

  describe('POST /api/kv/cas', () => {
    it('writes when the expected text matches, and answers the new entry as current', async () => {
      consensus.kv.seed('k', 'old')
      expect(await call('POST', '/api/kv/cas', { key: 'k', expected: 'old', value: 'new' })).toMatchObject({
        status: 200,
        json: { key: 'k', succeeded: true, revision: 2, current: { key: 'k', value: 'new', valueBase64: 'bmV3', modRevision: 2, createRevision: 1 } }
      })
      expect(new TextDecoder().decode(consensus.kv.entries.get('k')?.value)).toBe('new')
    })

    it('takes expected: null for "the key must be absent", and expectedBase64 for bytes', async () => {
      expect((await call('POST', '/api/kv/cas', { key: 'k', expected: null, value: 'first' })).json)
        .toMatchObject({ succeeded: true, current: { value: 'first', modRevision: 1, createRevision: 1 } })
      expect((await call('POST', '/api/kv/cas', { key: 'k', expectedBase64: Buffer.from('first').toString('base64'), valueBase64: '/w==' })).json)
        .toMatchObject({ succeeded: true, current: { value: null, valueBase64: '/w==' } })
    })

    it('answers succeeded: false with the value that did not match, writing nothing', async () => {
      consensus.kv.seed('k', 'actual')
      expect(await call('POST', '/api/kv/cas', { key: 'k', expected: 'other', value: 'new' })).toMatchObject({
        status: 200,
        json: { key: 'k', succeeded: false, revision: 2, current: { value: 'actual', modRevision: 1 } }
      })
      expect(await call('POST', '/api/kv/cas', { key: 'k', expected: null, value: 'new' })).toMatchObject({
        status: 200, json: { succeeded: false, current: { value: 'actual' } }
      })
      expect(new TextDecoder().decode(consensus.kv.entries.get('k')?.value)).toBe('actual')
    })

    it('answers current: null when the expected key is absent', async () => {
      expect((await call('POST', '/api/kv/cas', { key: 'gone', expected: 'x', value: 'y' })).json).toEqual({ key: 'gone', succeeded: false, revision: 1, current: null })
    })

    it.each([
      ['no expected value', { key: 'k', value: 'v' }],
      ['both expected forms', { key: 'k', expected: 'a', expectedBase64: 'YQ==', value: 'v' }],
      ['expected null and expectedBase64', { key: 'k', expected: null, expectedBase64: 'YQ==', value: 'v' }],
      ['an expected number', { key: 'k', expected: 1, value: 'v' }],
      ['no value', { key: 'k', expected: null }],
      ['a null value', { key: 'k', expected: null, value: null }],
      ['no key', { expected: null, value: 'v' }]
    ])('is 400 InvalidRequestError for %s, writing nothing', async (_, body) => {
      expect(await call('POST', '/api/kv/cas', body)).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
      expect(consensus.kv.requests).toHaveLength(0)
    })
  })

  describe('DELETE /api/kv', () => {
    it('deletes the key and answers the revision; deleted: false when it was absent', async () => {
      consensus.kv.seed('k', 'v')
      expect(await call('DELETE', '/api/kv?key=k')).toMatchObject({ status: 200, json: { key: 'k', revision: 2, deleted: true } })
      expect(consensus.kv.entries.has('k')).toBe(false)
      expect(await call('DELETE', '/api/kv?key=k')).toMatchObject({ status: 200, json: { key: 'k', revision: 3, deleted: false } })
    })

    it('is 400 without a key', async () => {
      expect(await call('DELETE', '/api/kv')).toMatchObject({ status: 400, json: { error: { name: 'InvalidRequestError' } } })
    })
  })

  describe('Raft\'s typed errors', () => {
    const OPERATIONS: Array<[string, string, unknown]> = [
      ['GET', '/api/kv?key=k', undefined],
      ['PUT', '/api/kv', { key: 'k', value: 'v' }],
      ['POST', '/api/kv/cas', { key: 'k', expected: null, value: 'v' }],
      ['DELETE', '/api/kv?key=k', undefined]
    ]

    describe.each(OPERATIONS)('on %s %s', (method, path, body) => {
      it('maps NotLeaderError to 421, naming the leader (null when none is known)', async () => {
        consensus.kv.onRequest = async () => { throw new NotLeaderError(PEER_B) }
        expect(await call(method, path, body)).toMatchObject({
          status: 421,
          json: { error: { name: 'NotLeaderError', leader: PEER_B, message: `not the leader; the leader is ${PEER_B}` } }
        })
        consensus.kv.onRequest = async () => { throw new NotLeaderError(undefined) }
        expect(await call(method, path, body)).toMatchObject({ status: 421, json: { error: { name: 'NotLeaderError', leader: null } } })
      })

      it('maps ProposalDroppedError to 503', async () => {
        consensus.kv.onRequest = async () => { throw new ProposalDroppedError('a leadership transfer is under way') }
        expect(await call(method, path, body)).toMatchObject({
          status: 503, json: { error: { name: 'ProposalDroppedError', message: 'a leadership transfer is under way' } }
        })
      })

      it('maps QuorumUnavailableError to 503 with reachable and voters', async () => {
        consensus.kv.onRequest = async () => { throw new QuorumUnavailableError(1, 3) }
        expect(await call(method, path, body)).toMatchObject({
          status: 503,
          json: { error: { name: 'QuorumUnavailableError', reachable: 1, voters: 3, message: 'only 1 of 3 voters reachable; a majority is needed' } }
        })
      })

      it('maps ConsensusTimeoutError to 504', async () => {
        consensus.kv.onRequest = async () => { throw new ConsensusTimeoutError('no answer within 5000 ms') }
        expect(await call(method, path, body)).toMatchObject({ status: 504, json: { error: { name: 'ConsensusTimeoutError' } } })
      })

      it('maps GroupStoppedError (the node stopping) to 503', async () => {
        consensus.kv.onRequest = async () => { throw new GroupStoppedError('the group stopped') }
        expect(await call(method, path, body)).toMatchObject({ status: 503, json: { error: { name: 'GroupStoppedError' } } })
      })
    })

    it('answers 504 TimeoutError when a request outlives the operation timeout, aborting it', async () => {
      await server.stop()
      await startServer({ operationTimeoutMs: 50 })
      let aborted: unknown
      consensus.kv.onRequest = async ({ options }) => {
        await new Promise((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => { aborted = options.signal?.reason; reject(options.signal?.reason) })
        })
      }
      expect(await call('PUT', '/api/kv', { key: 'k', value: 'v' })).toMatchObject({ status: 504, json: { error: { name: 'TimeoutError' } } })
      expect((aborted as Error).name).toBe('TimeoutError')
    })
  })

  describe('GET /api/raft', () => {
    it('answers every group, the control group first, with an unknown leader as null', async () => {
      consensus.statusReport = {
        id: PEER_A,
        groups: [
          groupStatus(PEER_A, { group: 'zeta', role: 'candidate', leader: undefined, quorumActive: false }),
          groupStatus(PEER_A, { role: 'follower', leader: PEER_B, progress: undefined })
        ]
      }
      const answer = await call('GET', '/api/raft')
      expect(answer.status).toBe(200)
      expect(answer.json).toEqual({
        id: PEER_A,
        groups: [
          { ...groupStatus(PEER_A, { role: 'follower', leader: PEER_B }) },
          { ...groupStatus(PEER_A, { group: 'zeta', role: 'candidate', quorumActive: false }), leader: null }
        ]
      })
    })

    it('passes the leader\'s progress of each follower through', async () => {
      const progress = { [PEER_B]: { match: 12, next: 13, state: 'replicate' as const, recentActive: true, inflight: 0, learner: false } }
      consensus.statusReport = { id: PEER_A, groups: [groupStatus(PEER_A, { progress })] }
      expect((await call('GET', '/api/raft')).json.groups[0].progress).toEqual(progress)
    })
  })

  describe('GET /api/health', () => {
    it('adds the control group as this node sees it', async () => {
      expect((await call('GET', '/api/health')).json.consensus).toEqual({
        enabled: true, role: 'leader', leader: PEER_A, term: 3, quorumActive: true, voters: 3, member: true
      })
    })

    it('says when the node is not a member of the control group yet, or runs without consensus', async () => {
      consensus.statusReport = { id: PEER_A, groups: [groupStatus(PEER_A, { role: 'follower', leader: undefined, voters: [PEER_B], quorumActive: false })] }
      expect((await call('GET', '/api/health')).json.consensus).toEqual({
        enabled: true, role: 'follower', leader: null, term: 3, quorumActive: false, voters: 1, member: false
      })
      consensus.statusReport = { id: PEER_A, groups: [] }
      expect((await call('GET', '/api/health')).json.consensus).toMatchObject({ enabled: true, role: null, member: false })
      await server.stop()
      await startServer({ consensus: undefined })
      expect((await call('GET', '/api/health')).json.consensus).toEqual({ enabled: false })
    })
  })
})
