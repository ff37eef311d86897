import { connectAdmin } from '../admin-target.js'
import type { RaftCommand } from '../args.js'
import { formatTable } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'

/**
 * `meshwork raft`: the Raft groups of the running node, the control group first — this node's
 * role, the leader (`(self)` when it is this node), term, commit and applied indexes, voters,
 * learners, and whether writes can commit now (QUORUM). A node started `--no-consensus` exits 1
 * with ConsensusDisabledError.
 */
export async function raftCommand (command: RaftCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const answer = await admin.raftStatus()
  if (command.options.json) {
    deps.io.out(JSON.stringify(answer))
    return
  }
  const lines = formatTable(
    ['GROUP', 'ROLE', 'LEADER', 'TERM', 'COMMIT', 'APPLIED', 'VOTERS', 'LEARNERS', 'QUORUM'],
    answer.groups.map(group => [
      group.group,
      group.role,
      group.leader === null ? '-' : group.leader === answer.id ? `${group.leader} (self)` : group.leader,
      String(group.term),
      String(group.commit),
      String(group.applied),
      String(group.voters.length),
      String(group.learners.length),
      group.quorumActive ? 'yes' : 'no'
    ])
  )
  for (const line of lines) deps.io.out(line)
  if (answer.groups.length === 0) deps.io.err(`node ${answer.id} belongs to no Raft group yet`)
}
