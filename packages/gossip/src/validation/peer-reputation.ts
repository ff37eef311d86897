import type { Clock } from '@meshwork/core-mesh'
import type { MessageValidationError } from '../errors.js'

export interface PeerReputationOptions {
  /** Score lost per penalising error. Default 10. */
  penalty?: number
  /** Score gained per valid, first-seen message; capped at `maxScore`. Default 0.1. */
  reward?: number
  /** Default 10. */
  maxScore?: number
  /** At or below this score a peer is graylisted: its traffic is ignored. Default -50. */
  graylistThreshold?: number
  /** Scores decay toward 0 with this half-life, so a graylisted peer recovers in time. Default 10 min. */
  decayHalfLifeMs?: number
  /** Peers tracked at most; the least recently scored is forgotten first. Default 10,000. */
  maxPeers?: number
}

export interface PeerReputationInit extends PeerReputationOptions {
  clock: Clock
  /** Called once when a peer crosses into the graylist. Must not throw or block. */
  onGraylisted?: (peer: string, score: number) => void
}

interface Score { value: number, at: number }

/**
 * Reputation of the peers that hand us messages, for gossip's validation pipeline: penalising
 * errors (see {@link MessageValidationError.penalise}) lower a peer's score, valid messages
 * raise it a little, and time pulls every score back toward zero. A peer at or below the
 * graylist threshold is ignored until its score decays back above it. Only faults a peer
 * could have caught itself are charged, so an honest relay never loses score.
 */
export class PeerReputation {
  private readonly scores = new Map<string, Score>()
  private readonly clock: Clock
  private readonly penalty: number
  private readonly rewardStep: number
  private readonly maxScore: number
  private readonly threshold: number
  private readonly decayPerMs: number
  private readonly maxPeers: number
  private readonly onGraylisted?: (peer: string, score: number) => void

  constructor (init: PeerReputationInit) {
    this.clock = init.clock
    this.penalty = init.penalty ?? 10
    this.rewardStep = init.reward ?? 0.1
    this.maxScore = init.maxScore ?? 10
    this.threshold = init.graylistThreshold ?? -50
    this.decayPerMs = Math.LN2 / (init.decayHalfLifeMs ?? 600_000)
    this.maxPeers = init.maxPeers ?? 10_000
    this.onGraylisted = init.onGraylisted
    if (this.threshold >= 0) throw new RangeError('graylistThreshold must be negative')
  }

  /** Charge `peer` for `error` if the error says the peer is at fault; returns the new score. */
  penalise (peer: string, error: MessageValidationError): number {
    if (!error.penalise) return this.score(peer)
    const before = this.score(peer)
    const after = this.set(peer, before - this.penalty)
    if (before > this.threshold && after <= this.threshold) this.onGraylisted?.(peer, after)
    return after
  }

  /** Credit `peer` for a valid, first-seen message. */
  reward (peer: string): number {
    return this.set(peer, Math.min(this.maxScore, this.score(peer) + this.rewardStep))
  }

  score (peer: string): number {
    const entry = this.scores.get(peer)
    if (entry === undefined) return 0
    return entry.value * Math.exp(-this.decayPerMs * (this.clock.now() - entry.at))
  }

  isGraylisted (peer: string): boolean {
    return this.score(peer) <= this.threshold
  }

  /** Peers graylisted right now. */
  graylisted (): string[] {
    return [...this.scores.keys()].filter(peer => this.isGraylisted(peer))
  }

  forget (peer: string): void {
    this.scores.delete(peer)
  }

  private set (peer: string, value: number): number {
    this.scores.delete(peer)
    this.scores.set(peer, { value, at: this.clock.now() })
    if (this.scores.size > this.maxPeers) this.scores.delete(this.scores.keys().next().value as string)
    return value
  }
}
