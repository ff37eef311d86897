/**
 * The claim-processing half of the membership core: it applies alive, suspect and dead claims
 * to the member table under SWIM's precedence rules, runs the suspicion and tombstone timers,
 * refutes claims about this node, and makes (and signs) this node's own claims. It sends
 * nothing: what should spread goes to `hooks.broadcast`, and the core piggybacks it.
 */
import type { Clock, TimerHandle } from '@meshwork/core-mesh'
import { expectedConfirmations, suspicionTimeoutsMs, type MembershipConfig } from './config.js'
import type { MembershipEvent } from './events.js'
import { aliveWins, copyMetadata, isTombstone, judgeDead, judgeSuspect, MAX_INCARNATION_LEAD, MemberTable, outranks, sameContent, toMemberInfo, type MemberRecord } from './member-table.js'
import type { AliveUpdate, DeadUpdate, MemberMetadata, MembershipUpdate, SuspectUpdate, UnsignedUpdate, UpdateSigner } from './messages.js'
import { Suspicion } from './suspicion.js'

export interface MembershipStateHooks {
  /** Queue a claim for dissemination (it replaces any queued claim about the same member). */
  broadcast: (update: MembershipUpdate) => void
  emit: (event: MembershipEvent) => void
  /** A member (never this node) entered the table. */
  added: (id: string) => void
  /** A member's tombstone was reaped: it left the table. */
  removed: (id: string) => void
  /** Reachable or total counts may have changed. */
  changed: () => void
  /** This node refuted a suspicion or death of itself: a sign that it may be the slow one. */
  refuted: () => void
  /**
   * The message being handled carried a claim that `update` supersedes: send `update` back to
   * its sender, who evidently missed it. Only called from inside `apply`/`mergeState`.
   */
  answer: (update: MembershipUpdate) => void
}

export interface MembershipStateInit {
  self: string
  clock: Clock
  config: MembershipConfig
  signer: UpdateSigner
  incarnation: number
  addresses: string[]
  metadata: MemberMetadata
  hooks: MembershipStateHooks
}

export class MembershipState {
  readonly table = new MemberTable()
  readonly self: string
  private readonly clock: Clock
  private readonly config: MembershipConfig
  private readonly signer: UpdateSigner
  private readonly hooks: MembershipStateHooks
  private readonly suspicions = new Map<string, Suspicion>()
  private readonly reapTimers = new Map<string, TimerHandle>()
  private readonly selfRecord: MemberRecord
  private leaving = false

  constructor (init: MembershipStateInit) {
    this.self = init.self
    this.clock = init.clock
    this.config = init.config
    this.signer = init.signer
    this.hooks = init.hooks
    const alive = this.signAlive(init.incarnation, init.addresses, init.metadata)
    this.selfRecord = { id: init.self, state: 'alive', incarnation: init.incarnation, alive, accusation: undefined, stateChangedAt: init.clock.now() }
    this.table.add(this.selfRecord)
  }

  get incarnation (): number {
    return this.selfRecord.incarnation
  }

  /** This node's leave claim, once `leave()` was called. */
  get leaveClaim (): DeadUpdate | undefined {
    const claim = this.selfRecord.accusation
    return this.leaving && claim?.type === 'dead' ? claim : undefined
  }

  // ---- this node's own claims ----

  /** New addresses and/or metadata: a new alive claim at the next incarnation. Ignored after leave. */
  updateSelf (change: { addresses?: string[], metadata?: MemberMetadata }): void {
    if (this.leaving) return
    const { addresses, metadata } = this.selfRecord.alive
    this.announceSelf(this.selfRecord.incarnation + 1, change.addresses ?? addresses, change.metadata ?? metadata)
  }

  /** Mark this node left and queue its signed leave (dead with from = self). */
  leave (): void {
    if (this.leaving) return
    this.leaving = true
    const claim = this.signDead(this.self, this.selfRecord.incarnation)
    this.selfRecord.accusation = claim
    this.table.setState(this.selfRecord, 'left', this.clock.now())
    this.hooks.broadcast(claim)
    this.hooks.changed()
  }

