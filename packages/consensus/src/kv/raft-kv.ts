import type { AbortOptions } from '@meshwork/core-mesh'
import { anySignal } from 'any-signal'
import { raceSignal } from 'race-signal'
import { deferred } from '../util/deferred.js'
import { ConsensusTimeoutError, InvalidKvRequestError, NotLeaderError, ProposalDroppedError, QuorumUnavailableError } from '../errors.js'
import type { RaftGroup } from '../group/raft-group.js'
import { encodeKvCommand } from './kv-command-codec.js'
import { KV_LIMITS } from './kv-limits.js'
import type { KvStateMachine } from './kv-state-machine.js'
import type { KvCommand, KvEntry, KvReadOptions, KvResult, KvWriteOptions, ReplicatedKv, RequestId } from './kv-types.js'

export interface RaftKvInit {
  /** Unique among all clients of the group, across restarts (e.g. node id + random suffix). */
  readonly clientId: string
  /** Deadline of a write or a linearizable read. */
  readonly requestTimeoutMs: number
  /** How long to wait for an answer before proposing again (about an election timeout). */
  readonly retryMs: number
}

const encoder = new TextEncoder()

/**
 * The replicated KV store over one Raft group. Writes are proposed (forwarded to the leader from
 * a follower) and answered when this member applies them; a write that is not applied within
 * `retryMs` — the leader changed, a forwarded proposal was lost — is proposed again with the same
 * request id, which the state machine executes once. Linearizable reads ask the leader for a read
 * index and answer from the local state once it has applied that far.
 */
export class RaftKv implements ReplicatedKv {
  private readonly waiters = new Map<number, (result: KvResult) => void>()
  private seq = 0
  private readonly detach: () => void

  constructor (
    private readonly group: RaftGroup<KvResult | undefined>,
    private readonly state: KvStateMachine,
    private readonly init: RaftKvInit
  ) {
    this.detach = group.onApplied((_entry, result) => {
      if (result === undefined || result.request.client !== init.clientId) return
      this.waiters.get(result.request.seq)?.(result)
    })
  }

  /** Stop listening to the group (pending calls end with their deadline). */
  close (): void {
    this.detach()
  }

  async get (key: string, options: KvReadOptions = {}): Promise<KvEntry | undefined> {
    checkKey(key)
    if (options.consistency === 'local') return this.state.get(key)
    const deadline = this.deadline(options.signal)
    try {
      const context = encoder.encode(`${this.init.clientId}/r${++this.seq}`)
      const index = await this.retrying(deadline.signal, async (attempt) => {
        this.group.requestRead(context)
        return await this.group.whenRead(context, attempt)
      })
      await this.group.whenApplied(index, deadline.signal)
      return this.state.get(key)
    } catch (err) {
      throw deadline.translate(err)
    } finally {
      deadline.clear()
    }
  }

  async put (key: string, value: Uint8Array, options: KvWriteOptions = {}): Promise<KvResult> {
    return await this.write({ op: 'put', key, value, request: options.request ?? this.newRequest() }, options)
  }

  async cas (key: string, expected: Uint8Array | undefined, value: Uint8Array, options: KvWriteOptions = {}): Promise<KvResult> {
    return await this.write({ op: 'cas', key, expected, value, request: options.request ?? this.newRequest() }, options)
  }

  async delete (key: string, options: KvWriteOptions = {}): Promise<KvResult> {
    return await this.write({ op: 'delete', key, request: options.request ?? this.newRequest() }, options)
  }

  /**
   * A fresh request id of this store's client. Pass it in `options.request` to make a write
   * retryable: a retry with the same id after a `ConsensusTimeoutError` is applied at most once
   * and answers with the first attempt's result.
   */
  newRequest (): RequestId {
    return { client: this.init.clientId, seq: ++this.seq }
  }


  /** A write to a reserved key (`KV_LIMITS.reservedPrefix`), for Meshwork's own records. */
  async putReserved (key: string, value: Uint8Array, options: AbortOptions = {}): Promise<KvResult> {
    if (!key.startsWith(KV_LIMITS.reservedPrefix)) throw new InvalidKvRequestError(`${key} is not a reserved key`)
    return await this.write({ op: 'put', key, value, request: this.newRequest() }, options, true)
  }

