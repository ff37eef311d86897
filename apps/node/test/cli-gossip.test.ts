import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { NoSubscribersError } from '@meshwork/gossip'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { runCli } from '../src/cli/run.js'
import type { CreateNode } from '../src/node-api.js'
import { collectIo, FakeMembership, FakeNode, FakePubSub, member, PEER_A, PEER_B } from './fakes.js'

const TOKEN = 'cli-gossip-test-token-0123456789'
const PEER_C = '12D3KooWCnodeCnodeCnodeCnodeCnodeCnodeCnodeCnodeC1'
const unusedCreateNode: CreateNode = async () => { throw new Error('client commands must not create a node') }

async function until (condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

describe('meshwork members, health, publish and subscribe, against a node\'s admin API', () => {
  let dir: string
  let node: FakeNode
  let membership: FakeMembership
  let pubsub: FakePubSub
  let server: AdminServer
  let port: number

  async function serve (options: Partial<AdminServerOptions> = {}): Promise<void> {
    server = new AdminServer({ node, membership, pubsub, token: TOKEN, port: 0, stopGraceMs: 200, ...options })
    port = (await server.start()).port
  }

  async function cli (...argv: string[]): Promise<{ code: number, out: string[], err: string[] }> {
    const { out, err, io } = collectIo()
    const code = await runCli([...argv, '--admin-port', String(port), '--admin-token', TOKEN], { createNode: unusedCreateNode, env: {}, io, homeDir: dir })
    return { code, out, err }
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshwork-cli-gossip-'))
    node = new FakeNode(PEER_A)
    membership = new FakeMembership(PEER_A)
    pubsub = new FakePubSub()
    await serve()
  })

  afterEach(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  describe('members', () => {
    it('prints this node first, then alive, suspect, dead and left members, with their metadata', async () => {
      membership.memberList = [
        member(PEER_C, 'dead', { incarnation: 3 }),
        member(PEER_B, 'suspect', { incarnation: 2, metadata: { region: 'us', roles: ['relay', 'edge'], tags: {} } }),
        member(PEER_A, 'alive', { metadata: { region: 'eu', roles: ['seed'], tags: { rack: 'r1', zone: 'a' } } })
      ]
      const result = await cli('members')
      expect(result.code).toBe(0)
      expect(result.out.map(line => line.split(/\s{2,}/))).toEqual([
        ['PEER ID', 'STATE', 'INCARNATION', 'REGION', 'ROLES', 'TAGS'],
        [`${PEER_A} (self)`, 'alive', '1', 'eu', 'seed', 'rack=r1,zone=a'],
        [PEER_B, 'suspect', '2', 'us', 'relay,edge', '-'],
        [PEER_C, 'dead', '3', '-', '-', '-']
      ])
    })

    it('prints the admin API\'s answer with --json', async () => {
      const answer = JSON.parse((await cli('members', '--json')).out[0]) as { self: string, status: string, members: Array<{ id: string }> }
      expect(answer).toMatchObject({ self: PEER_A, status: 'HEALTHY', localHealth: 0 })
      expect(answer.members.map(m => m.id).sort()).toEqual([PEER_A, PEER_B].sort())
    })

    it('exits 1 with GossipDisabledError when the node runs without gossip', async () => {
      await server.stop()
      await serve({ membership: undefined })
      const result = await cli('members')
      expect(result.code).toBe(1)
      expect(result.err[0]).toContain('503 GossipDisabledError')
    })
  })

  describe('health and status', () => {
    it('health prints the mesh, the membership and the local health, and exits 0 while HEALTHY or DEGRADED', async () => {
      node.healthReport = { status: 'DEGRADED', members: 3, unreachable: 1 }
      membership.memberList = [member(PEER_A, 'alive'), member(PEER_B, 'alive'), member(PEER_C, 'suspect')]
      const result = await cli('health')
      expect(result).toEqual({
        code: 0,
        out: [
          'mesh          DEGRADED (3 members, 1 unreachable)',
          'membership    HEALTHY (2 alive, 1 suspect, 0 dead, 0 left), pub/sub on',
          'local health  0 (0 is healthy; higher slows this node\'s probes)'
        ],
        err: []
      })
    })

    it('health exits 1 with NodeUnhealthyError, after printing, when the membership is PARTITIONED or the mesh CRITICAL', async () => {
      membership.statusValue = 'PARTITIONED'
      membership.memberList = [member(PEER_A, 'alive'), member(PEER_B, 'dead'), member(PEER_C, 'dead')]
      const partitioned = await cli('health')
      expect(partitioned.code).toBe(1)
      expect(partitioned.out[1]).toBe('membership    PARTITIONED (1 alive, 0 suspect, 2 dead, 0 left), pub/sub on')
      expect(partitioned.err[0]).toBe('meshwork: NodeUnhealthyError: the node is unhealthy: the membership is PARTITIONED')

      node.healthReport = { status: 'CRITICAL', members: 3, unreachable: 2 }
      const json = await cli('health', '--json')
      expect(json.code).toBe(1)
      expect(JSON.parse(json.out[0])).toMatchObject({ healthy: false, status: 'CRITICAL', gossip: { enabled: true, status: 'PARTITIONED' } })
      expect(json.err[0]).toContain('the mesh is CRITICAL, the membership is PARTITIONED')
    })

    it('health and status show the membership off on a node without gossip', async () => {
      await server.stop()
      await serve({ membership: undefined, pubsub: undefined })
      const health = await cli('health')
      expect(health).toMatchObject({ code: 0, out: ['mesh        HEALTHY (3 members, 0 unreachable)', 'membership  off'] })
      expect((await cli('status')).out).toContainEqual(expect.stringMatching(/^membership\s+off$/))
    })

    it('status shows the membership', async () => {
      expect((await cli('status')).out).toContainEqual(expect.stringMatching(/^membership\s+HEALTHY \(2 alive, 0 suspect, 0 dead, 0 left\), pub\/sub on$/))
    })
  })

  describe('publish', () => {
    it('publishes the text on the topic and prints where it went', async () => {
      pubsub.subscriberLists.set('news', [PEER_B, PEER_C])
      const result = await cli('publish', 'news', 'hello', 'mesh')
      expect(result).toEqual({ code: 0, out: [`published 10 bytes on "news" to 2 peers, message id ${PEER_A}/1`], err: [] })
      expect(new TextDecoder().decode(pubsub.published[0].data)).toBe('hello mesh')
      const json = await cli('publish', 'news', 'again', '--json')
      expect(JSON.parse(json.out[0])).toEqual({ topic: 'news', id: `${PEER_A}/2`, bytes: 5, recipients: [PEER_B, PEER_C] })
    })

    it('exits 1 with NoSubscribersError when nobody subscribes, and with PubSubDisabledError without pub/sub', async () => {
      pubsub.onPublish = async (topic) => { throw new NoSubscribersError(topic) }
      const none = await cli('publish', 'news', 'hello')
      expect(none.code).toBe(1)
      expect(none.err[0]).toBe('meshwork: AdminRequestError: admin API answered 409 NoSubscribersError: no reachable subscriber for topic "news"')
      await server.stop()
      await serve({ pubsub: undefined })
      expect((await cli('publish', 'news', 'hello')).err[0]).toContain('503 PubSubDisabledError')
    })
  })

  describe('subscribe', () => {
    it('prints each message\'s text as it arrives and exits 0 after --count, unsubscribing', async () => {
      const running = cli('subscribe', 'news', '--count', '2')
      await until(() => pubsub.subscriptions('news') === 1, 'the node subscribed')
      pubsub.deliver('news', 'first')
      pubsub.deliver('news', new Uint8Array([0xff, 0xfe, 0x00]))
      pubsub.deliver('news', 'one too many')
      const result = await running
      expect(result).toEqual({
        code: 0,
        out: ['first', '(3 bytes, not UTF-8, base64) //4A'],
        err: [`subscribed to "news" on http://127.0.0.1:${port}; exiting after 2 messages`]
      })
      await until(() => pubsub.subscriptions('news') === 0, 'the node unsubscribed')
    })

    it('keeps the subscription past --timeout, which covers setting it up only', async () => {
      const running = cli('subscribe', 'news', '--count', '1', '--timeout', '100')
      await until(() => pubsub.subscriptions('news') === 1, 'the node subscribed')
      await new Promise(resolve => setTimeout(resolve, 400))
      pubsub.deliver('news', 'after the timeout')
      expect(await running).toMatchObject({ code: 0, out: ['after the timeout'] })
    })

    it('prints each message as a JSON line with --json', async () => {
      const running = cli('subscribe', 'news', '--count', '1', '--json')
      await until(() => pubsub.subscriptions('news') === 1, 'the node subscribed')
      pubsub.deliver('news', 'hi', { id: 'm1', origin: PEER_C })
      const result = await running
      expect(result.code).toBe(0)
      expect(JSON.parse(result.out[0])).toEqual({ topic: 'news', id: 'm1', origin: PEER_C, from: PEER_B, data: 'hi', dataBase64: 'aGk=', bytes: 2 })
    })

    it('exits 1 with SubscriptionEndedError when the node ends the stream first', async () => {
      const running = cli('subscribe', 'news', '--count', '5')
      await until(() => pubsub.subscriptions('news') === 1, 'the node subscribed')
      pubsub.deliver('news', 'only one')
      await server.stop()
      const result = await running
      expect(result.code).toBe(1)
      expect(result.out).toEqual(['only one'])
      expect(result.err[1]).toBe('meshwork: SubscriptionEndedError: the subscription to "news" ended after 1 message: the node stopped or the connection broke')
      await serve()
    })

    it('exits 1 without subscribing for a topic the node refuses, or without pub/sub', async () => {
      const bad = await cli('subscribe', 't'.repeat(300))
      expect(bad.code).toBe(1)
      expect(bad.err[0]).toContain('400 TopicNameError')
      await server.stop()
      await serve({ pubsub: undefined })
      expect((await cli('subscribe', 'news')).err[0]).toContain('503 PubSubDisabledError')
    })
  })
})
