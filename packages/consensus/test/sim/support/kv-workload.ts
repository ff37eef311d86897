import type { SeededRandom } from '@meshwork/core-mesh/testkit'
import type { KvCommand, KvEntry, KvResult, RequestId } from '../../../src/kv/kv-types.js'
import { HistoryRecorder, type KvInput, type KvOutput, type PendingOperation } from '../../support/linearizability/index.js'
import type { RaftSimCluster } from './raft-sim-cluster.js'
import type { SimMember } from './sim-member.js'

export interface WorkloadOptions {
  readonly clients: number
  readonly keys: number
  /** How long a client waits for one attempt before giving up on it. */
  readonly attemptTimeoutMs: { readonly min: number, readonly max: number }
  /** Pause between a client's operations. */
  readonly thinkMs: { readonly min: number, readonly max: number }
  /** Chance that a client retries a timed-out write, with the same request id, at another member. */
  readonly retryChance: number
}

/** A write a client was told succeeded, with the log index the state machine gave it. */
export interface AckedWrite {
  readonly client: string
  readonly request: RequestId
  readonly key: string
  readonly op: KvCommand['op']
  readonly revision: number
  readonly member: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * Clients issuing random get, put, cas and delete on a handful of keys against random members,
 * each operation with a deadline, recording the history for the linearizability checker.
 * Values are unique strings (`<client>.<seq>`), so every read names the write it saw.
 *
 * An attempt the member refuses at once (`ProposalDroppedError`, member down) definitely had no
 * effect and is left out of the history; an attempt that times out may still take effect, so its
 * operation ends with an unknown outcome unless a retry (same request id) gets the answer.
 */
export class KvWorkload {
  readonly recorder: HistoryRecorder<KvInput, KvOutput>
  readonly acked: AckedWrite[] = []
  private readonly keys: string[]
  private stopAt = 0
  private finalReadsLeft = 0

  constructor (
    private readonly cluster: RaftSimCluster,
    private readonly random: SeededRandom,
    private readonly options: WorkloadOptions
  ) {
    this.recorder = new HistoryRecorder(() => cluster.clock.now())
    this.keys = Array.from({ length: options.keys }, (_, i) => `k${i}`)
  }

  /** Clients issue operations until `stopAt` (operations in flight then run to their deadline). */
  start (stopAt: number): void {
    this.stopAt = stopAt
    for (let c = 1; c <= this.options.clients; c++) {
      const client = new Client(`c${c}`, this.random.fork(`c${c}`))
      this.cluster.clock.setTimeout(() => { this.next(client) }, this.think(client))
    }
  }

  /**
   * Every client reads every key once more, one after the other, retrying refused reads. Returns
   * a predicate that holds once all of them are answered (or given up).
   */
  finalReads (): () => boolean {
    const clients = Array.from({ length: this.options.clients }, (_, i) => new Client(`c${i + 1}-final`, this.random.fork(`final-${i}`)))
    this.finalReadsLeft = clients.length * this.keys.length
    for (const client of clients) {
      const readAll = (keys: string[], attempts: number): void => {
        if (keys.length === 0) return
        const [key, ...rest] = keys
        this.read(client, key, 2_000, answered => {
          if (answered || attempts >= 10) {
            this.finalReadsLeft--
            readAll(rest, 0)
          } else {
            this.cluster.clock.setTimeout(() => { readAll(keys, attempts + 1) }, 50)
          }
        })
      }
      readAll(this.keys, 0)
    }
    return () => this.finalReadsLeft === 0
  }

  private think (client: Client): number {
    const { min, max } = this.options.thinkMs
    return min + client.random.int(max - min + 1)
  }

  private timeout (client: Client): number {
    const { min, max } = this.options.attemptTimeoutMs
    return min + client.random.int(max - min + 1)
  }

  private next (client: Client): void {
    if (this.cluster.clock.now() >= this.stopAt) return
    const proceed = (): void => { this.cluster.clock.setTimeout(() => { this.next(client) }, this.think(client)) }
    const key = client.random.pick(this.keys)
    const dice = client.random.int(100)
    if (dice < 40) {
      this.read(client, key, this.timeout(client), proceed)
      return
    }
    const request: RequestId = { client: client.name, seq: ++client.seq }
    const value = `${client.name}.${client.seq}`
    let command: KvCommand
    let input: KvInput
    if (dice < 70) {
      command = { op: 'put', key, value: encoder.encode(value), request }
      input = { op: 'put', key, value }
    } else if (dice < 90) {
      const expected = this.chooseExpected(client, key)
      command = { op: 'cas', key, expected: expected === undefined ? undefined : encoder.encode(expected), value: encoder.encode(value), request }
      input = { op: 'cas', key, expected, value }
    } else {
      command = { op: 'delete', key, request }
      input = { op: 'delete', key }
    }
    this.write(client, command, input, proceed)
  }

