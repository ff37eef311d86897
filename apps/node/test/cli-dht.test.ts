import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { AdminServer } from '../src/admin/admin-server.js'
import { runCli } from '../src/cli/run.js'
import type { CreateNode } from '../src/node-api.js'
import { collectIo, FakeDht, FakeNode, PEER_A, PEER_B } from './fakes.js'

const TOKEN = 'cli-dht-test-token-0123456789'
const unusedCreateNode: CreateNode = async () => { throw new Error('client commands must not create a node') }

describe('meshwork dht, against a node\'s admin API', () => {
  let dir: string
  let dht: FakeDht
  let server: AdminServer
  let port: number

  async function serve (withDht: boolean): Promise<void> {
    server = new AdminServer({ node: new FakeNode(PEER_A), ...(withDht ? { dht } : {}), token: TOKEN, port: 0 })
    port = (await server.start()).port
  }

  async function cli (...argv: string[]): Promise<{ code: number, out: string[], err: string[] }> {
    const { out, err, io } = collectIo()
    const code = await runCli([...argv, '--admin-port', String(port), '--admin-token', TOKEN], { createNode: unusedCreateNode, env: {}, io, homeDir: dir })
    return { code, out, err }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshwork-cli-dht-'))
    dht = new FakeDht(PEER_A)
    await serve(true)
  })

  afterEach(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('put stores the text as this node\'s record, with --ttl, and prints where it went', async () => {
    const put = await cli('dht', 'put', 'greeting', 'hello', 'mesh', '--ttl', '60000')
    expect(put).toEqual({ code: 0, out: [`stored "greeting" (10 bytes, sequence 1) at 1 peer; key /mw-signed/${PEER_A}/greeting`], err: [] })
    expect(new TextDecoder().decode(dht.records.get(`${PEER_A}/greeting`)?.value)).toBe('hello mesh')
    expect(dht.queries[0]).toMatchObject({ ttlMs: 60_000 })
    const json = await cli('dht', 'put', 'greeting', 'again', '--json')
    expect(JSON.parse(json.out[0])).toEqual({ name: 'greeting', key: `/mw-signed/${PEER_A}/greeting`, sequence: '2', bytes: 5, storedAt: [PEER_B] })
  })

  it('get prints a record of this node or of another owner', async () => {
    await cli('dht', 'put', 'greeting', 'hello')
    const own = await cli('dht', 'get', 'greeting')
    expect(own.code).toBe(0)
    expect(own.out).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^owner\\s+${PEER_A}$`)),
      expect.stringMatching(/^value\s+hello$/),
      expect.stringMatching(/^sequence\s+1$/),
      expect.stringMatching(/^expires\s+2023-11-1\dT/),
      expect.stringMatching(/^found\s+1 hop away, 2 peers queried$/)
    ]))

    dht.records.set(`${PEER_B}/blob`, { owner: PEER_B, name: 'blob', value: new Uint8Array([0xff, 0]), sequence: 4n, expiresAt: 0, queried: 1, hops: 0 })
    const other = await cli('dht', 'get', PEER_B, 'blob')
    expect(other.out).toContainEqual(expect.stringMatching(/^value \(base64\)\s+\/wA=$/))
    expect(other.out).toContainEqual(expect.stringMatching(/^found\s+0 hops away, 1 peer queried$/))
    expect(JSON.parse((await cli('dht', 'get', PEER_B, 'blob', '--json')).out[0])).toMatchObject({ owner: PEER_B, value: null, valueBase64: '/wA=', sequence: '4' })
  })

  it('get of a record nobody holds exits 1 with RecordNotFoundError', async () => {
    const missing = await cli('dht', 'get', PEER_B, 'nothing-here')
    expect(missing.code).toBe(1)
    expect(missing.out).toEqual([])
    expect(missing.err[0]).toBe(`meshwork: AdminRequestError: admin API answered 404 RecordNotFoundError: no valid record for /mw-signed/${PEER_B}/nothing-here`)
  })

  it('get with an owner that is not a peer id exits 1 with InvalidRequestError', async () => {
    const bad = await cli('dht', 'get', 'not-a-peer', 'name')
    expect(bad.code).toBe(1)
    expect(bad.err[0]).toContain('400 InvalidRequestError: "owner" must be a peer id')
  })

  it('provide announces a name, find-providers lists who provides it', async () => {
    expect((await cli('dht', 'provide', 'service/search')).out).toEqual(['providing "service/search" (cid bafkfakeservice/search)'])
    const found = await cli('dht', 'find-providers', 'service/search')
    expect(found.code).toBe(0)
    expect(found.out[0]).toMatch(/^PEER ID\s+ADDRESS$/)
    expect(found.out[1]).toMatch(new RegExp(`^${PEER_A}\\s+/ip4/127\\.0\\.0\\.1/tcp/4001/p2p/${PEER_A}$`))
    expect(JSON.parse((await cli('dht', 'find-providers', 'service/search', '--json')).out[0]).providers).toHaveLength(1)
    expect(await cli('dht', 'find-providers', 'service/none')).toMatchObject({ code: 0, out: ['no providers of "service/none" found'] })
  })

  it('find-peer prints the peer\'s addresses; a peer nobody knows exits 1 with PeerNotFoundError', async () => {
    dht.peers.set(PEER_B, { id: PEER_B, addresses: ['/ip4/127.0.0.1/tcp/4002', '/ip4/10.0.0.2/tcp/4002'], queried: 3, hops: 2 })
    const found = await cli('dht', 'find-peer', PEER_B)
    expect(found.code).toBe(0)
    expect(found.out).toEqual([
      `peer id    ${PEER_B}`,
      'addresses  /ip4/127.0.0.1/tcp/4002',
      '           /ip4/10.0.0.2/tcp/4002',
      'found      2 hops away, 3 peers queried'
    ])
    dht.peers.clear()
    const missing = await cli('dht', 'find-peer', PEER_B)
    expect(missing.code).toBe(1)
    expect(missing.err[0]).toContain('404 PeerNotFoundError')
  })

  it('every action exits 1 with DhtDisabledError when the node runs without a DHT', async () => {
    await server.stop()
    await serve(false)
    for (const argv of [['put', 'n', 'v'], ['get', 'n'], ['provide', 'n'], ['find-providers', 'n'], ['find-peer', PEER_B]]) {
      const result = await cli('dht', ...argv)
      expect(result.code).toBe(1)
      expect(result.err[0]).toContain('503 DhtDisabledError')
    }
  })

  it('status shows the DHT, or that it is off', async () => {
    expect((await cli('status')).out).toContainEqual(expect.stringMatching(/^dht\s+server on \/meshwork\/default\/kad\/1\.0\.0 \(2 peers in the routing table\)$/))
    await server.stop()
    await serve(false)
    expect((await cli('status')).out).toContainEqual(expect.stringMatching(/^dht\s+off$/))
  })

  it('exits 2 for a dht usage error, without calling the node', async () => {
    const result = await cli('dht', 'remove', 'x')
    expect(result.code).toBe(2)
    expect(result.err[0]).toContain('UsageError: unknown dht action "remove"')
    expect(dht.queries).toHaveLength(0)
  })
})
