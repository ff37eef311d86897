/**
 * How membership news spreads: the transmit-limited queue piggybacked on every protocol
 * message (with Lifeguard's buddy system in front), the gossip timer's fan-out, and direct
 * answers to a sender whose message showed it had missed a claim.
 */
import type { RandomSource } from '@meshwork/core-mesh'
import type { MembershipConfig } from './config.js'
import { isReachable, type MemberTable } from './member-table.js'
import type { DeadUpdate, MembershipUpdate, SwimMessage } from './messages.js'
import { pickOne, sampleUpTo } from './random-choice.js'
import { TransmitQueue } from './transmit-queue.js'

export interface DisseminationInit {
  self: string
  config: MembershipConfig
  random: RandomSource
  table: MemberTable
  send: (to: string, message: SwimMessage) => void
  /** This node's leave claim while it is leaving. */
  leaveClaim: () => DeadUpdate | undefined
}

export class Dissemination {
  private readonly init: DisseminationInit
  private readonly queue: TransmitQueue
  /** Claims for the sender of the message being handled. */
  private answers: MembershipUpdate[] = []

  constructor (init: DisseminationInit) {
    this.init = init
    this.queue = new TransmitQueue(init.config.retransmitMult, () => init.table.reachableCount)
  }

  /** Queue `update` for piggybacking (it replaces any queued claim about the same member). */
  enqueue (update: MembershipUpdate): void {
    this.queue.enqueue(update)
  }

  /** Drop the queued claim about a reaped member. */
  forget (member: string): void {
    this.queue.remove(member)
  }

  /**
   * Updates for a message to `to`: queued ones, least sent first. While leaving, our leave goes
   * first on everything we send (the queue would stop repeating it after a few sends).
   * Lifeguard's buddy system: to a suspect member, its suspicion goes first, so it learns it
   * must refute at once. We do the same for a member we hold dead: if it is talking to us it is
   * alive after all (a healed partition, a long pause), and the claim tells it to refute
   * without waiting for a push-pull.
   */
  piggyback (to: string): MembershipUpdate[] {
    const max = this.init.config.maxPiggyback
    const leave = this.init.leaveClaim()
    if (leave !== undefined) return [leave, ...this.queue.take(max - 1, this.init.self)]
    const record = this.init.table.get(to)
    if ((record?.state === 'suspect' || record?.state === 'dead') && record.accusation !== undefined) {
      return [record.accusation, ...this.queue.take(max - 1, to)]
    }
    return this.queue.take(max)
  }

  /**
   * One gossip tick: queued updates to `gossipNodes` random live members, and to one member
   * that died less than `gossipToTheDeadMs` ago (it may be alive after all, and learn it must
   * refute). Unlike memberlist, the dead do not share the live members' fan-out: after a
   * partition most members may be "dead", and gossip sent into the cut would starve the live
   * side. Nothing is sent when there is no news (unless we are leaving).
   */
  gossip (now: number): void {
    const { config, random, table, self } = this.init
    if (this.queue.size === 0 && this.init.leaveClaim() === undefined) return
    const live: string[] = []
    const recentlyDead: string[] = []
    for (const record of table.values()) {
      if (record.id === self) continue
      if (isReachable(record.state)) live.push(record.id)
      else if (record.state === 'dead' && now - record.stateChangedAt <= config.gossipToTheDeadMs) recentlyDead.push(record.id)
    }
    const targets = sampleUpTo(random, live, config.gossipNodes)
    const dead = pickOne(random, recentlyDead)
    if (dead !== undefined) targets.push(dead)
    for (const to of targets) {
      const updates = this.piggyback(to)
      if (updates.length === 0) return
      this.init.send(to, { type: 'gossip', updates })
    }
  }

  /** Start handling a message: no answers yet. */
  beginMessage (): void {
    this.answers = []
  }

  /** Remember `update` for the sender of the message being handled (see {@link sendAnswers}). */
  answer (update: MembershipUpdate): void {
    if (!this.answers.includes(update)) this.answers.push(update)
  }

  /** Send `to`, the sender of the message just handled, the claims that supersede stale ones it sent. */
  sendAnswers (to: string): void {
    if (this.answers.length === 0) return
    this.init.send(to, { type: 'gossip', updates: this.answers.slice(0, this.init.config.maxPiggyback) })
    this.answers = []
  }
}
