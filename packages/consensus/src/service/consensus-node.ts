import { randomBytes } from 'node:crypto'
import type { AbortOptions, ChannelHost, DiscoveredPeer, Logger, MeshEvents, Metrics, PeerIdString, RandomSource, TypedEventTarget } from '@meshwork/core-mesh'
import {
  DEFAULT_ELECTION_TICKS, DEFAULT_HEARTBEAT_TICKS, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_VOTERS, DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SNAPSHOT_CHUNK_BYTES, DEFAULT_SNAPSHOT_ENTRIES, DEFAULT_TICK_MS
} from '../constants.js'
import { ConsensusError, GroupStoppedError, InvalidRaftMessageError, NotLeaderError, ProposalDroppedError } from '../errors.js'
import { foundGroup, isPristine } from '../group/bootstrap.js'
import type { GroupStore } from '../group/group-store.js'
import { RaftGroup } from '../group/raft-group.js'
import { KvStateMachine } from '../kv/kv-state-machine.js'
import type { KvResult } from '../kv/kv-types.js'
import { RaftKv } from '../kv/raft-kv.js'
import type { NodeId } from '../raft/core/types.js'
import type { RaftEnvelope, RaftTransport, TransportStats } from '../transport/raft-transport.js'
import { CONTROL_GROUP, type ConsensusInit, type ConsensusService, type ConsensusStatus, type GroupStatus } from './consensus-api.js'
import { JoinProtocol, type JoinAnswer } from './join-protocol.js'
import { ConsensusMetrics } from './consensus-metrics.js'
import { LeaderElection } from './leader-election.js'
import { encodeAddresses, isMemberKey, memberFromRecord, memberKey, MEMBER_PREFIX, type MemberDirectorySource } from './member-directory.js'
import { promotionCandidate } from './promotion.js'

export interface ConsensusNodeComponents {
  peerId: PeerIdString
  /** This node's announced addresses, recorded in the control group's member directory. */
  addresses: () => string[]
  channels: ChannelHost
  logger: Logger
  metrics: Metrics
  random: RandomSource
  events: TypedEventTarget<MeshEvents>
}

/** One replicated KV group as the node hosts it. */
export interface HostedGroup {
  readonly raft: RaftGroup<KvResult | undefined>
  readonly state: KvStateMachine
  readonly kv: RaftKv
  readonly election: LeaderElection
}

export interface OpenGroupOptions extends AbortOptions {
  /** The founding voters; every one of them opens the group with the same list. */
  readonly voters: readonly NodeId[]
}

/** What `ConsensusNode` needs beyond the node's components: where groups live and how messages travel. */
export interface ConsensusNodeParts {
  readonly store: GroupStore
  readonly transport: RaftTransport
}

/**
 * Hosts every Raft group of a node on one transport and one storage: the mesh control group
 * (which every consensus-enabled node joins) and any data groups opened with `openGroup`. One
 * timer ticks all groups together, so their heartbeats to a peer leave in one frame.
 *
 * The control group is founded by a `bootstrap: 'seed'` node; other nodes ask the members they
 * are connected to to add them, and the leader promotes caught-up learners to voters while
 * there are fewer than `maxVoters`.
 */
export class ConsensusNode implements ConsensusService, MemberDirectorySource {
  private readonly groups = new Map<string, HostedGroup>()
  private readonly opening = new Map<string, Promise<HostedGroup>>()
  private readonly memberListeners = new Set<(peer: DiscoveredPeer) => void>()
  private readonly join: JoinProtocol
  private readonly metrics: ConsensusMetrics
  private readonly clientId: string
  private tickTimer: ReturnType<typeof setInterval> | undefined
  private joinTimer: ReturnType<typeof setTimeout> | undefined
  private joinRedirect: NodeId | undefined
  private joinCursor = 0
  private ticks = 0
  private started = false
  private readonly stopController = new AbortController()
  private readonly onDisconnect = (event: CustomEvent<{ peer: PeerIdString }>): void => { this.peerUnreachable(event.detail.peer) }

  constructor (
    private readonly components: ConsensusNodeComponents,
    private readonly init: ConsensusInit,
    private readonly parts: ConsensusNodeParts
  ) {
    this.join = new JoinProtocol(components.channels, components.logger)
    this.metrics = new ConsensusMetrics(components.metrics)
    this.clientId = `${components.peerId}/${randomBytes(6).toString('hex')}`
  }

