/**
 * A sequential specification for the checker: how an operation changes the state, and which
 * outputs it may give. States are compared through `stateKey`, which must be equal exactly when
 * two states are interchangeable (the memoization of visited configurations relies on it).
 */
export interface Model<State, Input, Output> {
  init(): State
  /**
   * Apply `input` to `state`. `output` undefined means the outcome is unknown: any result is
   * acceptable, and the operation takes effect; such a step must be legal in every state (the
   * checker relies on being able to linearize it last). Returns the next state, or `ILLEGAL`
   * when the specification cannot produce `output` from `state`.
   */
  step(state: State, input: Input, output: Output | undefined): StepResult<State>
  stateKey(state: State): string
  /**
   * Optional, to speed up histories with unknown outcomes: whether the operation replaces the
   * state whatever it was, and is legal in every state whatever its output (a blind write, such
   * as a put). An unknown-outcome operation followed at once by a blind write left no trace,
   * so the checker never tries that order.
   */
  overwrites?(input: Input): boolean
  /**
   * Split a history into independent parts (P-compositionality: a history is linearizable iff
   * each part is). Each part gets a name used in explanations. Default: one part.
   */
  partition?(inputs: readonly Input[]): Array<{ readonly name: string, readonly members: readonly number[] }>
  describeInput(input: Input): string
  describeOutput(output: Output): string
  describeState(state: State): string
}

export type StepResult<State> = { readonly legal: true, readonly state: State } | { readonly legal: false }

export const ILLEGAL: StepResult<never> = Object.freeze({ legal: false })

export function legal<State> (state: State): StepResult<State> {
  return { legal: true, state }
}
