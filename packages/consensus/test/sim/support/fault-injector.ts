import type { LinkConditions, SeededRandom } from '@meshwork/core-mesh/testkit'
import { InvalidConfChangeError, NotLeaderError, ProposalDroppedError } from '../../../src/errors.js'
import { isMemberOf } from '../../../src/raft/core/conf-state.js'
import type { ConfChange, ConfState, NodeId } from '../../../src/raft/core/types.js'
import type { RaftSimCluster } from './raft-sim-cluster.js'
import type { SimMember } from './sim-member.js'

/** The faults a run can inject. */
export type FaultKind =
  | 'partition'
  | 'one-way'
  | 'leader-isolation'
  | 'loss'
  | 'duplicate'
  | 'reorder'
  | 'crash'
  | 'pause'
  | 'membership'
  | 'transfer'

export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'one-way', 'leader-isolation', 'loss', 'duplicate', 'reorder', 'crash', 'pause', 'membership', 'transfer']

const CUT_KINDS: readonly FaultKind[] = ['partition', 'one-way', 'leader-isolation']
/** Most members in the group at once, counting ones being added. */
const MAX_MEMBERS = 7

/**
 * Injects the chosen kinds of fault into a cluster from `startMs` to `endMs`, each kind on its own
 * random schedule drawn from `random`, and writes each to the cluster's log. `healAll` ends every
 * fault: the network heals, paused members resume, crashed ones restart.
 *
 * - cuts (`partition`, `one-way`, `leader-isolation`): one at a time, 0.2–2 s each;
 * - `loss`, `duplicate`, `reorder`: windows of 0.3–2 s with 5–35 % (reordering also widens jitter);
 * - `crash`: a member at a random moment, in the middle of an fsync of entries (so unsynced writes
 *   are lost), or a majority at once; restart after 0.1–1.5 s;
 * - `pause`: a member (often the leader) stops for 0.05–2.5 s, longer than an election timeout;
 * - `membership`: add a learner, promote it, remove a voter (possibly the leader), replace a voter
 *   through a joint configuration (auto or explicit leave), demote a voter; proposed at the leader
 *   or, forwarded, at a follower; while the other faults run;
 * - `transfer`: the leader hands leadership to another voter.
 */
export class FaultInjector {
  readonly counts: Record<FaultKind, number> = Object.fromEntries(FAULT_KINDS.map(kind => [kind, 0])) as Record<FaultKind, number>
  /** Crashes armed to hit an fsync of entries that did. */
  midSyncCrashes = 0
  private active = false
  private readonly cluster: RaftSimCluster
  private readonly random: SeededRandom
  private readonly base: LinkConditions
  /** The membership change in flight: done once a change is applied past `sinceChanges`, or at `until`. */
  private membershipPending: { sinceChanges: number, until: number } | undefined

  constructor (
    cluster: RaftSimCluster,
    random: SeededRandom,
    readonly kinds: readonly FaultKind[],
    private readonly startMs: number,
    private readonly endMs: number
  ) {
    this.cluster = cluster
    this.random = random
    this.base = cluster.net.conditionsFor('n1', 'n1')
  }

  start (): void {
    this.active = true
    const enabled = (kind: FaultKind): boolean => this.kinds.includes(kind)
    if (CUT_KINDS.some(enabled)) this.later(this.startMs + this.gap(), () => { this.cut() })
    for (const kind of ['loss', 'duplicate', 'reorder'] as const) {
      if (enabled(kind)) this.later(this.startMs + this.gap(), () => { this.degrade(kind) })
    }
    if (enabled('crash')) this.later(this.startMs + this.gap(), () => { this.crash() })
    if (enabled('pause')) this.later(this.startMs + this.gap(), () => { this.pause() })
    if (enabled('membership')) this.later(this.startMs + this.random.int(300), () => { this.membership() })
    if (enabled('transfer')) this.later(this.startMs + this.gap(), () => { this.transfer() })
  }

  /** End every fault. Membership changes in flight are left to the cluster to finish. */
  healAll (): void {
    this.active = false
    this.cluster.net.heal()
    this.cluster.net.setConditions(this.base)
    for (const member of this.cluster.members.values()) {
      member.disarmSyncTrap()
      if (member.state === 'paused') this.cluster.resume(member.id)
      if (member.state === 'crashed') this.cluster.restart(member.id)
    }
    this.cluster.record('all faults healed')
  }

  /** Stop members that the group no longer has (removed, or never added). */
  retireRemoved (): void {
    const configuration = this.cluster.latestConfiguration()
    for (const member of this.cluster.activeMembers()) {
      if (!isMemberOf(configuration, member.id) && !this.joining.has(member.id)) this.cluster.stop(member.id, 'not in the configuration')
    }
  }

  /** Members started for an addition not yet applied. */
  private readonly joining = new Set<NodeId>()

  private running (): boolean {
    return this.active && this.cluster.clock.now() < this.endMs
  }

