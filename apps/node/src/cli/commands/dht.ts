import type { DhtRecordAnswer } from '../../admin/dht-answers.js'
import type { AdminClient } from '../admin-client.js'
import { connectAdmin } from '../admin-target.js'
import type { DhtAction, DhtCommand } from '../args.js'
import { formatFields, formatTable } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'
import { plural } from './plural.js'

/**
 * `meshwork dht <action>`: the running node puts, gets, provides and looks up through its DHT.
 * A record or peer that is not found is an error from the admin API (404): exit code 1.
 */
export async function dhtCommand (command: DhtCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const { answer, lines } = await runAction(admin, command.action)
  if (command.options.json) deps.io.out(JSON.stringify(answer))
  else for (const line of lines) deps.io.out(line)
}

/** The admin API's answer (printed as is with --json) and its human form. */
async function runAction (admin: AdminClient, action: DhtAction): Promise<{ answer: unknown, lines: string[] }> {
  switch (action.kind) {
    case 'put': {
      const answer = await admin.dhtPut(action.name, action.value, action.ttlMs === undefined ? {} : { ttlMs: action.ttlMs })
      return { answer, lines: [`stored "${answer.name}" (${answer.bytes} bytes, sequence ${answer.sequence}) at ${plural(answer.storedAt.length, 'peer')}; key ${answer.key}`] }
    }
    case 'get': {
      const answer = await admin.dhtGet(action.owner, action.name)
      return { answer, lines: recordLines(answer) }
    }
    case 'provide': {
      const answer = await admin.dhtProvide(action.name)
      return { answer, lines: [`providing "${answer.name}" (cid ${answer.cid})`] }
    }
    case 'find-providers': {
      const answer = await admin.dhtFindProviders(action.name)
      if (answer.providers.length === 0) return { answer, lines: [`no providers of "${answer.name}" found`] }
      return { answer, lines: formatTable(['PEER ID', 'ADDRESS'], answer.providers.map(p => [p.id, p.addresses[0] ?? '-'])) }
    }
    case 'find-peer': {
      const answer = await admin.dhtFindPeer(action.peer)
      return {
        answer,
        lines: formatFields([
          ['peer id', answer.id],
          ['addresses', answer.addresses],
          ['found', `${plural(answer.hops, 'hop')} away, ${plural(answer.queried, 'peer')} queried`]
        ])
      }
    }
  }
}

function recordLines (record: DhtRecordAnswer): string[] {
  return formatFields([
    ['owner', record.owner],
    ['name', record.name],
    record.value === null ? ['value (base64)', record.valueBase64] : ['value', record.value],
    ['sequence', record.sequence],
    ['expires', new Date(record.expiresAt).toISOString()],
    ['found', `${plural(record.hops, 'hop')} away, ${plural(record.queried, 'peer')} queried`]
  ])
}