  private async write (command: KvCommand, options: KvWriteOptions, reserved = false): Promise<KvResult> {
    checkKey(command.key)
    if (!reserved && command.key.startsWith(KV_LIMITS.reservedPrefix)) throw new InvalidKvRequestError(`keys starting with ${JSON.stringify(KV_LIMITS.reservedPrefix)} are reserved`)
    if ('value' in command) checkValue(command.value)
    if (command.op === 'cas' && command.expected !== undefined) checkValue(command.expected)
    if (command.request.client !== this.init.clientId || command.request.seq > this.seq) throw new InvalidKvRequestError('request ids must come from this store\'s newRequest()')
    if (this.waiters.has(command.request.seq)) throw new InvalidKvRequestError(`request ${command.request.seq} is already pending`)
    const data = encodeKvCommand(command)
    const deadline = this.deadline(options.signal)
    const { promise, resolve } = deferred<KvResult>()
    this.waiters.set(command.request.seq, resolve)
    try {
      return await this.retrying(deadline.signal, async (attempt) => {
        this.group.propose(data)
        return await raceSignal(promise, attempt)
      })
    } catch (err) {
      throw deadline.translate(err)
    } finally {
      this.waiters.delete(command.request.seq)
      deadline.clear()
    }
  }

  /**
   * Runs `attempt` until it answers, giving each try `retryMs`. Dropped proposals and reads (no
   * leader yet, leadership moving) are retried until the deadline; a leader that cannot reach a
   * quorum refuses at once.
   */
  private async retrying<T>(deadline: AbortSignal, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    // Refused at once, before anything is proposed: a retry must not throw it, since an earlier
    // attempt may still commit.
    this.refuseWithoutQuorum()
    for (;;) {
      deadline.throwIfAborted()
      const tryTimeout = AbortSignal.timeout(this.init.retryMs)
      const signal = anySignal([deadline, tryTimeout])
      try {
        return await attempt(signal)
      } catch (err) {
        if (deadline.aborted) throw err
        if (err instanceof NotLeaderError) throw err
        if (!(err instanceof ProposalDroppedError) && !tryTimeout.aborted) throw err
        if (err instanceof ProposalDroppedError) await sleep(Math.min(this.init.retryMs, 50), deadline)
      } finally {
        signal.clear()
      }
    }
  }

  private refuseWithoutQuorum (): void {
    // On every write: the cheap checks first, the full status only to report a refusal.
    if (!this.group.isLeader || this.group.core.quorumActive()) return
    const status = this.group.status()
    const voters = status.confState.voters.length
    const reachable = Object.entries(status.progress ?? {}).filter(([id, progress]) => id === status.id || (progress.recentActive && !progress.learner)).length
    throw new QuorumUnavailableError(reachable, voters)
  }

  private deadline (signal: AbortSignal | undefined): { signal: AbortSignal, translate: (err: unknown) => unknown, clear: () => void } {
    const timeout = AbortSignal.timeout(this.init.requestTimeoutMs)
    const combined = anySignal([signal, timeout])
    return {
      signal: combined,
      translate: (err) => {
        if (signal?.aborted === true) return signal.reason
        if (timeout.aborted) return new ConsensusTimeoutError(`no answer within ${this.init.requestTimeoutMs} ms (leader: ${this.group.leader ?? 'none known'})`)
        return err
      },
      clear: () => { combined.clear() }
    }
  }
}

function checkKey (key: string): void {
  const bytes = encoder.encode(key).length
  if (bytes === 0 || bytes > KV_LIMITS.maxKeyBytes) throw new InvalidKvRequestError(`a key must have 1 to ${KV_LIMITS.maxKeyBytes} bytes, not ${bytes}`)
}

function checkValue (value: Uint8Array): void {
  if (value.length > KV_LIMITS.maxValueBytes) throw new InvalidKvRequestError(`a value must have at most ${KV_LIMITS.maxValueBytes} bytes, not ${value.length}`)
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done (): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