  private later (at: number, fn: () => void): void {
    this.cluster.clock.setTimeout(() => { if (this.running()) fn() }, Math.max(0, at - this.cluster.clock.now()))
  }

  private gap (): number {
    return 100 + this.random.int(900)
  }

  private cut (): void {
    const kind = this.random.pick(CUT_KINDS.filter(k => this.kinds.includes(k)))
    const ids = this.cluster.activeMembers().map(m => m.id)
    const net = this.cluster.net
    if (kind === 'partition') {
      const shuffled = this.random.shuffle(ids)
      const split = 1 + this.random.int(shuffled.length - 1)
      const [a, b] = [shuffled.slice(0, split), shuffled.slice(split)]
      net.partition(a, b)
      this.cluster.record(`partition [${a.join(',')}] | [${b.join(',')}]`)
    } else if (kind === 'one-way') {
      const shuffled = this.random.shuffle(ids)
      const split = 1 + this.random.int(shuffled.length - 1)
      const [from, to] = [shuffled.slice(0, split), shuffled.slice(split)]
      net.partitionOneWay(from, to)
      this.cluster.record(`one-way cut [${from.join(',')}] -> [${to.join(',')}]`)
    } else {
      const leader = this.cluster.leader()?.id ?? this.random.pick(ids)
      const rest = ids.filter(id => id !== leader)
      const how = this.random.int(3)
      if (how === 0) net.partition([leader], rest)
      else if (how === 1) net.partitionOneWay(rest, [leader])
      else net.partitionOneWay([leader], rest)
      this.cluster.record(`isolate leader ${leader} (${['both ways', 'it hears nobody', 'nobody hears it'][how]})`)
    }
    this.counts[kind]++
    this.cluster.clock.setTimeout(() => {
      if (!this.active) return
      net.heal()
      this.cluster.record('network healed')
      this.later(this.cluster.clock.now() + this.gap(), () => { this.cut() })
    }, 200 + this.random.int(1800))
  }

  private degrade (kind: 'loss' | 'duplicate' | 'reorder'): void {
    const p = 0.05 + this.random.int(31) / 100
    const net = this.cluster.net
    if (kind === 'reorder') net.setConditions({ reorder: p, delay: { minMs: this.base.delay.minMs, maxMs: this.base.delay.maxMs * 3 } })
    else net.setConditions({ [kind]: p })
    this.counts[kind]++
    this.cluster.record(`${kind} ${Math.round(p * 100)}% on every link`)
    this.cluster.clock.setTimeout(() => {
      if (!this.active) return
      if (kind === 'reorder') net.setConditions({ reorder: this.base.reorder, delay: this.base.delay })
      else net.setConditions({ [kind]: this.base[kind] })
      this.cluster.record(`${kind} back to normal`)
      this.later(this.cluster.clock.now() + this.gap(), () => { this.degrade(kind) })
    }, 300 + this.random.int(1700))
  }

  private crash (): void {
    const next = (): void => { this.later(this.cluster.clock.now() + this.gap(), () => { this.crash() }) }
    const up = this.cluster.upMembers()
    const down = this.cluster.activeMembers().length - up.length
    const mode = this.random.int(20)
    if (mode < 3 && up.length > 1) {
      // A correlated failure: a majority loses power at once.
      const victims = this.random.sample(up, Math.floor(up.length / 2) + 1)
      for (const victim of victims) this.crashNow(victim, 'power loss of a majority')
      next()
      return
    }
    if (up.length === 0 || down >= Math.floor((up.length + down - 1) / 2)) return next()
    const leader = this.cluster.leader()
    const victim = leader !== undefined && this.random.chance(0.3) ? leader : this.random.pick(up)
    if (mode < 12) {
      // Crash in the middle of the victim's next fsync of entries.
      let fired = false
      victim.armSyncTrap(delayMs => {
        fired = true
        const at = this.random.int(Math.max(1, delayMs))
        this.cluster.clock.setTimeout(() => {
          if (victim.state !== 'up' && victim.state !== 'paused') return
          this.midSyncCrashes++
          this.crashNow(victim, 'in the middle of an fsync', true)
        }, at)
      })
      this.cluster.clock.setTimeout(() => {
        if (fired) return
        victim.disarmSyncTrap()
        if (this.active && victim.state === 'up') this.crashNow(victim, 'no fsync came')
      }, 500)
    } else {
      this.crashNow(victim, 'at a random moment')
    }
    next()
  }

  private crashNow (victim: SimMember, why: string, loseSome = false): void {
    const pending = victim.disk.pending.length
    const survivors = pending === 0 ? 0 : loseSome ? this.random.int(pending) : this.random.int(pending + 1)
    this.cluster.crash(victim.id, survivors, why)
    this.counts.crash++
    this.cluster.clock.setTimeout(() => {
      if (this.active && victim.state === 'crashed') this.cluster.restart(victim.id)
    }, 100 + this.random.int(1400))
  }

