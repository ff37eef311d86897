import { MeshError } from '../errors.js'

/** Seeds as a list, or as `count` consecutive seeds starting at `from`. */
export type SeedList = readonly number[] | { from: number, count: number }

/** A scenario failed for one seed. The message starts with `seed <n>:`; `cause` is the original error. */
export class SeededScenarioError extends MeshError {
  constructor (readonly seed: number, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause)
    super(`seed ${seed}: ${reason}\n(replay this run alone with MESHWORK_SEED=${seed})`, { cause })
    // Keep the frames of the original failure, which point at the failing line of the scenario.
    if (cause instanceof Error && cause.stack !== undefined) {
      const frames = cause.stack.split('\n').filter(line => line.trimStart().startsWith('at '))
      this.stack = [`${this.name}: ${this.message}`, ...frames].join('\n')
    }
  }
}

/** Several seeds failed (a run with `keepGoing`). `failures` lists them in order. */
export class SeededScenariosError extends MeshError {
  constructor (readonly failures: readonly SeededScenarioError[]) {
    super(`${failures.length} failing seeds: ${failures.map(f => f.seed).join(', ')}\nfirst, ${failures[0].message}`, { cause: failures[0] })
  }
}

export interface RunSeededOptions {
  /**
   * Run every seed and report all the failing ones at the end, instead of stopping at the first
   * (for soaks). Default: `MESHWORK_KEEP_GOING=1` in the environment.
   */
  keepGoing?: boolean
}

/**
 * Run `scenario` once per seed, in order. The first failure is rethrown as a
 * {@link SeededScenarioError} naming the seed; with `keepGoing`, every seed runs and several
 * failures are reported together as a {@link SeededScenariosError}.
 */
export async function runSeeded (seeds: SeedList, scenario: (seed: number) => void | Promise<void>, options: RunSeededOptions = {}): Promise<void> {
  const keepGoing = options.keepGoing ?? process.env.MESHWORK_KEEP_GOING === '1'
  const failures: SeededScenarioError[] = []
  for (const seed of listSeeds(seeds)) {
    try {
      await scenario(seed)
    } catch (err) {
      const failure = new SeededScenarioError(seed, err)
      if (!keepGoing) throw failure
      failures.push(failure)
    }
  }
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1) throw new SeededScenariosError(failures)
}

/**
 * The seeds a simulation test should run: `MESHWORK_SEED=<n>` replays that one seed,
 * `MESHWORK_SEEDS=<count>` runs seeds 1 to count, and otherwise seeds 1 to `defaultCount` run.
 */
export function seedsFromEnv (defaultCount: number, env: Readonly<Record<string, string | undefined>> = process.env): SeedList {
  const one = env.MESHWORK_SEED
  if (one !== undefined && one !== '') return [parseWhole('MESHWORK_SEED', one, 0, 2 ** 32 - 1)]
  const count = env.MESHWORK_SEEDS
  if (count !== undefined && count !== '') return { from: 1, count: parseWhole('MESHWORK_SEEDS', count, 1, 2 ** 32 - 1) }
  return { from: 1, count: defaultCount }
}

function listSeeds (seeds: SeedList): readonly number[] {
  if (!('count' in seeds)) return seeds
  const { from, count } = seeds
  if (!Number.isInteger(from) || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`seeds need an integer from and a count >= 0, got { from: ${from}, count: ${count} }`)
  }
  return Array.from({ length: count }, (_, i) => from + i)
}

function parseWhole (name: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!(value >= min && value <= max)) throw new RangeError(`${name} must be a whole number in [${min}, ${max}], got "${text}"`)
  return value
}
