import { performance } from 'node:perf_hooks'
import type { KvCluster, KvMember } from './kv-cluster.js'
import { failureKind, isAcknowledged, KvHttpClient } from './kv-http.js'
import { benchKey, benchValue } from './kv-load.js'
import type { FailoverParams, LoadParams } from './kv-options.js'

/** One leader kill. Times in ms. */
export interface FailoverRound {
  round: number
  /** The leader, SIGKILLed. */
  killed: number
  /** The follower the client wrote to before the kill. */
  target: number
  /** Writes acknowledged by the target in the `beforeKillMs` before the kill. */
  writesBeforeKill: number
  /** Kill → the first acknowledgement of a write sent after the kill; undefined when none came in `giveUpMs`. */
  failoverMs: number | undefined
  /** The member that acknowledged that write. */
  acknowledgedBy: number | undefined
  /** Attempts sent after the kill up to that acknowledgement. */
  attempts: number
  /** Attempts after the kill that failed, by kind (abandoned ones are `timeout`). */
  errors: Record<string, number>
  /** The leader the survivors agreed on afterwards. */
  newLeader: number | undefined
  /** Restart of the killed member → every member names one leader and took a write. */
  rejoinMs: number
}

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

/** Poll the cluster for a leader all running members agree on, for up to `timeoutMs`. */
async function agreedLeader (cluster: KvCluster, timeoutMs: number): Promise<number | undefined> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const leader = await cluster.leader()
    if (leader !== undefined || performance.now() > deadline) return leader
    await sleep(50)
  }
}

/**
 * One failover round: a client writes to a follower, one write after another; after
 * `beforeKillMs` the leader is SIGKILLed. From then on the client sends a fresh write every
 * `retryEveryMs` to the surviving members in turn (the target first), each abandoned after
 * `attemptTimeoutMs`, without waiting for the earlier ones, until one is acknowledged: the
 * failover time is the kill → that acknowledgement. A write sent before the kill does not count,
 * whenever it is answered: the dead leader may have committed it. Then the killed member is
 * restarted and the round waits until it has rejoined.
 */
export async function runFailoverRound (cluster: KvCluster, round: number, params: FailoverParams, load: LoadParams, readyTimeoutMs: number): Promise<FailoverRound> {
  await cluster.waitReady(readyTimeoutMs)
  const killed = await agreedLeader(cluster, readyTimeoutMs)
  if (killed === undefined) throw new Error(`${cluster.side}: no leader before failover round ${round + 1}`)
  const followers = Array.from({ length: cluster.size }, (_, i) => i).filter(i => i !== killed)
  const target = followers[round % followers.length]
  const survivors: KvMember[] = [target, ...followers.filter(i => i !== target)].map(i => cluster.member(i))
  const value = benchValue(load.valueBytes)
  let key = 0
  const nextWrite = (): ReturnType<KvCluster['encodeWrite']> => {
    key = (key + 1) % load.keys
    return cluster.encodeWrite(benchKey(key), value)
  }
  const http = new KvHttpClient(Math.ceil(params.attemptTimeoutMs / params.retryEveryMs) + 16)
  try {
    // Before the kill: one client, sequential writes to the follower.
    let writesBeforeKill = 0
    let beforeKill = true
    const writer = (async () => {
      while (beforeKill) {
        try {
          const response = await http.send(survivors[0], nextWrite(), params.attemptTimeoutMs)
          if (beforeKill && isAcknowledged(response)) writesBeforeKill++
        } catch { /* counted after the kill only */ }
      }
    })()
    await sleep(params.beforeKillMs)
    if (writesBeforeKill === 0) {
      beforeKill = false
      await writer
      throw new Error(`${cluster.side}: the follower acknowledged no write in the ${params.beforeKillMs} ms before failover round ${round + 1}`)
    }
    const killAt = cluster.kill(killed)
    beforeKill = false

    // After the kill: a fresh attempt every retryEveryMs until one is acknowledged.
    const errors: Record<string, number> = {}
    const abandon = new AbortController()
    let attempts = 0
    const outcome = await new Promise<{ at: number, by: number } | undefined>(resolve => {
      let done = false
      const finish = (result: { at: number, by: number } | undefined): void => {
        if (done) return
        done = true
        clearInterval(retry)
        clearTimeout(giveUp)
        resolve(result)
      }
      const attempt = (): void => {
        const member = survivors[attempts++ % survivors.length]
        http.send(member, nextWrite(), params.attemptTimeoutMs, abandon.signal).then(
          (response) => {
            if (isAcknowledged(response)) finish({ at: performance.now(), by: member.index })
            else if (!done) errors[failureKind(response)] = (errors[failureKind(response)] ?? 0) + 1
          },
          (err: unknown) => { if (!done) errors[failureKind(err)] = (errors[failureKind(err)] ?? 0) + 1 }
        )
      }
      const retry = setInterval(attempt, params.retryEveryMs)
      const giveUp = setTimeout(() => { finish(undefined) }, params.giveUpMs)
      attempt()
    })
    abandon.abort()
    await writer

    const newLeader = await agreedLeader(cluster, 5_000)
    const restartAt = performance.now()
    await cluster.restart(killed)
    await cluster.waitReady(readyTimeoutMs)
    const rejoinMs = performance.now() - restartAt
    await sleep(params.settleMs)
    return {
      round,
      killed,
      target,
      writesBeforeKill,
      failoverMs: outcome === undefined ? undefined : outcome.at - killAt,
      acknowledgedBy: outcome?.by,
      attempts,
      errors,
      newLeader,
      rejoinMs
    }
  } finally {
    http.close()
  }
}
