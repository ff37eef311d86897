import { SeededRandom } from '@meshwork/core-mesh/testkit'

/** What both networks must share for one phase of messages, drawn from the seed. */
export interface PhasePlan {
  /** Shown in progress lines and the report: 'warm-up', 'round 1', … */
  label: string
  /** Written into every payload of the phase, so a late copy of an earlier phase is not taken for this one's. */
  phase: number
  /** The origin (node index) of each message, in sending order. */
  origins: number[]
}

/** `count` origins drawn from `label`'s stream of `seed`: uniform over the nodes, repeats allowed. */
export function drawOrigins (seed: number, label: string, count: number, nodes: number): number[] {
  const random = new SeededRandom(seed).fork(`origins-${label}`)
  return Array.from({ length: count }, () => random.int(nodes))
}

/** The warm-up phase, then `rounds` steady phases sharing `messages` as evenly as possible. */
export function planPhases (seed: number, nodes: number, warmup: number, messages: number, rounds: number): { warmup: PhasePlan | undefined, rounds: PhasePlan[] } {
  const plans: PhasePlan[] = []
  for (let round = 0; round < rounds; round++) {
    const count = Math.floor(messages / rounds) + (round < messages % rounds ? 1 : 0)
    const label = `round ${round + 1}`
    plans.push({ label, phase: round + 1, origins: drawOrigins(seed, label, count, nodes) })
  }
  return {
    warmup: warmup > 0 ? { label: 'warm-up', phase: 0, origins: drawOrigins(seed, 'warm-up', warmup, nodes) } : undefined,
    rounds: plans
  }
}