  /** Our probe of `id` at `incarnation` failed: suspect it, signed by us. */
  suspectAfterFailedProbe (id: string, incarnation: number): void {
    const record = this.table.get(id)
    // A newer alive claim arrived while the probe ran: the member proved itself meanwhile.
    if (record === undefined || record.incarnation > incarnation) return
    this.suspectAsSelf(id, record.incarnation)
  }

  // ---- claims from others ----

  apply (update: MembershipUpdate): void {
    switch (update.type) {
      case 'alive': this.applyAlive(update); break
      case 'suspect': this.applySuspect(update); break
      case 'dead': this.applyDead(update); break
    }
  }

  /** @param bootstrap restoring a persisted member: add it, but do not re-gossip an old claim. */
  applyAlive (claim: AliveUpdate, bootstrap = false): void {
    if (claim.member === this.self) return this.aliveAboutSelf(claim)
    const record = this.table.get(claim.member)
    if (!aliveWins(record, claim)) return
    const now = this.clock.now()
    if (record === undefined) {
      if (this.table.size >= this.config.maxMembers) return
      const added: MemberRecord = { id: claim.member, state: 'alive', incarnation: claim.incarnation, alive: claim, accusation: undefined, stateChangedAt: now }
      this.table.add(added)
      this.hooks.added(added.id)
      if (!bootstrap) this.hooks.broadcast(claim)
      this.hooks.emit({ type: 'member:join', member: toMemberInfo(added) })
      this.hooks.changed()
      return
    }
    const previous = record.state
    const contentChanged = !sameContent(record.alive, claim)
    this.cancelSuspicion(record.id)
    this.cancelReap(record.id)
    record.alive = claim
    record.incarnation = claim.incarnation
    record.accusation = undefined
    this.table.setState(record, 'alive', now)
    if (!bootstrap) this.hooks.broadcast(claim)
    if (isTombstone(previous)) {
      this.hooks.emit({ type: 'member:join', member: toMemberInfo(record) })
    } else {
      if (previous === 'suspect') this.hooks.emit({ type: 'member:alive', member: toMemberInfo(record) })
      if (contentChanged) this.hooks.emit({ type: 'member:update', member: toMemberInfo(record) })
    }
    if (previous !== 'alive') this.hooks.changed()
  }

  applySuspect (claim: SuspectUpdate): void {
    if (claim.member === this.self) return this.accusedSelf(claim)
    const record = this.table.get(claim.member)
    const outcome = judgeSuspect(record, claim)
    if (outcome === 'ignore' || record === undefined) {
      if (record?.state === 'left') this.answerStaleClaim(record)
      return
    }
    if (outcome === 'confirm') {
      // A new, independent accuser: shorten the timeout and pass the news on, so that the
      // confirmations reach the other members' timers too.
      if (this.suspicions.get(record.id)?.confirm(claim.from) === true) this.hooks.broadcast(claim)
      return
    }
    this.cancelSuspicion(record.id)
    record.incarnation = claim.incarnation
    record.accusation = claim
    this.table.setState(record, 'suspect', this.clock.now())
    this.hooks.broadcast(claim)
    this.startSuspicion(record, claim.from)
    this.hooks.emit({ type: 'member:suspect', member: toMemberInfo(record), from: claim.from })
    this.hooks.changed()
  }

  applyDead (claim: DeadUpdate): void {
    if (claim.member === this.self) return this.accusedSelf(claim)
    const record = this.table.get(claim.member)
    const outcome = judgeDead(record, claim)
    if (outcome === 'ignore' || record === undefined) {
      if (record?.state === 'left' && claim.from !== claim.member) this.answerStaleClaim(record)
      return
    }
    if (outcome === 'raise-tombstone') {
      // Quietly: the member is still gone, we only learnt a later life of it ended too.
      record.incarnation = claim.incarnation
      record.accusation = claim
      this.table.setState(record, claim.from === claim.member ? 'left' : 'dead', record.stateChangedAt)
      this.hooks.changed()
      return
    }
    const wasTombstone = isTombstone(record.state)
    this.cancelSuspicion(record.id)
    record.incarnation = claim.incarnation
    record.accusation = claim
    this.table.setState(record, outcome, this.clock.now())
    this.hooks.broadcast(claim)
    if (!wasTombstone) this.scheduleReap(record)
    this.hooks.emit(outcome === 'left'
      ? { type: 'member:left', member: toMemberInfo(record) }
      : { type: 'member:dead', member: toMemberInfo(record), from: claim.from })
    this.hooks.changed()
  }

