import type { AbortOptions } from '@meshwork/core-mesh'

/**
 * Identifies one client request across retries: the state machine executes a given
 * (client, seq) once and answers retries with the first result (exactly-once writes).
 * A client uses increasing `seq` values.
 */
export interface RequestId {
  readonly client: string
  readonly seq: number
}

export type KvCommand =
  | { readonly op: 'put', readonly key: string, readonly value: Uint8Array, readonly request: RequestId }
  /** Succeeds when the current value equals `expected`; `expected: undefined` means "the key is absent". */
  | { readonly op: 'cas', readonly key: string, readonly expected: Uint8Array | undefined, readonly value: Uint8Array, readonly request: RequestId }
  | { readonly op: 'delete', readonly key: string, readonly request: RequestId }

/** A key's current value and the revision (the log index) that last wrote it. */
export interface KvEntry {
  readonly key: string
  readonly value: Uint8Array
  /** Log index of the write that set this value. */
  readonly modRevision: number
  /** Log index of the write that created the key (after it was last absent). */
  readonly createRevision: number
}

export interface KvResult {
  readonly op: KvCommand['op']
  readonly key: string
  readonly request: RequestId
  /** The log index at which the command was applied: the store's revision after it. */
  readonly revision: number
  /** put and delete: always true. cas: whether the expected value matched. */
  readonly succeeded: boolean
  /**
   * The key's entry before the command (absent: undefined). For a failed cas, the value that did
   * not match. Not kept for answering retries: undefined in the answer to a retried request.
   */
  readonly previous: KvEntry | undefined
}

/** How a read is served. */
export type ReadConsistency =
  /** ReadIndex through the leader: linearizable. The default. */
  | 'linearizable'
  /**
   * Through the leader like 'linearizable'; the leader answers from its lease (no heartbeat
   * round) when the group runs with `readOnly: 'lease'`, and with a ReadIndex round otherwise.
   */
  | 'lease'
  /** This member's applied state, possibly stale. */
  | 'local'

export interface KvReadOptions extends AbortOptions {
  readonly consistency?: ReadConsistency
}

export interface KvWriteOptions extends AbortOptions {
  /** An id from the store's `newRequest()`; give the same id to a retry so it is applied at most once. Generated when absent. */
  readonly request?: RequestId
}

/**
 * A replicated key-value store. Writes and linearizable reads fail with a `ConsensusError`:
 * `NotLeaderError` (with the leader's id) when forwarding is off, `ProposalDroppedError`,
 * `QuorumUnavailableError` when a majority is unreachable, `ConsensusTimeoutError` (outcome
 * unknown for writes), and an `AbortError` when the signal fires.
 */
export interface ReplicatedKv {
  /** A fresh request id, to pass in `KvWriteOptions.request` for a write you may retry. */
  newRequest(): RequestId
  get(key: string, options?: KvReadOptions): Promise<KvEntry | undefined>
  put(key: string, value: Uint8Array, options?: KvWriteOptions): Promise<KvResult>
  /** Compare-and-set: write `value` only if the current value equals `expected` (undefined: absent). */
  cas(key: string, expected: Uint8Array | undefined, value: Uint8Array, options?: KvWriteOptions): Promise<KvResult>
  delete(key: string, options?: KvWriteOptions): Promise<KvResult>
}