  private pause (): void {
    const next = (): void => { this.later(this.cluster.clock.now() + this.gap(), () => { this.pause() }) }
    const up = this.cluster.upMembers()
    const leader = this.cluster.leader()
    if (up.length < 2) return next()
    const victim = leader !== undefined && this.random.chance(0.5) ? leader : this.random.pick(up)
    this.cluster.pause(victim.id)
    this.counts.pause++
    this.cluster.clock.setTimeout(() => {
      if (this.active && victim.state === 'paused') this.cluster.resume(victim.id)
      next()
    }, 50 + this.random.int(2450))
  }

  private transfer (): void {
    const leader = this.cluster.leader()
    const voters = leader?.configuration.voters.filter(id => id !== leader.id && this.cluster.member(id).state !== 'stopped') ?? []
    if (leader !== undefined && voters.length > 0) {
      const to = this.random.pick(voters)
      try {
        leader.transferLeadership(to)
        this.counts.transfer++
        this.cluster.record(`transfer leadership ${leader.id} -> ${to}`)
      } catch (err) {
        if (!(err instanceof ProposalDroppedError || err instanceof NotLeaderError)) throw err
        this.cluster.record(`transfer leadership ${leader.id} -> ${to} refused: ${err.name}`)
      }
    }
    this.later(this.cluster.clock.now() + 2 * this.gap(), () => { this.transfer() })
  }

  private membership (): void {
    const retry = (ms: number): void => { this.later(this.cluster.clock.now() + ms, () => { this.membership() }) }
    this.retireRemoved()
    const applied = this.cluster.evidence.counters.confChangesApplied
    if (this.membershipPending !== undefined) {
      if (applied <= this.membershipPending.sinceChanges && this.cluster.clock.now() < this.membershipPending.until) return retry(100)
      // Added by now, or the addition is lost: either way the next retirement round decides.
      this.membershipPending = undefined
      this.joining.clear()
    }
    const leader = this.cluster.leader()
    if (leader === undefined) return retry(100)
    const change = this.chooseChange(leader.configuration)
    if (change === undefined) return retry(300)
    // At the leader: a follower refuses membership changes (NotLeaderError), and the leader drops forwarded ones.
    const proposer = leader
    try {
      proposer.proposeConfChange(change.change)
    } catch (err) {
      if (!(err instanceof ProposalDroppedError || err instanceof InvalidConfChangeError || err instanceof NotLeaderError)) throw err
      this.cluster.record(`membership change refused by ${proposer.id}: ${change.description}: ${err.name}`)
      this.joining.clear()
      return retry(200)
    }
    this.counts.membership++
    this.cluster.record(`propose at ${proposer.id}: ${change.description}`)
    this.membershipPending = { sinceChanges: applied, until: this.cluster.clock.now() + 3_000 }
    retry(200 + this.random.int(1000))
  }

  private chooseChange (conf: ConfState): { change: ConfChange, description: string } | undefined {
    if (conf.outgoing.length > 0) {
      if (conf.autoLeave) return undefined
      return { change: { changes: [], transition: 'auto' }, description: 'leave the joint configuration' }
    }
    const voters = conf.voters
    const learners = conf.learners
    const options: Array<() => { change: ConfChange, description: string }> = []
    if (this.cluster.activeMembers().length < MAX_MEMBERS) {
      options.push(() => {
        const member = this.cluster.addPristineMember()
        this.joining.add(member.id)
        return { change: { changes: [{ type: 'addLearner', node: member.id }], transition: 'auto' }, description: `add learner ${member.id}` }
      })
    }
    if (learners.length > 0 && voters.length < 5) {
      options.push(() => {
        const learner = this.random.pick(learners)
        return { change: { changes: [{ type: 'addVoter', node: learner }], transition: 'auto' }, description: `promote learner ${learner}` }
      })
    }
    if (voters.length > 3) {
      options.push(() => {
        const voter = this.random.pick(voters)
        return { change: { changes: [{ type: 'removeNode', node: voter }], transition: 'auto' }, description: `remove voter ${voter}` }
      })
      options.push(() => {
        const voter = this.random.pick(voters)
        return { change: { changes: [{ type: 'addLearner', node: voter }], transition: 'joint-implicit' }, description: `demote voter ${voter} to learner (joint)` }
      })
    }
    if (learners.length > 0 && voters.length >= 3) {
      options.push(() => {
        const learner = this.random.pick(learners)
        const voter = this.random.pick(voters)
        const transition = this.random.chance(0.5) ? 'joint-implicit' : 'joint-explicit'
        return {
          change: { changes: [{ type: 'addVoter', node: learner }, { type: 'removeNode', node: voter }], transition },
          description: `replace voter ${voter} with ${learner} (${transition})`
        }
      })
    }
    if (learners.length > 1) {
      options.push(() => {
        const learner = this.random.pick(learners)
        return { change: { changes: [{ type: 'removeNode', node: learner }], transition: 'auto' }, description: `remove learner ${learner}` }
      })
    }
    return options.length === 0 ? undefined : this.random.pick(options)()
  }
}
