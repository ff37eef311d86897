import { SeededRandom } from '@meshwork/core-mesh/testkit'
import type { RaftCoreConfig } from '../../../../src/raft/core/config.js'
import { decodeConfChange } from '../../../../src/raft/core/conf-change-codec.js'
import { RaftCore } from '../../../../src/raft/core/raft-core.js'
import type { ConfState, Entry, Message, NodeId, ReadState, Ready } from '../../../../src/raft/core/types.js'
import { MemoryLogStorage } from '../../../../src/storage/memory-log-storage.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Bytes of a string, for proposals. */
export function bytes (text: string): Uint8Array {
  return encoder.encode(text)
}

/** The string in some bytes. */
export function text (data: Uint8Array): string {
  return decoder.decode(data)
}

/** Options for one simulated member: anything of RaftCoreConfig but the id, storage and random source. */
export type MemberOptions = Partial<Omit<RaftCoreConfig, 'id' | 'storage'>>

/** A tiny state machine: the list of applied proposals (as text), snapshotted as JSON. */
export class TestMember {
  /** The data of every applied normal entry with data, in order. */
  applied: string[] = []
  /** Every applied entry (normal and config), in order. */
  appliedEntries: Entry[] = []
  readStates: ReadState[] = []
  /** Errors `step` threw for messages delivered to this member. */
  errors: Error[] = []
  confState: ConfState
  /** How many Ready batches this member processed. */
  readies = 0

  constructor (readonly id: NodeId, public core: RaftCore, readonly storage: MemoryLogStorage) {
    this.confState = storage.initialState().confState
  }

  /** Persist, apply, and return the messages to send; then advance. The order a host must follow. */
  processReady (onApply: (member: TestMember, entry: Entry) => void): Message[] {
    if (!this.core.hasReady()) return []
    const ready: Ready = this.core.ready()
    this.readies++
    if (ready.snapshot !== undefined) {
      this.storage.applySnapshot(ready.snapshot)
      this.applied = JSON.parse(text(ready.snapshot.data)) as string[]
      this.confState = ready.snapshot.metadata.confState
    }
    if (ready.entries.length > 0) {
      const durableCommit = this.storage.initialState().hardState.commit
      if (ready.entries[0].index <= durableCommit) {
        throw new Error(`${this.id} was asked to overwrite committed entry ${ready.entries[0].index} (commit ${durableCommit})`)
      }
    }
    this.storage.append(ready.entries)
    if (ready.hardState !== undefined) this.storage.setHardState(ready.hardState)
    for (const entry of ready.committedEntries) {
      if (entry.type === 'config') {
        this.confState = this.core.applyConfChange(decodeConfChange(entry.data))
        this.storage.setConfState(this.confState)
      } else if (entry.data.byteLength > 0) {
        this.applied.push(text(entry.data))
      }
      this.appliedEntries.push(entry)
      onApply(this, entry)
    }
    for (const read of ready.readStates) this.readStates.push(read)
    const messages = ready.messages
    this.core.advance(ready)
    return [...messages]
  }

  /** Snapshot the state machine at the applied index and drop the log up to it. */
  compact (): void {
    const index = this.core.status().applied
    this.storage.createSnapshot(index, this.confState, bytes(JSON.stringify(this.applied)))
    this.storage.compact(index)
  }
}

/** A drop rule: messages it returns true for are lost. */
export type DropRule = (message: Message) => boolean

export interface RaftNetworkInit {
  /** The voters of the initial configuration (each starts with it). */
  readonly voters: readonly NodeId[]
  /** Learners of the initial configuration. */
  readonly learners?: readonly NodeId[]
  readonly seed?: number
  /** Options for every member. */
  readonly options?: MemberOptions
  /**
   * Start the initial members from a bootstrap snapshot at index 1, term 1 that holds the initial
   * configuration, instead of an empty log. Needed when members join later with an empty log: the
   * configuration is then in the log's history (a snapshot the leader sends), not only in the
   * initial members' storage. Terms start at 1, so the first leader has term 2.
   */
  readonly bootstrapSnapshot?: boolean
}