  /** Mostly the value this client last saw, sometimes absent, sometimes a stale guess. */
  private chooseExpected (client: Client, key: string): string | undefined {
    const dice = client.random.int(100)
    if (dice < 70) return client.lastSeen.get(key)
    if (dice < 85) return undefined
    const seen = [...client.everSeen.get(key) ?? []]
    return seen.length === 0 ? undefined : client.random.pick(seen)
  }

  private write (client: Client, command: KvCommand, input: KvInput, done: () => void): void {
    let pending: PendingOperation<KvOutput> | undefined
    let settled = false
    const via: string[] = []
    const finish = (): void => { settled = true; done() }
    const onResult = (member: SimMember) => (result: KvResult): void => {
      if (settled || pending === undefined) return
      if (command.op !== 'delete') client.saw(command.key, command.op === 'cas' && !result.succeeded ? decodeValue(result.previous) : decoder.decode(command.value))
      else client.saw(command.key, undefined)
      this.acked.push({ client: client.name, request: command.request, key: command.key, op: command.op, revision: result.revision, member: member.id })
      pending.complete({ kind: 'write', ok: result.succeeded }, `via ${via.join('→')} @${result.revision}`)
      settled = true
      this.cluster.clock.setTimeout(done, 0)
    }
    const attempt = (retry: boolean): void => {
      const member = this.pickMember(client)
      // Recorded before the request is made: a member may answer at once.
      pending ??= this.recorder.invoke(client.name, input, `${command.request.client}#${command.request.seq}`)
      if (member !== undefined) via.push(member.id)
      const accepted = member !== undefined && member.submitWrite(command, onResult(member))
      if (settled) return
      if (!accepted) {
        // Refused before anything was proposed: it never happened, unless an earlier attempt may still take effect.
        if (retry) pending.abandon(`via ${via.join('→')}, retry refused`)
        else pending.fail()
        finish()
        return
      }
      this.cluster.clock.setTimeout(() => {
        if (settled || pending === undefined) return
        if (!retry && client.random.chance(this.options.retryChance)) {
          attempt(true)
          return
        }
        pending.abandon(`via ${via.join('→')}, timed out`)
        finish()
      }, this.timeout(client))
    }
    attempt(false)
  }

  /** `done(answered)`: answered is false when the read was refused or timed out. */
  private read (client: Client, key: string, timeoutMs: number, done: (answered: boolean) => void): void {
    const member = this.pickMember(client)
    const context = `${client.name}/r${++client.reads}`
    // Recorded before the request is made: a member may answer at once.
    const pending = this.recorder.invoke(client.name, { op: 'get', key })
    let settled = false
    const accepted = member !== undefined && member.submitRead(key, context, (entry: KvEntry | undefined, index: number) => {
      if (settled) return
      settled = true
      const value = decodeValue(entry)
      client.saw(key, value)
      pending.complete({ kind: 'read', value }, `via ${member.id} read index ${index}`)
      this.cluster.clock.setTimeout(() => { done(true) }, 0)
    })
    if (settled) return
    if (!accepted) {
      settled = true
      pending.fail()
      this.cluster.clock.setTimeout(() => { done(false) }, 0)
      return
    }
    this.cluster.clock.setTimeout(() => {
      if (settled) return
      settled = true
      pending.abandon(`via ${member.id}, timed out`)
      done(false)
    }, timeoutMs)
  }

  /** A random member of the group that is not stopped for good; voters more often than learners. */
  private pickMember (client: Client): SimMember | undefined {
    const configuration = this.cluster.latestConfiguration()
    const members = this.cluster.activeMembers()
    const voters = members.filter(m => configuration.voters.includes(m.id))
    const pool = voters.length > 0 && client.random.chance(0.8) ? voters : members
    return pool.length === 0 ? undefined : client.random.pick(pool)
  }
}

class Client {
  seq = 0
  reads = 0
  readonly lastSeen = new Map<string, string | undefined>()
  readonly everSeen = new Map<string, Set<string>>()

  constructor (readonly name: string, readonly random: SeededRandom) {}

  saw (key: string, value: string | undefined): void {
    this.lastSeen.set(key, value)
    if (value === undefined) return
    const seen = this.everSeen.get(key) ?? new Set<string>()
    seen.add(value)
    this.everSeen.set(key, seen)
  }
}

function decodeValue (entry: KvEntry | undefined): string | undefined {
  return entry === undefined ? undefined : decoder.decode(entry.value)
}
