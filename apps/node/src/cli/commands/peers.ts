import type { PeerRecord } from '@meshwork/core-mesh'
import { connectAdmin } from '../admin-target.js'
import type { PeersCommand } from '../args.js'
import { formatTable } from '../table.js'
import type { ClientCommandDeps } from './client-deps.js'

/** `meshwork peers`: every peer the running node knows, connected ones first. */
export async function peersCommand (command: PeersCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const peers = await admin.peers()
  if (command.options.json) {
    deps.io.out(JSON.stringify(peers))
    return
  }
  if (peers.length === 0) {
    deps.io.out('no known peers')
    return
  }
  const ordered = [...peers].sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
  const lines = formatTable(
    ['PEER ID', 'STATUS', 'RTT', 'MSGS IN', 'MSGS OUT', 'REPUTATION', 'ADDRESS'],
    ordered.map(peer => [
      peer.id,
      peer.status,
      peer.rttMs === undefined ? '-' : `${peer.rttMs.toFixed(1)} ms`,
      String(peer.traffic.messagesIn),
      String(peer.traffic.messagesOut),
      String(peer.reputation),
      peer.addresses[0] ?? '-'
    ])
  )
  for (const line of lines) deps.io.out(line)
}

const STATUS_RANK: Readonly<Record<PeerRecord['status'], number>> = { connected: 0, unreachable: 1, known: 2, left: 3 }

function rank (peer: PeerRecord): number {
  return STATUS_RANK[peer.status] ?? 4
}