/**
 * A deterministic, synchronous network of RaftCore members (after etcd-io/raft's `network` in
 * raft_test.go). Messages go into one FIFO queue and are delivered when the test stabilizes the
 * network; links can be cut, members isolated, and any message dropped by a rule. Every applied
 * entry is checked against what other members applied at the same index (state machine safety).
 */
export class RaftNetwork {
  readonly members = new Map<NodeId, TestMember>()
  readonly random: SeededRandom
  /** Every message delivered, in order (for assertions). */
  readonly delivered: Message[] = []
  /** index → the entry first applied there by any member. */
  readonly appliedAt = new Map<number, Entry>()
  /** term → the member that led it (at most one per term: election safety). */
  readonly leaderOfTerm = new Map<number, NodeId>()
  private queue: Message[] = []
  private readonly rules = new Set<DropRule>()
  private readonly rewriters = new Set<(message: Message) => Message>()
  private readonly isolated = new Set<NodeId>()
  private readonly cutLinks = new Set<string>()
  private readonly options: MemberOptions

  constructor (init: RaftNetworkInit) {
    this.random = new SeededRandom(init.seed ?? 1)
    this.options = init.options ?? {}
    const confState: ConfState = { voters: [...init.voters], learners: [...(init.learners ?? [])], outgoing: [], learnersNext: [], autoLeave: false }
    for (const id of [...init.voters, ...(init.learners ?? [])]) {
      const storage = init.bootstrapSnapshot === true
        ? new MemoryLogStorage({
          snapshot: { metadata: { index: 1, term: 1, confState }, data: bytes('[]') },
          hardState: { term: 1, vote: '', commit: 1 }
        })
        : new MemoryLogStorage({ confState })
      this.addMember(id, storage)
    }
  }

  /** Add a member with the given storage (an empty one: a node about to join). */
  addMember (id: NodeId, storage: MemoryLogStorage = new MemoryLogStorage(), options: MemberOptions = {}): TestMember {
    const core = new RaftCore({ ...this.options, ...options, id, storage, random: this.random.fork(id) })
    const member = new TestMember(id, core, storage)
    this.members.set(id, member)
    return member
  }

  /** Restart a member from its storage (a crash losing all volatile state). */
  restart (id: NodeId, options: MemberOptions = {}): TestMember {
    const old = this.member(id)
    const core = new RaftCore({ ...this.options, ...options, id, storage: old.storage, random: this.random.fork(`${id}-restart`), applied: old.core.status().applied })
    old.core = core
    return old
  }

  member (id: NodeId): TestMember {
    const member = this.members.get(id)
    if (member === undefined) throw new Error(`no member ${id}`)
    return member
  }

  core (id: NodeId): RaftCore {
    return this.member(id).core
  }

  /**
   * Whether exactly one member leads and every one of `ids` (all members by default) follows it at
   * its term: the group has settled after faults.
   */
  hasSettledLeader (ids: readonly NodeId[] = [...this.members.keys()]): boolean {
    const leaders = this.leaders()
    if (leaders.length !== 1) return false
    const { term } = this.core(leaders[0]).status()
    return ids.every(id => {
      const status = this.core(id).status()
      return status.term === term && status.leader === leaders[0]
    })
  }

  /** Whether the group has settled (see `hasSettledLeader`) and each of `ids` has applied all the leader committed. */
  hasConverged (ids: readonly NodeId[] = [...this.members.keys()]): boolean {
    if (!this.hasSettledLeader(ids)) return false
    const { commit } = this.core(this.leaders()[0]).status()
    return ids.every(id => this.core(id).status().applied === commit)
  }

  /** The members that believe they lead, at their terms. */
  leaders (): NodeId[] {
    return [...this.members.values()].filter(m => m.core.status().role === 'leader').map(m => m.id)
  }

  // ------------------------------------------------------------ faults

  isolate (id: NodeId): void {
    this.isolated.add(id)
  }

  /** Cut the link between `a` and `b` both ways. */
  cut (a: NodeId, b: NodeId): void {
    this.cutLinks.add(`${a}>${b}`)
    this.cutLinks.add(`${b}>${a}`)
  }

