/**
 * The randomized round-robin that picks whom to probe next (SWIM §4.3). Members are probed in
 * a shuffled order, reshuffled at the end of each round, so every member is probed by every
 * node within two rounds (a bounded detection time, unlike uniform random picks), while
 * different nodes probe in different orders. A new member goes in at a random position: if all
 * nodes appended, a newcomer would wait a whole round everywhere before anyone probed it.
 */
import type { RandomSource } from '@meshwork/core-mesh'
import { randomIndex, shuffleInPlace } from './random-choice.js'

export class ProbeOrder {
  private readonly order: string[] = []
  private readonly present = new Set<string>()
  /** Members to probe out of turn, before the round goes on (see {@link ProbeOrder.expedite}). */
  private readonly expedited = new Set<string>()
  private index = 0

  constructor (private readonly random: RandomSource) {}

  get size (): number {
    return this.order.length
  }

  /** Add a member at a random position of the current round. */
  add (id: string): void {
    if (this.present.has(id)) return
    this.present.add(id)
    const at = randomIndex(this.random, this.order.length + 1)
    this.order.splice(at, 0, id)
    // Keep the cursor on the member it pointed at, so no member is skipped or probed twice.
    if (at < this.index) this.index++
  }

  /**
   * Probe `id` next, out of turn. The round is not changed: `id` is still probed at its own
   * place too, so the detection bound of the round-robin holds whatever hints arrive.
   */
  expedite (id: string): void {
    if (this.present.has(id)) this.expedited.add(id)
  }

  remove (id: string): void {
    this.expedited.delete(id)
    if (!this.present.delete(id)) return
    const at = this.order.indexOf(id)
    this.order.splice(at, 1)
    if (at < this.index) this.index--
  }

  /**
   * The next member for which `eligible` holds, advancing the cursor; reshuffles when a round
   * ends. Undefined when no member is eligible. Looks at each member at most once per call.
   */
  next (eligible: (id: string) => boolean): string | undefined {
    for (const id of this.expedited) {
      this.expedited.delete(id)
      if (eligible(id)) return id
    }
    for (let checked = 0; checked < this.order.length; checked++) {
      if (this.index >= this.order.length) {
        shuffleInPlace(this.random, this.order)
        this.index = 0
      }
      const id = this.order[this.index++]
      if (eligible(id)) return id
    }
    return undefined
  }
}
