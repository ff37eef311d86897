import { LogCompactedError, LogUnavailableError } from '../../../src/errors.js'
import { checkLinearizability, type CheckOptions, type CheckResult, type KvInput, type KvOutput, kvRegisterModel } from '../../support/linearizability/index.js'
import type { MemoryLogStorage } from '../../../src/storage/memory-log-storage.js'
import { digestOf } from './raft-evidence.js'
import type { KvWorkload } from './kv-workload.js'
import type { RaftSimCluster } from './raft-sim-cluster.js'
import type { SimMember } from './sim-member.js'

export interface InvariantReport {
  readonly violations: string[]
  readonly linearizability: CheckResult<KvInput, KvOutput>
}

/**
 * The end-of-run checks, on a healed and settled cluster:
 * 1. election safety: at most one leader per term over the whole run;
 * 2. state machine safety and log matching: every index applied anywhere was the same entry
 *    (the ledger), and the logs of live members agree term for term up to their common commit
 *    index, across compaction (terms at snapshot indexes);
 * 3. durability: every acknowledged write is the entry at the revision it was acknowledged with,
 *    and every live member has applied it; live members hold identical state;
 * 4. the history of every key is linearizable (`unknown` counts as a violation).
 */
export function checkRaftInvariants (cluster: RaftSimCluster, workload: KvWorkload, live: readonly SimMember[], options?: CheckOptions): InvariantReport {
  const violations = [...cluster.evidence.violations]
  violations.push(...checkLogs(cluster, live))
  violations.push(...checkAckedWrites(cluster, workload, live))
  const digests = new Map(live.map(m => [m.id, `applied ${m.applied}: ${m.stateDigest()}`]))
  if (new Set(digests.values()).size > 1) {
    violations.push(`live members hold different states:\n${[...digests].map(([id, digest]) => `    ${id}: ${digest}`).join('\n')}`)
  }
  const linearizability = checkLinearizability(kvRegisterModel, workload.recorder.history(), options)
  if (!linearizability.ok) violations.push(linearizability.explanation)
  return { violations, linearizability }
}

function checkLogs (cluster: RaftSimCluster, live: readonly SimMember[]): string[] {
  const violations: string[] = []
  const { ledger } = cluster.evidence
  for (const member of live) {
    const log = member.disk.written
    const commit = Math.min(member.status().commit, log.lastIndex())
    for (let index = log.firstIndex(); index <= commit; index++) {
      const [entry] = log.entries(index, index + 1)
      const known = ledger.get(index)
      if (known !== undefined && (known.term !== entry.term || known.digest !== digestOf(entry))) {
        violations.push(`log matching: ${member.id} holds (term ${entry.term}, ${digestOf(entry)}) at committed index ${index}, ` +
          `but ${known.firstMember} applied (term ${known.term}, ${known.digest})`)
        break
      }
    }
  }
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const [a, b] = [live[i], live[j]]
      const [logA, logB] = [a.disk.written, b.disk.written]
      const from = Math.max(logA.firstIndex(), logB.firstIndex()) - 1
      const to = Math.min(a.status().commit, b.status().commit)
      for (let index = from; index <= to; index++) {
        const [termA, termB] = [termAt(logA, index), termAt(logB, index)]
        if (termA !== undefined && termB !== undefined && termA !== termB) {
          violations.push(`log matching: at committed index ${index} ${a.id} has term ${termA}, ${b.id} has term ${termB}`)
          break
        }
      }
    }
  }
  return violations
}

function checkAckedWrites (cluster: RaftSimCluster, workload: KvWorkload, live: readonly SimMember[]): string[] {
  const violations: string[] = []
  const { ledger } = cluster.evidence
  for (const write of workload.acked) {
    const name = `${write.request.client}#${write.request.seq} (${write.op} ${write.key}, acknowledged by ${write.member} at revision ${write.revision})`
    const entry = ledger.get(write.revision)
    const request = entry?.command?.request
    if (request === undefined || request.client !== write.request.client || request.seq !== write.request.seq) {
      violations.push(`acknowledged write ${name}: index ${write.revision} holds ${entry === undefined ? 'nothing anyone applied' : `${entry.digest} from ${request === undefined ? 'no client' : `${request.client}#${request.seq}`}`}`)
      continue
    }
    const missing = live.filter(m => m.applied < write.revision)
    if (missing.length > 0) violations.push(`acknowledged write ${name}: not applied by ${missing.map(m => `${m.id} (applied ${m.applied})`).join(', ')}`)
  }
  return violations
}

function termAt (log: MemoryLogStorage, index: number): number | undefined {
  try {
    return log.term(index)
  } catch (err) {
    if (err instanceof LogCompactedError || err instanceof LogUnavailableError) return undefined
    throw err
  }
}