  get kv (): RaftKv {
    return this.control().kv
  }

  /** The control group's leader election (who leads the mesh's control plane). */
  get election (): LeaderElection {
    return this.control().election
  }

  async start (options: AbortOptions = {}): Promise<void> {
    if (this.started) return
    try {
      await this.startParts(options)
    } catch (err) {
      // Release what did start (the transport's handler, the store's lock) before failing.
      this.started = true
      await this.stop().catch(() => {})
      throw err
    }
  }

  private async startParts (options: AbortOptions): Promise<void> {
    await this.parts.transport.start({
      onBatch: (from, envelopes) => { this.deliver(from, envelopes) },
      onUnreachable: (peer) => { this.peerUnreachable(peer) }
    })
    const bootstrap = this.init.bootstrap ?? 'join'
    await this.openGroup(CONTROL_GROUP, { voters: bootstrap === 'seed' ? [this.components.peerId] : [], signal: options.signal })
    await this.join.serve((from, request) => this.answerJoin(from, request.group))
    this.components.events.addEventListener('peer:disconnect', this.onDisconnect)
    this.tickTimer = setInterval(() => { this.tickAll() }, this.init.tickMs ?? DEFAULT_TICK_MS)
    this.started = true
    if (!this.isMember(this.control().raft)) this.scheduleJoin(0)
    void this.recordOwnAddresses()
  }

  /** Members of the control group with the addresses they recorded (this node included). */
  members (): DiscoveredPeer[] {
    const control = this.groups.get(CONTROL_GROUP)
    if (control === undefined) return []
    return [...control.state.withPrefix(MEMBER_PREFIX)].flatMap(entry => memberFromRecord(entry) ?? [])
  }

  onMember (listener: (peer: DiscoveredPeer) => void): () => void {
    this.memberListeners.add(listener)
    return () => { this.memberListeners.delete(listener) }
  }

  /** Once a member, writes this node's addresses to the member directory (if they changed), retrying until it succeeds or the node stops. */
  private async recordOwnAddresses (): Promise<void> {
    const signal = this.stopController.signal
    while (!signal.aborted) {
      try {
        await this.ready({ signal })
        const addresses = this.components.addresses()
        const current = this.control().state.get(memberKey(this.components.peerId))
        const known = current === undefined ? undefined : memberFromRecord(current)
        if (known !== undefined && JSON.stringify(known.addresses) === JSON.stringify(addresses)) return
        await this.control().kv.putReserved(memberKey(this.components.peerId), encodeAddresses(addresses), { signal })
        return
      } catch (err) {
        if (signal.aborted) return
        this.components.logger.debug({ err: (err as Error).message }, 'recording this node\'s addresses failed; retrying')
        await new Promise(resolve => setTimeout(resolve, 500))
      }
    }
  }

  async stop (): Promise<void> {
    if (!this.started) return
    this.started = false
    this.stopController.abort(new GroupStoppedError('consensus stopping'))
    clearInterval(this.tickTimer)
    clearTimeout(this.joinTimer)
    this.components.events.removeEventListener('peer:disconnect', this.onDisconnect)
    await this.join.unserve()
    for (const hosted of this.groups.values()) {
      hosted.kv.close()
      hosted.raft.stop()
    }
    this.groups.clear()
    await this.parts.transport.stop()
    await this.parts.store.close()
  }

  /**
   * Opens (or creates) a replicated KV group. With stored state the group resumes from it;
   * otherwise, when `voters` is non-empty, this node must be one of them and the group is
   * founded with them; with `voters: []` the node waits to be added by the group's leader.
   */
  async openGroup (group: string, options: OpenGroupOptions): Promise<HostedGroup> {
    const existing = this.groups.get(group) ?? this.opening.get(group)
    if (existing !== undefined) return await existing
    if (this.stopController.signal.aborted) throw new GroupStoppedError('consensus stopped')
    const opening = this.open(group, options)
    this.opening.set(group, opening)
    try {
      return await opening
    } finally {
      this.opening.delete(group)
    }
  }

