/**
 * The admin API's routes of the replicated key-value store and of Raft, all token-protected:
 *
 * | route                                   | answer                                                      |
 * |-----------------------------------------|-------------------------------------------------------------|
 * | `GET /api/kv?key=<key>&consistency=<c>` | `{ key, value, valueBase64, modRevision, createRevision }`; 404 KeyNotFoundError when absent |
 * | `PUT /api/kv`                           | body `{ key, value \| valueBase64 }` → `{ key, revision }`   |
 * | `POST /api/kv/cas`                      | body `{ key, expected \| expectedBase64 \| expected: null, value \| valueBase64 }` → `{ key, succeeded, revision, current }` |
 * | `DELETE /api/kv?key=<key>`              | `{ key, revision, deleted }`                                  |
 * | `GET /api/raft`                         | `{ id, groups: [{ group, role, leader, term, commit, applied, voters, learners, quorumActive, … }] }` |
 *
 * `consistency` is `linearizable` (the default: ReadIndex through the leader), `lease` (the
 * leader's lease, no round trip) or `local` (this member's state, possibly stale). A
 * compare-and-set that does not match is an answer (`succeeded: false`), not an error. Writes
 * and linearizable reads fail with Raft's typed errors: 421 NotLeaderError (with `leader`),
 * 503 ProposalDroppedError and QuorumUnavailableError (with `reachable` and `voters`), 504
 * ConsensusTimeoutError (a write's outcome is then unknown). Without consensus every route
 * answers 503 ConsensusDisabledError.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { CONTROL_GROUP } from '@meshwork/consensus'
import type { NodeConsensus } from '../node-api.js'
import { READ_CONSISTENCIES, kvCasAnswer, kvDeleteAnswer, kvEntryAnswer, kvPutAnswer, raftStatusAnswer } from './consensus-answers.js'
import { ConsensusDisabledError, KeyNotFoundError } from './http-errors.js'
import { readJsonObject, requestUrl, sendJson } from './http-io.js'
import { bytesField, choiceParam, nullableBytesField, queryParam, stringField } from './request-fields.js'
import type { Route } from './route.js'

export interface ConsensusRoutesOptions {
  /** Undefined when the node runs without consensus. */
  consensus: NodeConsensus | undefined
  maxBodyBytes: number
}

/** The KV and Raft routes, as entries for the admin API's route table. */
export function consensusRoutes (options: ConsensusRoutesOptions): Array<[string, Route]> {
  const routes = new ConsensusRoutes(options)
  const route = (method: Route['method'], handle: Route['handle']): Route => ({ method, protected: true, handle })
  return [
    ['/api/kv', route('GET', async (req, res, abort) => { await routes.get(req, res, abort) })],
    ['/api/kv', route('PUT', async (req, res, abort) => { await routes.put(req, res, abort) })],
    ['/api/kv', route('DELETE', async (req, res, abort) => { await routes.delete(req, res, abort) })],
    ['/api/kv/cas', route('POST', async (req, res, abort) => { await routes.cas(req, res, abort) })],
    ['/api/raft', route('GET', async (_req, res) => { sendJson(res, 200, raftStatusAnswer(routes.require().status(), CONTROL_GROUP)) })]
  ]
}

class ConsensusRoutes {
  constructor (private readonly options: ConsensusRoutesOptions) {}

  /** The consensus service, or ConsensusDisabledError (503) before anything is read. */
  require (): NodeConsensus {
    if (this.options.consensus === undefined) throw new ConsensusDisabledError()
    return this.options.consensus
  }

  async get (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const { kv } = this.require()
    const url = requestUrl(req)
    const key = queryParam(url, 'key')
    const consistency = choiceParam(url, 'consistency', READ_CONSISTENCIES, 'linearizable')
    const entry = await kv.get(key, { consistency, signal })
    if (entry === undefined) throw new KeyNotFoundError(key)
    sendJson(res, 200, kvEntryAnswer(entry))
  }

  async put (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const { kv } = this.require()
    const body = await readJsonObject(req, this.options.maxBodyBytes)
    const key = stringField(body, 'key')
    const value = bytesField(body, 'value')
    sendJson(res, 200, kvPutAnswer(key, await kv.put(key, value, { signal })))
  }

  async cas (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const { kv } = this.require()
    const body = await readJsonObject(req, this.options.maxBodyBytes)
    const key = stringField(body, 'key')
    const expected = nullableBytesField(body, 'expected')
    const value = bytesField(body, 'value')
    sendJson(res, 200, kvCasAnswer(key, value, await kv.cas(key, expected, value, { signal })))
  }

  async delete (req: IncomingMessage, res: ServerResponse, { signal }: { signal: AbortSignal }): Promise<void> {
    const { kv } = this.require()
    const key = queryParam(requestUrl(req), 'key')
    sendJson(res, 200, kvDeleteAnswer(key, await kv.delete(key, { signal })))
  }
}