  // ---- push-pull ----

  /** Everything a push-pull carries: per member, its latest alive claim and any accusation. */
  stateClaims (): MembershipUpdate[] {
    const claims: MembershipUpdate[] = []
    for (const record of this.table.values()) {
      claims.push(record.alive)
      if (record.accusation !== undefined) claims.push(record.accusation)
    }
    return claims
  }

  /**
   * Merge a peer's full state through the same precedence rules as gossip, with memberlist's
   * one twist: a peer's verdict that a member is dead becomes our own suspicion of it, not a
   * death, so that a member which is alive (say, on our side of a healed partition) gets a
   * suspicion timeout to refute instead of being declared failed on hearsay. A leave is the
   * member's own word and applies as is. Tombstones of members we never knew are skipped.
   */
  mergeState (updates: readonly MembershipUpdate[]): void {
    const byMember = new Map<string, { alive?: AliveUpdate, accusation?: SuspectUpdate | DeadUpdate }>()
    for (const update of updates) {
      const entry = byMember.get(update.member) ?? {}
      byMember.set(update.member, entry)
      if (update.type === 'alive') {
        if (entry.alive === undefined || update.incarnation > entry.alive.incarnation) entry.alive = update
      } else if (entry.accusation === undefined || outranks(update, entry.accusation)) {
        entry.accusation = update
      }
    }
    for (const [member, { alive, accusation }] of byMember) {
      // A tombstone (failed or left) of a member we do not know: learning it would only
      // resurrect a member that we, or our peers, already reaped.
      if (member !== this.self && accusation?.type === 'dead' && this.table.get(member) === undefined &&
        (alive === undefined || alive.incarnation <= accusation.incarnation)) continue
      if (alive !== undefined) this.applyAlive(alive)
      if (accusation === undefined) continue
      if (accusation.type === 'dead' && accusation.from !== member && member !== this.self) {
        this.suspectAsSelf(member, accusation.incarnation)
      } else {
        this.apply(accusation)
      }
    }
  }

  // ---- timers ----

  /** Cancel every suspicion and tombstone timer (the core stopped). */
  stop (): void {
    for (const suspicion of this.suspicions.values()) suspicion.cancel()
    this.suspicions.clear()
    for (const timer of this.reapTimers.values()) this.clock.clearTimeout(timer)
    this.reapTimers.clear()
  }

  /** Re-arm the timers that `stop` cancelled (the core started again). */
  resume (): void {
    for (const record of this.table.values()) {
      if (record.id === this.self) continue
      if (record.state === 'suspect' && !this.suspicions.has(record.id)) {
        this.startSuspicion(record, record.accusation?.type === 'suspect' ? record.accusation.from : this.self)
      }
      if (isTombstone(record.state) && !this.reapTimers.has(record.id)) this.scheduleReap(record)
    }
  }

  // ---- internals ----

  private aliveAboutSelf (claim: AliveUpdate): void {
    const mine = this.selfRecord.alive
    if (this.leaving || claim === mine || claim.incarnation < mine.incarnation) return
    // The same incarnation with other content is an older life of this node (a restart that
    // lost its state): outbid it too, or peers could keep the stale addresses.
    if (claim.incarnation === mine.incarnation && sameContent(claim, mine)) return
    this.refute(claim.incarnation, false)
  }

  /**
   * Someone suspects us or declared us dead. At our incarnation or above: refute. Below it, we
   * already refuted, but whoever sent this has not heard: answer it directly, and queue our
   * claim again for any others in the same case. Plain SWIM leaves this to chance (and to the
   * next push-pull): a member that missed every gossiped copy of a refutation, which with a
   * small retransmit limit does happen, would declare us dead.
   */
  private accusedSelf (claim: SuspectUpdate | DeadUpdate): void {
    if (this.leaving || claim.incarnation > this.selfRecord.incarnation + MAX_INCARNATION_LEAD) return
    if (claim.incarnation >= this.selfRecord.incarnation) {
      this.refute(claim.incarnation, true)
    } else {
      this.hooks.broadcast(this.selfRecord.alive)
      this.hooks.answer(this.selfRecord.alive)
    }
  }

