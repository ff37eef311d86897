import type { Counter, Gauge, Metrics } from '@meshwork/core-mesh'
import type { TransportStats } from '../transport/raft-transport.js'
import type { GroupStatus } from './consensus-api.js'

/**
 * The consensus service's Prometheus metrics, labelled by group: term, commit and applied
 * indexes, leadership, quorum, membership size, leader changes, and the transport's frames and
 * messages. Refreshed by the service a few times per election timeout.
 */
export class ConsensusMetrics {
  private readonly term: Gauge
  private readonly commit: Gauge
  private readonly applied: Gauge
  private readonly leader: Gauge
  private readonly quorum: Gauge
  private readonly voters: Gauge
  private readonly learners: Gauge
  private readonly leaderChanges: Counter
  private readonly frames: Counter
  private readonly messages: Counter
  private readonly dropped: Counter
  private lastTransport: TransportStats | undefined

  constructor (metrics: Metrics) {
    this.term = metrics.gauge('meshwork_raft_term', 'Current Raft term', ['group'])
    this.commit = metrics.gauge('meshwork_raft_commit_index', 'Highest log index known committed', ['group'])
    this.applied = metrics.gauge('meshwork_raft_applied_index', 'Highest log index applied to the state machine', ['group'])
    this.leader = metrics.gauge('meshwork_raft_is_leader', '1 while this node leads the group', ['group'])
    this.quorum = metrics.gauge('meshwork_raft_quorum_active', '1 while writes can commit (leader: a majority heard from recently; follower: a leader known)', ['group'])
    this.voters = metrics.gauge('meshwork_raft_voters', 'Voters in the group\'s configuration', ['group'])
    this.learners = metrics.gauge('meshwork_raft_learners', 'Learners in the group\'s configuration', ['group'])
    this.leaderChanges = metrics.counter('meshwork_raft_leader_changes_total', 'Times the known leader changed', ['group'])
    this.frames = metrics.counter('meshwork_raft_frames_total', 'Raft frames on the transport', ['direction'])
    this.messages = metrics.counter('meshwork_raft_messages_total', 'Raft messages on the transport', ['direction'])
    this.dropped = metrics.counter('meshwork_raft_messages_dropped_total', 'Raft messages dropped (peer queue full, channel failed)')
  }

  leaderChanged (group: string): void {
    this.leaderChanges.inc({ group })
  }

  update (groups: readonly GroupStatus[], transport: TransportStats | undefined): void {
    for (const status of groups) {
      const labels = { group: status.group }
      this.term.set(status.term, labels)
      this.commit.set(status.commit, labels)
      this.applied.set(status.applied, labels)
      this.leader.set(status.role === 'leader' ? 1 : 0, labels)
      this.quorum.set(status.quorumActive ? 1 : 0, labels)
      this.voters.set(status.voters.length, labels)
      this.learners.set(status.learners.length, labels)
    }
    if (transport === undefined) return
    const last = this.lastTransport
    this.frames.inc({ direction: 'sent' }, transport.framesSent - (last?.framesSent ?? 0))
    this.frames.inc({ direction: 'received' }, transport.framesReceived - (last?.framesReceived ?? 0))
    this.messages.inc({ direction: 'sent' }, transport.messagesSent - (last?.messagesSent ?? 0))
    this.messages.inc({ direction: 'received' }, transport.messagesReceived - (last?.messagesReceived ?? 0))
    this.dropped.inc(undefined, transport.dropped - (last?.dropped ?? 0))
    this.lastTransport = transport
  }
}
