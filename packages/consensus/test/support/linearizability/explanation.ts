import type { Model } from './model.js'
import { outcomeUnknown, type Operation } from './operation.js'

/**
 * Why a part of a history is not linearizable, for a person: the shortest failing prefix as a
 * table in call order, with the operation whose answer cannot be explained.
 */
export function explainIllegal<State, Input, Output> (
  model: Model<State, Input, Output>,
  part: string,
  partSize: number,
  prefix: ReadonlyArray<Operation<Input, Output>>,
  culprit: Operation<Input, Output> | undefined,
  minimized: boolean,
  maxPrinted: number
): string {
  const lines: string[] = []
  const scope = minimized
    ? `the first ${prefix.length} of its ${partSize} operations (the shortest prefix that fails)`
    : `its ${partSize} operations`
  lines.push(`not linearizable: ${part}: no sequential order of ${scope} respects real time and the model.`)
  if (culprit !== undefined) {
    lines.push(`It fails when ${describeOperation(model, culprit)} returns: no order of what came before can give that answer.`)
  }
  const shown = selectPrinted(prefix, culprit, maxPrinted)
  const elided = prefix.length - shown.length
  if (elided > 0) lines.push(`(${elided} earlier operations that had all returned are not shown)`)
  lines.push(formatTable(model, shown, culprit))
  if (prefix.some(outcomeUnknown)) {
    lines.push('Return "?": the outcome was unknown at that point; such an operation may or may not have taken effect.')
  }
  return lines.join('\n')
}

export function explainUnknown (part: string, partSize: number, steps: number, maxSteps: number): string {
  return `linearizability unknown: ${part} (${partSize} operations): the search gave up after ${steps} steps ` +
    `(budget ${maxSteps} steps or the time limit) without proving or refuting it. Treat this as a failure to prove; ` +
    'shorten the run or reduce concurrency and unknown outcomes.'
}

/** One line for `op`: client, interval and input → output. */
export function describeOperation<State, Input, Output> (model: Model<State, Input, Output>, op: Operation<Input, Output>): string {
  const output = op.output === undefined ? '?' : model.describeOutput(op.output)
  return `${op.client} ${model.describeInput(op.input)} → ${output} [${op.call}, ${outcomeUnknown(op) ? '?' : op.return}]`
}

/**
 * The latest `maxPrinted` operations, plus older ones that were still running (an older
 * operation that had returned can only matter through the state it left).
 */
function selectPrinted<Input, Output> (
  prefix: ReadonlyArray<Operation<Input, Output>>,
  culprit: Operation<Input, Output> | undefined,
  maxPrinted: number
): Array<Operation<Input, Output>> {
  if (prefix.length <= maxPrinted) return [...prefix]
  const cutoff = prefix[prefix.length - maxPrinted].call
  return prefix.filter(op => op.call >= cutoff || op.return >= cutoff || op === culprit)
}

function formatTable<State, Input, Output> (
  model: Model<State, Input, Output>,
  ops: ReadonlyArray<Operation<Input, Output>>,
  culprit: Operation<Input, Output> | undefined
): string {
  const rows = ops.map(op => [
    op === culprit ? '>' : ' ',
    op.client,
    String(op.call),
    outcomeUnknown(op) ? '?' : String(op.return),
    model.describeInput(op.input),
    op.output === undefined ? '?' : model.describeOutput(op.output),
    op.note ?? ''
  ])
  const header = [' ', 'client', 'call', 'return', 'operation', 'result', 'note']
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map(row => row[c].length)))
  const render = (row: readonly string[]): string => row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()
  return [render(header), ...rows.map(render)].map(line => `  ${line}`).join('\n')
}
