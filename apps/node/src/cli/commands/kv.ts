import type { KvEntryAnswer } from '../../admin/consensus-answers.js'
import { CompareAndSetFailedError } from '../../errors.js'
import type { AdminClient } from '../admin-client.js'
import { connectAdmin } from '../admin-target.js'
import type { KvAction, KvCommand } from '../args.js'
import type { ClientCommandDeps } from './client-deps.js'

/**
 * `meshwork kv <action>`: the running node reads and writes the mesh's replicated key-value
 * store (its control group's, through Raft). `get` prints the value alone, so that scripts can
 * capture it; a missing key exits 1 with KeyNotFoundError. A `cas` whose expected value does not
 * match writes nothing and exits 3 with CompareAndSetFailedError, after printing the answer with
 * `--json`. Raft's errors (NotLeaderError, QuorumUnavailableError, ConsensusTimeoutError, …)
 * exit 1.
 */
export async function kvCommand (command: KvCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const { answer, lines, notes = [], failure } = await runAction(admin, command.action)
  if (command.options.json) deps.io.out(JSON.stringify(answer))
  else for (const line of lines) deps.io.out(line)
  for (const note of notes) deps.io.err(note)
  if (failure !== undefined) throw failure
}

interface ActionOutcome {
  /** The admin API's answer, printed as is with --json. */
  answer: unknown
  /** Its human form, on stdout. */
  lines: string[]
  /** Remarks for stderr. */
  notes?: string[]
  /** Thrown once the answer is printed. */
  failure?: Error
}

async function runAction (admin: AdminClient, action: KvAction): Promise<ActionOutcome> {
  switch (action.kind) {
    case 'get': {
      const answer = await admin.kvGet(action.key, action.consistency === undefined ? {} : { consistency: action.consistency })
      if (answer.value !== null) return { answer, lines: [answer.value] }
      return { answer, lines: [answer.valueBase64], notes: [`the value of "${answer.key}" is not UTF-8: printed as base64`] }
    }
    case 'put': {
      const answer = await admin.kvPut(action.key, action.value)
      return { answer, lines: [`put "${answer.key}" at revision ${answer.revision}`] }
    }
    case 'cas': {
      const answer = await admin.kvCas(action.key, action.expected, action.value)
      if (answer.succeeded) return { answer, lines: [`cas "${answer.key}" succeeded at revision ${answer.revision}`] }
      const wanted = action.expected === undefined ? 'to be absent' : `to hold ${JSON.stringify(action.expected)}`
      const message = `"${answer.key}" ${describeEntry(answer.current)}; expected it ${wanted}: nothing written`
      return { answer, lines: [], failure: new CompareAndSetFailedError(answer.key, message) }
    }
    case 'delete': {
      const answer = await admin.kvDelete(action.key)
      return {
        answer,
        lines: [answer.deleted ? `deleted "${answer.key}" at revision ${answer.revision}` : `"${answer.key}" was absent (revision ${answer.revision})`]
      }
    }
  }
}

function describeEntry (entry: KvEntryAnswer | null): string {
  if (entry === null) return 'is absent'
  const value = entry.value === null ? `the bytes ${entry.valueBase64} (base64)` : JSON.stringify(entry.value)
  return `holds ${value} (revision ${entry.modRevision})`
}
