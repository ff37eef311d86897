import { SeededRandom, SimulatedNetwork, VirtualClock, type DelayRange, type LinkConditions } from '@meshwork/core-mesh/testkit'
import { KvStateMachine } from '../../../src/kv/kv-state-machine.js'
import type { ReadOnlyOption } from '../../../src/raft/core/config.js'
import type { ConfState, Message, NodeId } from '../../../src/raft/core/types.js'
import { RaftEvidence } from './raft-evidence.js'
import { SimMember, type HostDefects } from './sim-member.js'
import { SimulatedDisk } from './simulated-disk.js'

export interface RaftClusterOptions {
  readonly seed: number
  /** Founding voters. */
  readonly size: number
  readonly readOnly: ReadOnlyOption
  readonly tickMs: number
  readonly electionTicks: number
  readonly heartbeatTicks: number
  /** The network's base conditions (faults change them for a while). */
  readonly link: Partial<LinkConditions>
  readonly fsyncMs: DelayRange
  readonly snapshotEvery: number
  readonly compactionMargin: number
  readonly snapshotChunkBytes: number
  readonly maxMessageBytes: number
  /** Deliver copies of messages (structuredClone), to catch a core that mutates what it sends. */
  readonly cloneMessages: boolean
  readonly defects?: HostDefects
}

/**
 * A Raft group of simulated members on one virtual clock and one seeded network. Founding voters
 * start from the same first snapshot (index 1, term 1, the empty store), as `foundGroup` makes
 * it; members added later start pristine and are caught up by the leader with a snapshot.
 * Everything that happens to the group is written to `log` with its virtual time.
 */
export class RaftSimCluster {
  readonly clock = new VirtualClock()
  readonly random: SeededRandom
  readonly net: SimulatedNetwork<Message>
  readonly evidence = new RaftEvidence()
  readonly members = new Map<NodeId, SimMember>()
  readonly log: string[] = []
  readonly options: RaftClusterOptions
  private lastId = 0

  constructor (options: RaftClusterOptions) {
    this.options = options
    this.random = new SeededRandom(options.seed)
    this.net = new SimulatedNetwork<Message>({
      clock: this.clock,
      random: this.random.fork('net'),
      ...options.link,
      ...(options.cloneMessages ? { clone: (message: Message) => structuredClone(message) } : {}),
      trace: event => { if (event.type === 'deliver') this.countReordering(event.from, event.to, event.id) }
    })
    this.evidence.onEvent = line => { this.record(line) }
    const founders = Array.from({ length: options.size }, () => this.nextId())
    const confState: ConfState = { voters: [...founders].sort(), learners: [], outgoing: [], learnersNext: [], autoLeave: false }
    this.evidence.setInitialConfiguration(confState)
    const data = new KvStateMachine().snapshot()
    for (const id of founders) {
      const disk = new SimulatedDisk({
        snapshot: { metadata: { index: 1, term: 1, confState }, data },
        hardState: { term: 1, vote: '', commit: 1 }
      })
      this.start(id, disk)
    }
  }

  /** Append a line to the run's log, stamped with the virtual time. */
  record (line: string): void {
    this.log.push(`t=${this.clock.now()} ${line}`)
  }

  member (id: NodeId): SimMember {
    const member = this.members.get(id)
    if (member === undefined) throw new Error(`no member ${id}`)
    return member
  }

  /** A new member with an empty disk, on the network, waiting to be added to the group. */
  addPristineMember (): SimMember {
    const id = this.nextId()
    this.record(`${id} started with an empty disk`)
    return this.start(id, new SimulatedDisk())
  }

  /** Members that are up (not paused, crashed or stopped). */
  upMembers (): SimMember[] {
    return [...this.members.values()].filter(m => m.state === 'up')
  }

  /** Members not stopped for good. */
  activeMembers (): SimMember[] {
    return [...this.members.values()].filter(m => m.state !== 'stopped')
  }

  /** The up member that believes it leads, in the highest term. */
  leader (): SimMember | undefined {
    let best: SimMember | undefined
    let bestTerm = -1
    for (const member of this.upMembers()) {
      const status = member.status()
      if (status.role === 'leader' && status.term > bestTerm) {
        best = member
        bestTerm = status.term
      }
    }
    return best
  }

  /** The configuration applied by the active member that has applied the most. */
  latestConfiguration (): ConfState {
    let best: SimMember | undefined
    for (const member of this.activeMembers()) if (best === undefined || member.applied > best.applied) best = member
    if (best === undefined) throw new Error('no active member')
    return best.configuration
  }

  crash (id: NodeId, survivors: number, why = ''): void {
    const member = this.member(id)
    const pending = member.disk.pending.length
    const lost = member.crash(survivors)
    this.crashLosses.writes += lost.writes
    this.crashLosses.entries += lost.entries
    this.crashLosses.crashes++
    this.record(`crash ${id}${why === '' ? '' : ` (${why})`}: ${pending} write(s) not durable, ${lost.writes} lost with ${lost.entries} entr${lost.entries === 1 ? 'y' : 'ies'}`)
  }

  restart (id: NodeId): void {
    this.member(id).restart()
    const status = this.member(id).status()
    this.record(`restart ${id} from disk: term ${status.term}, commit ${status.commit}, last index ${status.lastIndex}, applied ${this.member(id).applied}`)
  }

  pause (id: NodeId): void {
    this.member(id).pause()
    this.record(`pause ${id}`)
  }

  resume (id: NodeId): void {
    this.member(id).resume()
    this.record(`resume ${id}`)
  }

  stop (id: NodeId, why: string): void {
    this.member(id).stop()
    this.record(`stop ${id} (${why})`)
  }

  /** Totals over every crash of the run. */
  readonly crashLosses = { crashes: 0, writes: 0, entries: 0 }
  /** Deliveries that overtook a message sent earlier on the same link. */
  reorderedDeliveries = 0
  private readonly lastDelivered = new Map<string, number>()

  private countReordering (from: NodeId, to: NodeId, id: number): void {
    const link = `${from}>${to}`
    const last = this.lastDelivered.get(link) ?? 0
    if (id < last) this.reorderedDeliveries++
    else this.lastDelivered.set(link, id)
  }

  private nextId (): NodeId {
    return `n${++this.lastId}`
  }

  private start (id: NodeId, disk: SimulatedDisk): SimMember {
    const options = this.options
    const member = new SimMember({
      id,
      clock: this.clock,
      random: this.random.fork(id),
      net: this.net,
      disk,
      observer: this.evidence,
      core: {
        electionTicks: options.electionTicks,
        heartbeatTicks: options.heartbeatTicks,
        readOnly: options.readOnly,
        checkQuorum: true,
        preVote: true,
        maxMessageBytes: options.maxMessageBytes,
        snapshotChunkBytes: options.snapshotChunkBytes
      },
      tickMs: options.tickMs,
      fsyncMs: options.fsyncMs,
      snapshotEvery: options.snapshotEvery,
      compactionMargin: options.compactionMargin,
      defects: options.defects
    })
    this.members.set(id, member)
    return member
  }
}
