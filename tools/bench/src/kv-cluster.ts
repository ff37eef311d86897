/**
 * The contract both sides of the replicated-KV benchmark implement: three members, each a real
 * process on 127.0.0.1 with an HTTP/1.1 JSON API, that the load generator (`kv-load.ts`) and the
 * failover rounds (`kv-failover.ts`) drive the same way whichever system they are.
 */

export type KvSideId = 'etcd' | 'meshwork'

export const KV_SIDES: ReadonlyArray<{ id: KvSideId, label: string }> = [
  { id: 'etcd', label: 'etcd 3.4 (Debian)' },
  { id: 'meshwork', label: 'meshwork raft' }
]

/** Where one member answers HTTP, and the headers every request to it carries (its admin token). */
export interface KvMember {
  index: number
  host: string
  port: number
  headers: Readonly<Record<string, string>>
}

/** One write as it goes on the wire; built once per key and sent many times. */
export interface KvWrite {
  method: 'POST' | 'PUT'
  path: string
  body: Buffer
}

export interface KvCluster {
  readonly side: KvSideId
  readonly size: number
  /** Start every member and form the cluster. */
  start(): Promise<void>
  /**
   * Resolves once every member names the same leader (Meshwork: and the group has all its
   * voters) and one write through each member has been acknowledged; throws when a member has
   * exited or after `timeoutMs`.
   */
  waitReady(timeoutMs: number): Promise<void>
  /** The index of the member every running member names as leader; undefined while they disagree. */
  leader(): Promise<number | undefined>
  member(i: number): KvMember
  /** The request that writes `value` under `key` (UTF-8 strings). */
  encodeWrite(key: string, value: string): KvWrite
  running(i: number): boolean
  /** SIGKILL member `i`; returns `performance.now()` taken right before the signal. */
  kill(i: number): number
  /** Start a killed member again from its data directory. */
  restart(i: number): Promise<void>
  /** The operating-system pid of each running member (for CPU and RSS). */
  pids(): number[]
  /** Stop every member and remove the data directories. */
  stop(): Promise<void>
  /** Settings worth printing with the figures (timeouts, fsync, versions). */
  settings(): string[]
}