  /**
   * The message being handled still suspects, or calls failed, a member that left: its sender
   * missed the leave (dissemination is probabilistic), so tell it rather than let it declare
   * the member failed. Only leaves are answered: a leave is the member's own word, while our
   * verdict that a member is dead is a guess that must not spread past a healed partition
   * (see `mergeState`).
   */
  private answerStaleClaim (record: MemberRecord): void {
    if (record.accusation !== undefined) this.hooks.answer(record.accusation)
  }

  /** Outbid `accused` with a fresh alive claim. */
  private refute (accused: number, healthSignal: boolean): void {
    const { addresses, metadata } = this.selfRecord.alive
    this.announceSelf(Math.max(this.selfRecord.incarnation, accused) + 1, addresses, metadata)
    if (healthSignal) this.hooks.refuted()
  }

  private announceSelf (incarnation: number, addresses: string[], metadata: MemberMetadata): void {
    const claim = this.signAlive(incarnation, addresses, metadata)
    this.selfRecord.alive = claim
    this.selfRecord.incarnation = incarnation
    this.hooks.broadcast(claim)
  }

  /** Suspect `member` at `incarnation` in our own name (signed only if it changes anything). */
  private suspectAsSelf (member: string, incarnation: number): void {
    const record = this.table.get(member)
    const unsigned = { type: 'suspect' as const, member, incarnation, from: this.self }
    if (judgeSuspect(record, unsigned) === 'ignore') return
    this.applySuspect({ ...unsigned, signature: this.signer.sign(unsigned) })
  }

  private startSuspicion (record: MemberRecord, from: string): void {
    const n = this.table.reachableCount
    const { minMs, maxMs } = suspicionTimeoutsMs(this.config, n)
    const { id, incarnation } = record
    const suspicion: Suspicion = new Suspicion({
      clock: this.clock,
      from,
      k: expectedConfirmations(this.config, n),
      minMs,
      maxMs,
      onTimeout: () => {
        if (this.suspicions.get(id) !== suspicion) return
        this.suspicions.delete(id)
        const current = this.table.get(id)
        if (current?.state !== 'suspect' || current.incarnation !== incarnation) return
        this.applyDead(this.signDead(id, incarnation))
      }
    })
    this.suspicions.set(id, suspicion)
  }

  private cancelSuspicion (id: string): void {
    this.suspicions.get(id)?.cancel()
    this.suspicions.delete(id)
  }

  private scheduleReap (record: MemberRecord): void {
    this.cancelReap(record.id)
    const delay = record.stateChangedAt + this.config.tombstoneMs - this.clock.now()
    this.reapTimers.set(record.id, this.clock.setTimeout(() => {
      this.reapTimers.delete(record.id)
      if (this.table.get(record.id) !== record || !isTombstone(record.state)) return
      this.table.delete(record.id)
      this.hooks.removed(record.id)
      this.hooks.emit({ type: 'member:reaped', id: record.id })
      this.hooks.changed()
    }, Math.max(0, delay)))
  }

  private cancelReap (id: string): void {
    const timer = this.reapTimers.get(id)
    if (timer === undefined) return
    this.clock.clearTimeout(timer)
    this.reapTimers.delete(id)
  }

  private signAlive (incarnation: number, addresses: string[], metadata: MemberMetadata): AliveUpdate {
    const unsigned: UnsignedUpdate = { type: 'alive', member: this.self, incarnation, addresses: [...addresses], metadata: copyMetadata(metadata) }
    return { ...unsigned, signature: this.signer.sign(unsigned) }
  }

  /** A dead claim by us; about ourselves it is our leave. */
  private signDead (member: string, incarnation: number): DeadUpdate {
    const unsigned: UnsignedUpdate = { type: 'dead', member, incarnation, from: this.self }
    return { ...unsigned, signature: this.signer.sign(unsigned) }
  }
}
