/**
 * Lifeguard's local health multiplier ("awareness"). A node that is itself slow (overloaded,
 * GC-paused, on a lossy link) sees its probes fail and is asked to refute suspicions of itself;
 * instead of accusing healthy members it backs off: its probe interval and probe timeout grow
 * with the score, so it gives others more time before it suspects them.
 */
export class Awareness {
  private current = 0

  /** @param max the score stays in [0, max − 1]; max 1 turns the multiplier off. */
  constructor (private readonly max: number) {}

  /** The health score: 0 is healthy, higher is worse. */
  get score (): number {
    return this.current
  }

  /**
   * Raise (positive) or lower (negative) the score, clamped. +1 for a failed probe with no
   * nack helpers, +1 per expected nack that did not come, +1 for refuting a suspicion of
   * ourselves; −1 for a successful probe.
   */
  apply (delta: number): void {
    this.current = Math.max(0, Math.min(this.max - 1, this.current + delta))
  }

  /** `ms` scaled by (score + 1). */
  scale (ms: number): number {
    return ms * (this.current + 1)
  }
}