  private async open (group: string, options: OpenGroupOptions): Promise<HostedGroup> {
    const persistence = await this.parts.store.open(group, options)
    const state = new KvStateMachine()
    if (isPristine(persistence) && options.voters.length > 0) {
      if (!options.voters.includes(this.components.peerId)) throw new ConsensusError(`this node founds group ${group} but is not among its voters`)
      await foundGroup(persistence, options.voters, state)
    }
    const tickMs = this.init.tickMs ?? DEFAULT_TICK_MS
    const electionTicks = this.init.electionTicks ?? DEFAULT_ELECTION_TICKS
    const raft = new RaftGroup<KvResult | undefined>({
      group,
      id: this.components.peerId,
      persistence,
      stateMachine: state,
      send: (message) => { this.parts.transport.send(message.to, { group, message }) },
      random: this.components.random,
      core: {
        electionTicks,
        heartbeatTicks: this.init.heartbeatTicks ?? DEFAULT_HEARTBEAT_TICKS,
        readOnly: this.init.readOnly ?? 'safe',
        preVote: true,
        checkQuorum: true,
        maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
        snapshotChunkBytes: DEFAULT_SNAPSHOT_CHUNK_BYTES
      },
      snapshotEntries: this.init.snapshotEntries ?? DEFAULT_SNAPSHOT_ENTRIES,
      logger: this.components.logger
    })
    const kv = new RaftKv(raft, state, {
      clientId: `${this.clientId}/${group}`,
      requestTimeoutMs: this.init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      retryMs: tickMs * electionTicks
    })
    raft.onSoftState((soft) => {
      this.metrics.leaderChanged(group)
      this.components.logger.info({ group, leader: soft.leader, role: soft.role, term: raft.status().term }, 'raft leadership changed')
    })
    const hosted = { raft, state, kv, election: new LeaderElection(raft) }
    if (group === CONTROL_GROUP) {
      raft.onApplied((_entry, result) => {
        if (result?.op !== 'put' || !isMemberKey(result.key)) return
        const record = state.get(result.key)
        const peer = record === undefined ? undefined : memberFromRecord(record)
        if (peer !== undefined) for (const listener of this.memberListeners) listener(peer)
      })
    }
    if (this.stopController.signal.aborted) {
      kv.close()
      raft.stop()
      throw new GroupStoppedError('consensus stopped')
    }
    this.groups.set(group, hosted)
    // Replay what the disk says is committed before serving: the state machine and the
    // membership then reflect every acknowledged write from the start.
    await raft.whenApplied(persistence.log.initialState().hardState.commit, options.signal ?? this.stopController.signal)
    return hosted
  }

  /** The transport's counters (frames and messages sent and received), when it keeps them. */
  transportStats (): TransportStats | undefined {
    return this.parts.transport.stats?.()
  }

  /** A group this node hosts. */
  group (group: string): HostedGroup | undefined {
    return this.groups.get(group)
  }

  status (): ConsensusStatus {
    return { id: this.components.peerId, groups: [...this.groups.entries()].map(([group, hosted]) => groupStatus(group, hosted.raft)) }
  }

