import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ConsensusTimeoutError, NotLeaderError, QuorumUnavailableError } from '@meshwork/consensus'
import { AdminServer, type AdminServerOptions } from '../src/admin/admin-server.js'
import { runCli } from '../src/cli/run.js'
import type { CreateNode } from '../src/node-api.js'
import { collectIo, FakeConsensus, FakeNode, groupStatus, PEER_A, PEER_B } from './fakes.js'

const TOKEN = 'cli-consensus-test-token-0123456789'
const unusedCreateNode: CreateNode = async () => { throw new Error('client commands must not create a node') }

describe('meshwork kv and raft, against a node\'s admin API', () => {
  let dir: string
  let consensus: FakeConsensus
  let server: AdminServer
  let port: number

  async function serve (options: Partial<AdminServerOptions> = {}): Promise<void> {
    server = new AdminServer({ node: new FakeNode(PEER_A), consensus, token: TOKEN, port: 0, stopGraceMs: 200, ...options })
    port = (await server.start()).port
  }

  async function cli (...argv: string[]): Promise<{ code: number, out: string[], err: string[] }> {
    const { out, err, io } = collectIo()
    const code = await runCli([...argv, '--admin-port', String(port), '--admin-token', TOKEN], { createNode: unusedCreateNode, env: {}, io, homeDir: dir })
    return { code, out, err }
  }

  const stored = (key: string): string | undefined => {
    const value = consensus.kv.entries.get(key)?.value
    return value === undefined ? undefined : new TextDecoder().decode(value)
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshwork-cli-consensus-'))
    consensus = new FakeConsensus(PEER_A)
    await serve()
  })

  afterEach(async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  })

  describe('kv get', () => {
    it('prints the value alone, read linearizably unless --consistency says otherwise', async () => {
      consensus.kv.seed('greeting', 'hello mesh')
      expect(await cli('kv', 'get', 'greeting')).toEqual({ code: 0, out: ['hello mesh'], err: [] })
      expect(await cli('kv', 'get', 'greeting', '--consistency', 'local')).toMatchObject({ code: 0, out: ['hello mesh'] })
      expect(consensus.kv.requests.map(request => request.options.consistency)).toEqual(['linearizable', 'local'])
    })

    it('prints a value that is not UTF-8 as base64, saying so on stderr', async () => {
      consensus.kv.seed('raw', new Uint8Array([0xff, 0xfe]))
      expect(await cli('kv', 'get', 'raw')).toEqual({ code: 0, out: ['//4='], err: ['the value of "raw" is not UTF-8: printed as base64'] })
    })

    it('prints the admin API\'s answer with --json', async () => {
      consensus.kv.seed('k', 'v')
      const result = await cli('kv', 'get', 'k', '--json')
      expect(JSON.parse(result.out[0])).toEqual({ key: 'k', value: 'v', valueBase64: 'dg==', modRevision: 1, createRevision: 1 })
    })

    it('exits 1 with KeyNotFoundError for a missing key', async () => {
      const result = await cli('kv', 'get', 'missing')
      expect(result).toMatchObject({ code: 1, out: [] })
      expect(result.err[0]).toBe('meshwork: AdminRequestError: admin API answered 404 KeyNotFoundError: no value under the key "missing"')
    })
  })

  describe('kv put and delete', () => {
    it('writes the words of the value as one UTF-8 text and prints the revision', async () => {
      expect(await cli('kv', 'put', 'greeting', 'hello', 'mesh')).toEqual({ code: 0, out: ['put "greeting" at revision 1'], err: [] })
      expect(stored('greeting')).toBe('hello mesh')
      expect(JSON.parse((await cli('kv', 'put', 'greeting', 'again', '--json')).out[0])).toEqual({ key: 'greeting', revision: 2 })
    })

    it('deletes a key, and says when it was absent', async () => {
      consensus.kv.seed('k', 'v')
      expect(await cli('kv', 'delete', 'k')).toEqual({ code: 0, out: ['deleted "k" at revision 2'], err: [] })
      expect(await cli('kv', 'delete', 'k')).toEqual({ code: 0, out: ['"k" was absent (revision 3)'], err: [] })
      expect(stored('k')).toBeUndefined()
    })
  })

  describe('kv cas', () => {
    it('writes when the key holds the expected value, or is absent with --absent', async () => {
      expect(await cli('kv', 'cas', 'lock', '--absent', 'owner', 'a')).toEqual({ code: 0, out: ['cas "lock" succeeded at revision 1'], err: [] })
      expect(stored('lock')).toBe('owner a')
      expect(await cli('kv', 'cas', 'lock', 'owner a', 'owner', 'b')).toMatchObject({ code: 0, out: ['cas "lock" succeeded at revision 2'] })
      expect(stored('lock')).toBe('owner b')
    })

    it('exits 3 with CompareAndSetFailedError, naming what the key holds, when the expected value does not match', async () => {
      consensus.kv.seed('lock', 'owner b')
      const result = await cli('kv', 'cas', 'lock', 'owner a', 'owner c')
      expect(result).toEqual({
        code: 3,
        out: [],
        err: ['meshwork: CompareAndSetFailedError: "lock" holds "owner b" (revision 1); expected it to hold "owner a": nothing written']
      })
      expect((await cli('kv', 'cas', 'lock', '--absent', 'x')).err[0]).toContain('"lock" holds "owner b" (revision 1); expected it to be absent')
      expect((await cli('kv', 'cas', 'gone', 'x', 'y')).err[0]).toContain('"gone" is absent; expected it to hold "x"')
      expect(stored('lock')).toBe('owner b')
    })

    it('prints the answer with --json before exiting 3', async () => {
      consensus.kv.seed('lock', 'b')
      const result = await cli('kv', 'cas', 'lock', 'a', 'c', '--json')
      expect(result.code).toBe(3)
      expect(JSON.parse(result.out[0])).toMatchObject({ key: 'lock', succeeded: false, current: { value: 'b' } })
    })
  })

  describe('Raft\'s errors', () => {
    it.each([
      [new NotLeaderError(PEER_B), `admin API answered 421 NotLeaderError: not the leader; the leader is ${PEER_B}`],
      [new QuorumUnavailableError(1, 3), 'admin API answered 503 QuorumUnavailableError: only 1 of 3 voters reachable'],
      [new ConsensusTimeoutError('no answer within 5000 ms'), 'admin API answered 504 ConsensusTimeoutError: no answer within 5000 ms']
    ])('exit 1 with %p', async (error, message) => {
      consensus.kv.onRequest = async () => { throw error }
      for (const argv of [['kv', 'get', 'k'], ['kv', 'put', 'k', 'v'], ['kv', 'cas', 'k', '--absent', 'v'], ['kv', 'delete', 'k']]) {
        const result = await cli(...argv)
        expect(result.code).toBe(1)
        expect(result.err[0]).toContain(message)
      }
    })

    it('exit 1 with ConsensusDisabledError on a node without consensus', async () => {
      await server.stop()
      await serve({ consensus: undefined })
      for (const argv of [['kv', 'get', 'k'], ['raft']]) {
        const result = await cli(...argv)
        expect(result.code).toBe(1)
        expect(result.err[0]).toContain('503 ConsensusDisabledError')
      }
    })
  })

  describe('raft', () => {
    it('prints one row per group: role, leader, term, indexes, voters, learners, quorum', async () => {
      consensus.statusReport = {
        id: PEER_A,
        groups: [
          groupStatus(PEER_A, { learners: ['12D3KooWLearner'] }),
          groupStatus(PEER_A, { group: 'jobs', role: 'follower', leader: undefined, term: 7, commit: 40, applied: 38, quorumActive: false })
        ]
      }
      const result = await cli('raft')
      expect(result.code).toBe(0)
      expect(result.out.map(line => line.split(/\s{2,}/))).toEqual([
        ['GROUP', 'ROLE', 'LEADER', 'TERM', 'COMMIT', 'APPLIED', 'VOTERS', 'LEARNERS', 'QUORUM'],
        ['control', 'leader', `${PEER_A} (self)`, '3', '12', '12', '3', '1', 'yes'],
        ['jobs', 'follower', '-', '7', '40', '38', '3', '0', 'no']
      ])
    })

    it('names another leader as is, and prints the admin API\'s answer with --json', async () => {
      consensus.statusReport = { id: PEER_A, groups: [groupStatus(PEER_A, { role: 'follower', leader: PEER_B })] }
      expect((await cli('raft')).out[1]).toMatch(new RegExp(`^control\\s+follower\\s+${PEER_B}\\s+3`))
      const answer = JSON.parse((await cli('raft', '--json')).out[0]) as { id: string, groups: Array<{ leader: string, voters: string[] }> }
      expect(answer).toMatchObject({ id: PEER_A, groups: [{ leader: PEER_B }] })
      expect(answer.groups[0].voters).toHaveLength(3)
    })

    it('says so on stderr when the node belongs to no group yet', async () => {
      consensus.statusReport = { id: PEER_A, groups: [] }
      expect(await cli('raft')).toEqual({
        code: 0,
        out: ['GROUP  ROLE  LEADER  TERM  COMMIT  APPLIED  VOTERS  LEARNERS  QUORUM'],
        err: [`node ${PEER_A} belongs to no Raft group yet`]
      })
    })
  })

  it('status shows the control group', async () => {
    const status = await cli('status')
    expect(status.out.join('\n')).toMatch(new RegExp(`^consensus\\s+leader in term 3, leader this node, 3 voters, quorum active$`, 'm'))
    consensus.statusReport = { id: PEER_A, groups: [groupStatus(PEER_A, { role: 'follower', leader: PEER_B, voters: [PEER_B] })] }
    expect((await cli('status')).out.join('\n')).toMatch(/^consensus\s+joining the control group \(not a member yet\)$/m)
    await server.stop()
    await serve({ consensus: undefined })
    expect((await cli('status')).out.join('\n')).toMatch(/^consensus\s+off$/m)
  })
})