  /** Cut only messages from `from` to `to`. */
  cutOneWay (from: NodeId, to: NodeId): void {
    this.cutLinks.add(`${from}>${to}`)
  }

  /** Drop messages matching `rule` until `recover` or the returned function is called. */
  drop (rule: DropRule): () => void {
    this.rules.add(rule)
    return () => { this.rules.delete(rule) }
  }

  /** Replace messages in flight by what `rewrite` returns (a lossy or meddling link) until `recover`. */
  rewrite (rewrite: (message: Message) => Message): () => void {
    this.rewriters.add(rewrite)
    return () => { this.rewriters.delete(rewrite) }
  }

  /** Heal every partition and remove every drop and rewrite rule. */
  recover (): void {
    this.isolated.clear()
    this.cutLinks.clear()
    this.rules.clear()
    this.rewriters.clear()
  }

  private lost (message: Message): boolean {
    if (this.isolated.has(message.from) || this.isolated.has(message.to)) return true
    if (this.cutLinks.has(`${message.from}>${message.to}`)) return true
    if (!this.members.has(message.to)) return true
    for (const rule of this.rules) if (rule(message)) return true
    return false
  }

  // ------------------------------------------------------------ driving

  /** Queue a message as if a member had sent it (subject to partitions and drop rules). */
  send (message: Message): void {
    if (this.lost(message)) return
    for (const rewrite of this.rewriters) message = rewrite(message)
    this.queue.push(message)
  }

  /** Process every member's Ready and deliver messages until nothing moves. */
  stabilize (maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      this.collect()
      if (this.queue.length === 0) return
      this.deliverQueued()
    }
    throw new Error(`network did not stabilize in ${maxRounds} rounds`)
  }

  /** Process every member's Ready once, queueing their messages. */
  collect (): void {
    for (const member of this.members.values()) {
      for (const message of member.processReady((m, entry) => this.checkApplied(m, entry))) this.send(message)
      this.checkElectionSafety(member)
    }
  }

  private checkElectionSafety (member: TestMember): void {
    const { role, term } = member.core.status()
    if (role !== 'leader') return
    const known = this.leaderOfTerm.get(term)
    if (known === undefined) this.leaderOfTerm.set(term, member.id)
    else if (known !== member.id) throw new Error(`election safety violated: ${known} and ${member.id} both led term ${term}`)
  }

  /** Take the queued messages out without delivering them (for tests that deliver by hand). */
  takeQueued (): Message[] {
    const messages = this.queue
    this.queue = []
    return messages
  }

  /** Deliver one message now; an error `step` throws is recorded on the receiver (`errors`), not rethrown. */
  deliver (message: Message): void {
    const member = this.members.get(message.to)
    if (member === undefined) return
    this.delivered.push(message)
    try {
      member.core.step(message)
    } catch (err) {
      member.errors.push(err as Error)
    }
  }

  private deliverQueued (): void {
    const batch = this.takeQueued()
    for (const message of batch) this.deliver(message)
  }

  /** Tick the given members (all by default) `times` times, stabilizing after each tick. */
  tick (times = 1, ids: readonly NodeId[] = [...this.members.keys()]): void {
    for (let i = 0; i < times; i++) {
      for (const id of ids) this.core(id).tick()
      this.stabilize()
    }
  }

  /** Make `id` campaign and let the election run. */
  campaign (id: NodeId): void {
    this.core(id).campaign()
    this.stabilize()
  }

  /** Propose `data` at `id` and let it replicate. */
  propose (id: NodeId, data: string): void {
    this.core(id).propose(bytes(data))
    this.stabilize()
  }

  /** Errors thrown by `step` anywhere. */
  errors (): Error[] {
    return [...this.members.values()].flatMap(m => m.errors)
  }

  private checkApplied (member: TestMember, entry: Entry): void {
    const first = this.appliedAt.get(entry.index)
    if (first === undefined) {
      this.appliedAt.set(entry.index, entry)
      return
    }
    if (first.term !== entry.term || text(first.data) !== text(entry.data)) {
      throw new Error(`state machine safety violated: ${member.id} applied (${entry.index}, term ${entry.term}) but (${first.index}, term ${first.term}) was applied there before`)
    }
  }
}
