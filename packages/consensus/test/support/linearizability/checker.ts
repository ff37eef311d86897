/**
 * A linearizability checker in the manner of Porcupine (github.com/anishathalye/porcupine): the
 * Wing & Gong search with Lowe's memoization, over a history split into independent parts.
 *
 * The history of one part becomes a doubly linked list of call and return events in real-time
 * order. The search is depth-first: the operations that may be linearized next are the calls
 * before the first return still in the list; linearizing one (the model accepts its output) lifts
 * its call and return out of the list. When none can be, the search backtracks. A configuration
 * (which operations are linearized, and the model state) already visited is not explored again,
 * which turns most exponential searches into linear ones.
 *
 * Exhaustive search is still exponential in the worst case, so every search runs under a budget
 * of steps (deterministic) and optionally of wall-clock time; running out gives `unknown`, which a
 * test must treat as a failure to prove, not as a pass.
 */
import type { Model } from './model.js'
import { validateHistory, type Operation } from './operation.js'
import { explainIllegal, explainUnknown } from './explanation.js'

export interface CheckOptions {
  /** Most search steps over the whole check before giving up with `unknown`. Default 10,000,000. */
  readonly maxSteps?: number
  /** Most wall-clock milliseconds (per `now`) before giving up with `unknown`. Default: no limit. */
  readonly timeoutMs?: number
  /** The wall clock for `timeoutMs`. Default `performance.now`. */
  readonly now?: () => number
  /**
   * Find the shortest prefix of a failing part that cannot be linearized (a binary search over
   * prefixes, about log2(2n) more searches under the same step budget each). Default true.
   */
  readonly minimize?: boolean
  /** Most operations printed in an explanation; the oldest are elided first. Default 40. */
  readonly maxPrinted?: number
}

export type CheckResult<Input, Output> =
  | {
    readonly ok: true
    readonly verdict: 'linearizable'
    readonly steps: number
    readonly parts: number
  }
  | {
    readonly ok: false
    readonly verdict: 'not-linearizable'
    /** The part (for the key-value model, the key) that cannot be linearized. */
    readonly part: string
    /**
     * The shortest prefix of that part's history that cannot be linearized, in call order.
     * Operations still running at the end of the prefix appear with an unknown outcome.
     */
    readonly prefix: ReadonlyArray<Operation<Input, Output>>
    /** The operation whose return ends the prefix: it cannot be given the answer it got. */
    readonly culprit: Operation<Input, Output> | undefined
    readonly explanation: string
    readonly steps: number
  }
  | {
    readonly ok: false
    readonly verdict: 'unknown'
    readonly part: string
    readonly explanation: string
    readonly steps: number
  }

const DEFAULT_MAX_STEPS = 10_000_000

/** Check `history` against `model`. Parts are checked in order; the first that fails decides. */
export function checkLinearizability<State, Input, Output> (
  model: Model<State, Input, Output>,
  history: ReadonlyArray<Operation<Input, Output>>,
  options: CheckOptions = {}
): CheckResult<Input, Output> {
  validateHistory(history)
  const now = options.now ?? (() => performance.now())
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs
  const budget = new Budget(maxSteps, deadline, now)
  const parts = model.partition?.(history.map(op => op.input)) ?? [{ name: 'history', members: history.map((_, i) => i) }]
  for (const part of parts) {
    const ops = part.members.map(i => history[i])
    const outcome = search(model, ops, budget)
    if (outcome === 'linearizable') continue
    if (outcome === 'budget') {
      return { ok: false, verdict: 'unknown', part: part.name, explanation: explainUnknown(part.name, ops.length, budget.used, budget.maxSteps), steps: budget.used }
    }
    const events = sortedEvents(ops)
    const length = options.minimize === false ? events.length : shortestIllegalPrefix(model, ops, events, maxSteps, deadline, now)
    const prefix = prefixOperations(ops, events, length)
    const last = events[length - 1]
    const culprit = last.kind === 'return' ? ops[last.op] : undefined
    return {
      ok: false,
      verdict: 'not-linearizable',
      part: part.name,
      prefix,
      culprit,
      explanation: explainIllegal(model, part.name, ops.length, prefix, culprit, length < events.length, options.maxPrinted ?? 40),
      steps: budget.used
    }
  }
  return { ok: true, verdict: 'linearizable', steps: budget.used, parts: parts.length }
}

/** Counts search steps against a step and a time budget. */
class Budget {
  used = 0
  constructor (readonly maxSteps: number, private readonly deadline: number, private readonly now: () => number) {}

  /** Take one step; false when the budget is spent. The clock is read every 4096 steps. */
  step (): boolean {
    this.used++
    if (this.used > this.maxSteps) return false
    return (this.used & 0xfff) !== 0 || this.now() < this.deadline
  }
}