  async ready (options: AbortOptions = {}): Promise<void> {
    const raft = this.control().raft
    while (!(this.isMember(raft) && raft.leader !== undefined)) {
      options.signal?.throwIfAborted()
      this.stopController.signal.throwIfAborted()
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  private control (): HostedGroup {
    const control = this.groups.get(CONTROL_GROUP)
    if (control === undefined) throw new GroupStoppedError('consensus is not running')
    return control
  }

  private isMember (raft: Pick<RaftGroup, 'status'>): boolean {
    const { confState } = raft.status()
    const self = this.components.peerId
    return confState.voters.includes(self) || confState.learners.includes(self)
  }

  private tickAll (): void {
    this.ticks++
    // About four times per election timeout: promotions and metrics.
    const housekeeping = this.ticks % Math.max(1, Math.floor((this.init.electionTicks ?? DEFAULT_ELECTION_TICKS) / 4)) === 0
    for (const { raft } of this.groups.values()) {
      raft.tick()
      if (housekeeping) this.promote(raft)
    }
    if (housekeeping) this.metrics.update(this.status().groups, this.transportStats())
  }

  private promote (raft: RaftGroup<KvResult | undefined>): void {
    if (!raft.isLeader || raft.failed !== undefined) return
    const learner = promotionCandidate(raft.status(), this.init.maxVoters ?? DEFAULT_MAX_VOTERS)
    if (learner === undefined) return
    try {
      raft.proposeConfChange({ changes: [{ type: 'addVoter', node: learner }], transition: 'auto' })
      this.components.logger.info({ group: raft.group, learner }, 'promoting a caught-up learner to voter')
    } catch (err) {
      // refused (a change pending, leadership moving): the next round tries again
      this.components.logger.debug({ group: raft.group, learner, err: (err as Error).message }, 'promotion refused')
    }
  }

  private deliver (from: NodeId, envelopes: readonly RaftEnvelope[]): void {
    for (const { group, message } of envelopes) {
      const hosted = this.groups.get(group)
      if (hosted === undefined) continue
      try {
        hosted.raft.receive(message)
      } catch (err) {
        if (err instanceof InvalidRaftMessageError) {
          this.components.logger.warn({ peer: from, group, type: message.type, err: err.message }, 'refused an invalid raft message')
          this.parts.transport.reportInvalid(from, err)
          return
        }
        this.components.logger.warn({ peer: from, group, err: (err as Error).message }, 'raft message failed')
      }
    }
  }

  private peerUnreachable (peer: NodeId): void {
    for (const { raft } of this.groups.values()) raft.reportUnreachable(peer)
  }

  private answerJoin (from: NodeId, group: string): JoinAnswer {
    // Only the control group is joined on request; data groups are opened with their voters.
    const hosted = group === CONTROL_GROUP ? this.groups.get(group) : undefined
    if (hosted === undefined) return { result: 'retry', reason: `no group ${group} to join here` }
    const { raft } = hosted
    const status = raft.status()
    if (status.confState.voters.includes(from) || status.confState.learners.includes(from)) return { result: 'accepted' }
    if (!raft.isLeader) return raft.leader === undefined ? { result: 'retry', reason: 'no leader known' } : { result: 'redirect', leader: raft.leader }
    try {
      raft.proposeConfChange({ changes: [{ type: 'addLearner', node: from }], transition: 'auto' })
      this.components.logger.info({ group, peer: from }, 'adding a joining node as a learner')
      return { result: 'accepted' }
    } catch (err) {
      if (err instanceof ProposalDroppedError || err instanceof NotLeaderError || err instanceof ConsensusError) return { result: 'retry', reason: err.message }
      throw err
    }
  }

  private scheduleJoin (delayMs: number): void {
    this.joinTimer = setTimeout(() => { void this.tryJoin() }, delayMs)
  }

  /** Asks a member (the leader, when one redirected us) to add this node, until it is a member. */
  private async tryJoin (): Promise<void> {
    if (!this.started) return
    const raft = this.control().raft
    if (this.isMember(raft) || raft.leader !== undefined) return
    const peers = this.components.channels.connectedPeers()
    const target = this.joinRedirect ?? (peers.length > 0 ? peers[this.joinCursor++ % peers.length] : undefined)
    this.joinRedirect = undefined
    if (target !== undefined) {
      const signal = AbortSignal.any([this.stopController.signal, AbortSignal.timeout(2_000)])
      try {
        const answer = await this.join.ask(target, { group: CONTROL_GROUP }, signal)
        if (answer.result === 'redirect') this.joinRedirect = answer.leader
        this.components.logger.debug({ peer: target, answer }, 'asked to join the control group')
      } catch (err) {
        this.components.logger.debug({ peer: target, err: (err as Error).message }, 'join request failed')
      }
    }
    if (this.started) this.scheduleJoin(this.joinRedirect !== undefined ? 0 : 500)
  }
}

function groupStatus (group: string, raft: Pick<RaftGroup, 'status'>): GroupStatus {
  const status = raft.status()
  return {
    group,
    id: status.id,
    role: status.role,
    leader: status.leader,
    term: status.term,
    commit: status.commit,
    applied: status.applied,
    lastIndex: status.lastIndex,
    voters: status.confState.voters,
    learners: status.confState.learners,
    outgoing: status.confState.outgoing,
    quorumActive: status.role === 'leader' ? status.quorumActive : status.leader !== undefined,
    ...(status.progress !== undefined ? { progress: status.progress } : {})
  }
}
