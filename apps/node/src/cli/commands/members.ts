import type { MemberAnswer } from '../../admin/gossip-answers.js'
import { connectAdmin } from '../admin-target.js'
import type { MembersCommand } from '../args.js'
import { formatTable } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'

/**
 * `meshwork members`: the gossip membership as the running node sees it — this node first, then
 * alive, suspect, dead and left members. A node started `--no-gossip` answers 503
 * GossipDisabledError: exit code 1.
 */
export async function membersCommand (command: MembersCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const answer = await admin.members()
  if (command.options.json) {
    deps.io.out(JSON.stringify(answer))
    return
  }
  const ordered = [...answer.members].sort((a, b) => rank(a, answer.self) - rank(b, answer.self) || a.id.localeCompare(b.id))
  const lines = formatTable(
    ['PEER ID', 'STATE', 'INCARNATION', 'REGION', 'ROLES', 'TAGS'],
    ordered.map(member => [
      member.id === answer.self ? `${member.id} (self)` : member.id,
      member.state,
      String(member.incarnation),
      member.metadata.region ?? '-',
      member.metadata.roles.join(',') || '-',
      Object.entries(member.metadata.tags).map(([key, value]) => `${key}=${value}`).join(',') || '-'
    ])
  )
  for (const line of lines) deps.io.out(line)
}

const STATE_RANK: Readonly<Record<MemberAnswer['state'], number>> = { alive: 1, suspect: 2, dead: 3, left: 4 }

function rank (member: MemberAnswer, self: string): number {
  return member.id === self ? 0 : STATE_RANK[member.state] ?? 5
}