interface Event {
  readonly op: number
  readonly kind: 'call' | 'return'
  readonly time: number
}

/** Calls and returns in real-time order; at equal times calls first (those operations overlap). */
function sortedEvents (ops: ReadonlyArray<Operation<unknown, unknown>>): Event[] {
  const events: Event[] = []
  ops.forEach((op, i) => {
    events.push({ op: i, kind: 'call', time: op.call }, { op: i, kind: 'return', time: op.return })
  })
  return events.sort((a, b) => a.time - b.time || (a.kind === b.kind ? a.op - b.op : a.kind === 'call' ? -1 : 1))
}

/**
 * The operations of the first `length` events, in call order: those whose return is not among
 * them were still running, so their outcome is unknown at that point.
 */
function prefixOperations<Input, Output> (ops: ReadonlyArray<Operation<Input, Output>>, events: readonly Event[], length: number): Array<Operation<Input, Output>> {
  const returned = new Set<number>()
  const called: number[] = []
  for (const event of events.slice(0, length)) {
    if (event.kind === 'call') called.push(event.op)
    else returned.add(event.op)
  }
  return called.map(i => {
    if (returned.has(i)) return ops[i]
    const { output: _output, ...pending } = ops[i]
    return { ...pending, return: Infinity }
  })
}

/**
 * Linearizability is prefix-closed (a prefix keeps running operations as unknown outcomes), so
 * the failing prefixes are exactly those at least some length: binary search for it. A search
 * that runs out of budget counts as failing, which keeps the answer an upper bound.
 */
function shortestIllegalPrefix<State, Input, Output> (
  model: Model<State, Input, Output>,
  ops: ReadonlyArray<Operation<Input, Output>>,
  events: readonly Event[],
  maxSteps: number,
  deadline: number,
  now: () => number
): number {
  let lo = 1
  let hi = events.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const outcome = search(model, prefixOperations(ops, events, mid), new Budget(maxSteps, deadline, now))
    if (outcome === 'linearizable') lo = mid + 1
    else hi = mid
  }
  return lo
}

interface ListNode {
  readonly op: number
  /** For a call, its return; undefined for a return and for the head. */
  readonly match: ListNode | undefined
  prev: ListNode | undefined
  next: ListNode | undefined
}

interface Frame<State> {
  /** The state after the operations linearized so far. */
  readonly state: State
  /** The calls that may be linearized next, in the order to try them. */
  readonly candidates: readonly ListNode[]
  next: number
  /** The call linearized to reach this frame (undefined for the root). */
  readonly lifted: ListNode | undefined
  /** Whether `lifted` has an unknown outcome (a guess that it took effect there). */
  readonly afterGuess: boolean
}

interface Visited {
  readonly known: Bitset
  readonly guessed: Bitset
  readonly afterGuess: boolean
}

/**
 * Search one part: is there a legal sequential order that respects real time?
 *
 * Operations with an unknown outcome are "guesses": they may be linearized anywhere after their
 * call, or never, which the search treats as "last". Three consequences keep guesses from making
 * the search exponential in their number, and each is sound because a guess has no return to
 * respect and accepts any result, so it can always be moved to the end of a linearization:
 * - the search succeeds as soon as every known-outcome operation is linearized;
 * - a guess that leaves the state unchanged, or that is followed at once by a blind write
 *   (`Model.overwrites`), changes nothing anyone saw, so those orders are not tried;
 * - a configuration (known operations linearized, guesses linearized, state) is dominated by one
 *   with the same known operations and state and fewer guesses, and is pruned when such a one
 *   was visited (Lowe's memoization is the case of equal sets). Known-outcome operations are
 *   tried first, so that the dominating configurations tend to be the ones visited first.
 */
function search<State, Input, Output> (
  model: Model<State, Input, Output>,
  ops: ReadonlyArray<Operation<Input, Output>>,
  budget: Budget
): 'linearizable' | 'illegal' | 'budget' {
  const head = buildList(sortedEvents(ops))
  const unknown = ops.map(op => op.output === undefined)
  const overwrites = ops.map(op => model.overwrites?.(op.input) ?? false)
  let knownLeft = unknown.filter(u => !u).length
  if (knownLeft === 0) return 'linearizable'
  const known = new Bitset(ops.length)
  const guessed = new Bitset(ops.length)
  const visited = new Map<string, Visited[]>()
  const root: Frame<State> = { state: model.init(), candidates: candidates(head, unknown), next: 0, lifted: undefined, afterGuess: false }
  const frames = [root]
  for (;;) {
    if (!budget.step()) return 'budget'
    const frame = frames[frames.length - 1]
    if (frame.next === frame.candidates.length) {
      // Nothing more to try here: undo the step that led here, or give up at the root.
      frames.pop()
      if (frame.lifted === undefined) return 'illegal'
      unlift(frame.lifted)
      if (frame.afterGuess) {
        guessed.clear(frame.lifted.op)
      } else {
        known.clear(frame.lifted.op)
        knownLeft++
      }
      continue
    }
    const call = frame.candidates[frame.next++]
    if (frame.afterGuess && overwrites[call.op]) continue
    const op = ops[call.op]
    const result = model.step(frame.state, op.input, op.output)
    if (!result.legal) continue
    const guess = unknown[call.op]
    const stateKey = model.stateKey(result.state)
    if (guess && stateKey === model.stateKey(frame.state)) continue
    const set = guess ? guessed : known
    set.set(call.op)
    const key = `${known.hash}:${stateKey}`
    const seen = visited.get(key)
    const dominated = seen?.some(other => other.known.equals(known) && other.guessed.isSubsetOf(guessed) && (!other.afterGuess || guess))
    if (dominated === true) {
      set.clear(call.op)
      continue
    }
    const entry: Visited = { known: known.clone(), guessed: guessed.clone(), afterGuess: guess }
    if (seen === undefined) visited.set(key, [entry])
    else seen.push(entry)
    if (!guess && --knownLeft === 0) return 'linearizable'
    lift(call)
    frames.push({ state: result.state, candidates: candidates(head, unknown), next: 0, lifted: call, afterGuess: guess })
  }
}

/**
 * The calls before the first return in the list: the operations that may be linearized next.
 * Known-outcome ones first, in list order, then unknown-outcome ones.
 */
function candidates (head: ListNode, unknown: readonly boolean[]): ListNode[] {
  const first: ListNode[] = []
  const later: ListNode[] = []
  for (let node = head.next; node !== undefined && node.match !== undefined; node = node.next) {
    if (unknown[node.op]) later.push(node)
    else first.push(node)
  }
  return first.concat(later)
}

function buildList (events: readonly Event[]): ListNode {
  const head: ListNode = { op: -1, match: undefined, prev: undefined, next: undefined }
  const returns = new Map<number, ListNode>()
  for (const event of events) {
    if (event.kind === 'return') returns.set(event.op, { op: event.op, match: undefined, prev: undefined, next: undefined })
  }
  let tail = head
  for (const event of events) {
    const node: ListNode = event.kind === 'return'
      ? returns.get(event.op) as ListNode
      : { op: event.op, match: returns.get(event.op), prev: undefined, next: undefined }
    node.prev = tail
    tail.next = node
    tail = node
  }
  return head
}

/** Take a call and its return out of the list. A call always has a successor: its return. */
function lift (call: ListNode): void {
  const ret = call.match as ListNode
  ;(call.prev as ListNode).next = call.next
  ;(call.next as ListNode).prev = call.prev
  ;(ret.prev as ListNode).next = ret.next
  if (ret.next !== undefined) ret.next.prev = ret.prev
}

/** Undo `lift`, in the reverse order. */
function unlift (call: ListNode): void {
  const ret = call.match as ListNode
  ;(ret.prev as ListNode).next = ret
  if (ret.next !== undefined) ret.next.prev = ret
  ;(call.prev as ListNode).next = call
  ;(call.next as ListNode).prev = call
}

/** A set of operation indexes with an order-independent hash kept up to date. */
class Bitset {
  hash = 0
  private readonly words: Uint32Array

  constructor (size: number, words?: Uint32Array, hash = 0) {
    this.words = words ?? new Uint32Array(Math.ceil(size / 32))
    this.hash = hash
  }

  set (i: number): void {
    this.words[i >>> 5] |= 1 << (i & 31)
    this.hash = (this.hash ^ mixIndex(i)) >>> 0
  }

  clear (i: number): void {
    this.words[i >>> 5] &= ~(1 << (i & 31))
    this.hash = (this.hash ^ mixIndex(i)) >>> 0
  }

  clone (): Bitset {
    return new Bitset(0, this.words.slice(), this.hash)
  }

  isSubsetOf (other: Bitset): boolean {
    for (let w = 0; w < this.words.length; w++) if ((this.words[w] & ~other.words[w]) !== 0) return false
    return true
  }

  equals (other: Bitset): boolean {
    if (other.hash !== this.hash) return false
    for (let w = 0; w < this.words.length; w++) if (this.words[w] !== other.words[w]) return false
    return true
  }
}

/** A 32-bit integer finalizer (murmur3's fmix32), so that XORs of indexes spread well. */
function mixIndex (i: number): number {
  let h = (i + 0x9e3779b9) | 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
