import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import {
  assertKvLinearizable,
  checkLinearizability,
  HistoryRecorder,
  kvRegisterModel,
  type KvInput,
  type KvOperation,
  type KvOutput
} from '../support/linearizability/index.js'

/** `[call, return]`; a return of `'?'` means the outcome is unknown. */
type Interval = readonly [number, number | '?']

function op (client: string, [call, ret]: Interval, input: KvInput, output: KvOutput): KvOperation {
  return ret === '?' ? { client, call, return: Infinity, input } : { client, call, return: ret, input, output }
}
const put = (client: string, at: Interval, key: string, value: string): KvOperation =>
  op(client, at, { op: 'put', key, value }, { kind: 'write', ok: true })
const get = (client: string, at: Interval, key: string, value: string | undefined): KvOperation =>
  op(client, at, { op: 'get', key }, { kind: 'read', value })
const cas = (client: string, at: Interval, key: string, expected: string | undefined, value: string, ok: boolean): KvOperation =>
  op(client, at, { op: 'cas', key, expected, value }, { kind: 'write', ok })
const del = (client: string, at: Interval, key: string): KvOperation =>
  op(client, at, { op: 'delete', key }, { kind: 'write', ok: true })

const check = (history: readonly KvOperation[]): ReturnType<typeof checkLinearizability<string | undefined, KvInput, KvOutput>> =>
  checkLinearizability(kvRegisterModel, history)

describe('linearizability checker: hand-written histories', () => {
  it('accepts the empty history and a sequential one', () => {
    expect(check([]).ok).toBe(true)
    const result = check([
      get('a', [0, 1], 'x', undefined),
      put('a', [2, 3], 'x', '1'),
      cas('b', [4, 5], 'x', '1', '2', true),
      cas('a', [6, 7], 'x', '1', '3', false),
      get('b', [8, 9], 'x', '2'),
      del('a', [10, 11], 'x'),
      get('b', [12, 13], 'x', undefined),
      cas('a', [14, 15], 'x', undefined, '4', true),
      get('a', [16, 17], 'x', '4')
    ])
    expect(result).toMatchObject({ ok: true, verdict: 'linearizable', parts: 1 })
  })

  it('rejects a stale read after an acknowledged write, and names the key, the read and the prefix', () => {
    const result = check([
      put('a', [0, 10], 'x', '1'),
      put('a', [20, 30], 'x', '2'),
      get('b', [40, 50], 'x', '1'),
      put('c', [60, 70], 'x', '3')
    ])
    expect(result.ok).toBe(false)
    if (result.verdict !== 'not-linearizable') throw new Error(`expected not-linearizable, got ${result.verdict}`)
    expect(result.part).toBe('key "x"')
    expect(result.culprit).toMatchObject({ client: 'b', input: { op: 'get' } })
    // The put at 60 comes after the failing read: it is not part of the shortest failing prefix.
    expect(result.prefix.map(o => o.call)).toEqual([0, 20, 40])
    expect(result.explanation).toContain('key "x"')
    expect(result.explanation).toContain('b get(x) → "1" [40, 50]')
    expect(result.explanation).toMatch(/>\s+b\s+40\s+50\s+get\(x\)\s+"1"/)
  })

  it('rejects a lost write: an acknowledged put that a later read does not see', () => {
    expect(check([put('a', [0, 10], 'x', '1'), get('b', [20, 30], 'x', undefined)]).verdict).toBe('not-linearizable')
  })

  it('rejects a compare-and-set that succeeds twice from the same value', () => {
    const history = [
      put('a', [0, 5], 'x', '0'),
      cas('b', [10, 30], 'x', '0', '1', true),
      cas('c', [15, 35], 'x', '0', '2', true)
    ]
    expect(check(history).verdict).toBe('not-linearizable')
    // One success and one failure is fine, in either order of the calls.
    expect(check([history[0], history[1], cas('c', [15, 35], 'x', '0', '2', false)]).ok).toBe(true)
    expect(check([history[0], cas('b', [10, 30], 'x', '0', '1', false), history[2]]).ok).toBe(true)
  })

  it('rejects a read of a value never written', () => {
    expect(check([put('a', [0, 10], 'x', '1'), get('b', [5, 15], 'x', '7')]).verdict).toBe('not-linearizable')
  })

  it('rejects a failed cas whose expected value was certainly there', () => {
    expect(check([put('a', [0, 1], 'x', '1'), cas('a', [2, 3], 'x', '1', '2', false)]).verdict).toBe('not-linearizable')
  })

  it('accepts concurrent operations that are fine in some order other than their calls', () => {
    expect(check([
      put('a', [0, 100], 'x', '1'),
      put('b', [10, 20], 'x', '2'),
      get('c', [25, 35], 'x', '2'),
      get('d', [38, 45], 'x', '1'),
      get('c', [110, 120], 'x', '1')
    ]).ok).toBe(true)
    // ...but once a read has seen the later write take effect, an older value cannot come back.
    expect(check([
      put('a', [0, 100], 'x', '1'),
      put('b', [10, 20], 'x', '2'),
      get('c', [25, 35], 'x', '1'),
      get('d', [38, 45], 'x', '2')
    ]).verdict).toBe('not-linearizable')
  })

  it('treats operations that touch at one instant as overlapping', () => {
    expect(check([put('a', [0, 10], 'x', '1'), get('b', [10, 20], 'x', undefined)]).ok).toBe(true)
  })

  it('lets an unknown-outcome write take effect, late, or never', () => {
    const unknownPut = put('a', [0, '?'], 'x', '1')
    expect(check([unknownPut, get('b', [10, 20], 'x', '1')]).ok).toBe(true)
    expect(check([unknownPut, get('b', [10, 20], 'x', undefined)]).ok).toBe(true)
    // Not yet, then later: it took effect between the two reads.
    expect(check([unknownPut, get('b', [10, 20], 'x', undefined), get('b', [500, 510], 'x', '1')]).ok).toBe(true)
    // But it cannot be undone once seen.
    expect(check([unknownPut, get('b', [10, 20], 'x', '1'), get('b', [30, 40], 'x', undefined)]).verdict).toBe('not-linearizable')
    // And it cannot take effect before it was called.
    expect(check([get('b', [0, 5], 'x', '1'), put('a', [10, '?'], 'x', '1')]).verdict).toBe('not-linearizable')
  })

  it('lets an unknown-outcome cas apply when it matches, and only then', () => {
    const base = put('a', [0, 5], 'x', '0')
    const unknownCas = cas('b', [10, '?'], 'x', '0', '1', true)
    expect(check([base, unknownCas, get('c', [20, 30], 'x', '1')]).ok).toBe(true)
    expect(check([base, unknownCas, get('c', [20, 30], 'x', '0')]).ok).toBe(true)
    // Had it matched, it would write '1'; it cannot write anything else.
    expect(check([base, unknownCas, get('c', [20, 30], 'x', '2')]).verdict).toBe('not-linearizable')
    // After another write replaced '0', the pending cas can no longer apply.
    expect(check([base, unknownCas, put('d', [20, 25], 'x', '2'), get('c', [30, 40], 'x', '2'), get('c', [50, 60], 'x', '1')]).verdict)
      .toBe('not-linearizable')
  })

  it('treats an unknown-outcome read as harmless', () => {
    expect(check([put('a', [0, 5], 'x', '1'), op('b', [6, '?'], { op: 'get', key: 'x' }, { kind: 'read', value: undefined })]).ok).toBe(true)
  })

  it('checks keys independently and reports the key that fails', () => {
    const result = check([
      put('a', [0, 10], 'x', '1'),
      put('a', [11, 20], 'y', '1'),
      get('b', [21, 30], 'x', '1'),
      get('b', [31, 40], 'y', undefined)
    ])
    expect(result).toMatchObject({ ok: false, verdict: 'not-linearizable', part: 'key "y"' })
  })

  it('reports the shortest failing prefix of a long history, eliding old operations', () => {
    const history: KvOperation[] = []
    for (let i = 0; i < 100; i++) history.push(put('w', [i * 10, i * 10 + 5], 'x', String(i)))
    // A read at 502..512 of the value written at 480: stale, the write of 490 had returned.
    history.push(get('r', [502, 512], 'x', '48'))
    const result = checkLinearizability(kvRegisterModel, history, { maxPrinted: 5 })
    if (result.verdict !== 'not-linearizable') throw new Error(`expected not-linearizable, got ${result.verdict}`)
    expect(result.culprit?.client).toBe('r')
    // Everything up to the read's return, and the write at 510 still running then.
    expect(result.prefix).toHaveLength(53)
    expect(result.prefix.at(-1)).toMatchObject({ call: 510, return: Infinity })
    expect(result.explanation).toContain('the first 53 of its 101 operations')
    expect(result.explanation).toContain('earlier operations that had all returned are not shown')
    expect(result.explanation.split('\n').filter(line => line.startsWith('  ')).length).toBeLessThanOrEqual(8)
    expect(result.explanation).toContain('Return "?"')
  })

  it('gives up with "unknown" when the step budget runs out, and the assertion treats that as failure', () => {
    // Concurrent writes followed by an impossible read: refuting it means trying every subset of
    // the writes in every order that leaves a distinct last value.
    const hard = (writers: number): KvOperation[] => [
      ...Array.from({ length: writers }, (_, i) => put(`w${i}`, [i, 100], 'x', String(i))),
      get('r', [200, 210], 'x', 'never')
    ]
    const result = checkLinearizability(kvRegisterModel, hard(20), { maxSteps: 10_000 })
    expect(result).toMatchObject({ ok: false, verdict: 'unknown', part: 'key "x"', steps: 10_001 })
    expect(() => assertKvLinearizable(hard(20), { maxSteps: 10_000 })).toThrow(/linearizability unknown: key "x"/)
    // A smaller one is decided within the default budget.
    expect(checkLinearizability(kvRegisterModel, hard(10)).verdict).toBe('not-linearizable')
  })

  it('copes with many unknown-outcome writes that reads observe in any order', () => {
    const history: KvOperation[] = []
    for (let i = 0; i < 30; i++) history.push(put(`w${i}`, [i, '?'], 'x', String(i)))
    for (let i = 0; i < 30; i++) history.push(get('r', [100 + 2 * i, 101 + 2 * i], 'x', String(29 - i)))
    const result = checkLinearizability(kvRegisterModel, history, { maxSteps: 100_000 })
    expect(result.ok).toBe(true)
    // A read of a value written only by a write called later still fails.
    history.push(get('r', [300, 301], 'x', '29'), put('late', [400, 401], 'x', 'late'), get('r', [402, 403], 'x', '5'))
    expect(checkLinearizability(kvRegisterModel, history, { maxSteps: 1_000_000 }).verdict).toBe('not-linearizable')
  })

  it('gives up with "unknown" when the time budget runs out', () => {
    const history: KvOperation[] = Array.from({ length: 20 }, (_, i) => put(`w${i}`, [i, 100], 'x', String(i)))
    history.push(get('r', [200, 210], 'x', 'never'))
    let fakeNow = 0
    const result = checkLinearizability(kvRegisterModel, history, { timeoutMs: 50, now: () => (fakeNow += 10) })
    expect(result.verdict).toBe('unknown')
  })

  it('assertKvLinearizable throws the explanation', () => {
    expect(() => assertKvLinearizable([put('a', [0, 1], 'k', '1'), get('b', [2, 3], 'k', '2')])).toThrow(/not linearizable: key "k"/)
    expect(assertKvLinearizable([put('a', [0, 1], 'k', '1')]).ok).toBe(true)
  })

  it('refuses malformed records', () => {
    expect(() => check([{ client: 'a', call: 5, return: 1, input: { op: 'get', key: 'x' }, output: { kind: 'read', value: undefined } }])).toThrow(RangeError)
    expect(() => check([{ client: 'a', call: 0, return: 1, input: { op: 'get', key: 'x' } }])).toThrow(/output is required/)
  })
})

describe('linearizability checker: agrees with brute force on small arbitrary histories', () => {
  /** Every order of the operations that respects real time, tried against the model. */
  function bruteForce (history: readonly KvOperation[]): boolean {
    const used = new Array<boolean>(history.length).fill(false)
    const extend = (state: string | undefined, placed: number): boolean => {
      if (placed === history.length) return true
      for (let i = 0; i < history.length; i++) {
        if (used[i]) continue
        // i may go next only if every operation that returned before it was called is placed.
        if (history.some((other, j) => !used[j] && j !== i && other.return < history[i].call)) continue
        const result = kvRegisterModel.step(state, history[i].input, history[i].output)
        if (!result.legal) continue
        used[i] = true
        const ok = extend(result.state, placed + 1)
        used[i] = false
        if (ok) return true
      }
      return false
    }
    return extend(undefined, 0)
  }

  it('gives the same verdict on 3000 random histories of up to 7 operations with unknown outcomes and ties', () => {
    const random = new SeededRandom(99)
    const values = ['1', '2', '3']
    let illegal = 0
    for (let n = 0; n < 3000; n++) {
      const history: KvOperation[] = Array.from({ length: 1 + random.int(7) }, (_, i) => {
        const call = random.int(10)
        const at: Interval = [call, random.chance(0.25) ? '?' : call + random.int(6)]
        const value = random.pick(values)
        switch (random.int(4)) {
          case 0: return get(`c${i}`, at, 'x', random.chance(0.3) ? undefined : value)
          case 1: return put(`c${i}`, at, 'x', value)
          case 2: return del(`c${i}`, at, 'x')
          default: return cas(`c${i}`, at, 'x', random.chance(0.3) ? undefined : random.pick(values), value, random.chance(0.5))
        }
      })
      const expected = bruteForce(history)
      const result = checkLinearizability(kvRegisterModel, history)
      if (result.ok !== expected || result.verdict === 'unknown') {
        throw new Error(`history ${n}: brute force says ${expected}, the checker ${result.verdict}:\n${JSON.stringify(history)}`)
      }
      if (!expected) illegal++
    }
    // Both verdicts are well represented.
    expect(illegal).toBeGreaterThan(500)
    expect(illegal).toBeLessThan(2500)
  })
})

describe('HistoryRecorder', () => {
  it('orders events at the same instant, drops failed operations and keeps abandoned ones as unknown', () => {
    let now = 100
    const recorder = new HistoryRecorder<KvInput, KvOutput>(() => now)
    const write = recorder.invoke('a', { op: 'put', key: 'x', value: '1' }, 'via n1')
    const refused = recorder.invoke('b', { op: 'put', key: 'x', value: '2' })
    write.complete({ kind: 'write', ok: true })
    const read = recorder.invoke('c', { op: 'get', key: 'x' })
    now = 130
    const lost = recorder.invoke('a', { op: 'put', key: 'x', value: '3' })
    refused.fail()
    read.complete({ kind: 'read', value: '1' }, 'index 7')
    lost.abandon('timeout')
    recorder.invoke('d', { op: 'get', key: 'x' })
    expect(() => { write.fail() }).toThrow(/settled twice/)

    const history = recorder.history()
    expect(history.map(o => [o.client, o.call, o.return])).toEqual([['a', 1, 3], ['c', 4, 6], ['a', 5, Infinity], ['d', 7, Infinity]])
    expect(history[0].note).toBe('t=100..100 via n1')
    expect(history[1].note).toBe('t=100..130 index 7')
    expect(history[2].note).toBe('t=130..? timeout')
    expect(recorder.counts()).toEqual({ completed: 2, failed: 1, unknown: 2 })
    // The write returned before the read was called, at the same virtual time: they are ordered.
    expect(check([...history, put('z', [0, 0.5], 'x', '0')]).ok).toBe(true)
  })
})

describe('linearizability checker: randomized histories from a real register', () => {
  interface Generated { history: KvOperation[], writtenValues: Map<string, string[]> }

  /**
   * Clients issue overlapping operations; each takes effect at a random point inside its interval
   * (or, for an unknown outcome, at any later point or never) on a real register, which gives the
   * outputs. Such a history is linearizable by construction.
   */
  function generate (random: SeededRandom): Generated {
    const keys = ['a', 'b', 'c'].slice(0, 1 + random.int(3))
    const clients = 2 + random.int(5)
    const planned: Array<{ client: string, call: number, ret: number, point: number | undefined, input: KvInput }> = []
    const writtenValues = new Map<string, string[]>()
    let nextValue = 0
    for (let c = 0; c < clients; c++) {
      let t = random.range(0, 20)
      for (let i = 0; i < 5 + random.int(20); i++) {
        const call = t + random.range(0.1, 10)
        const ret = call + random.range(0.1, 40)
        const key = random.pick(keys)
        const kind = random.int(10)
        const input: KvInput = kind < 4
          ? { op: 'get', key }
          : kind < 7
            ? { op: 'put', key, value: `v${nextValue++}` }
            : kind < 9
              ? { op: 'cas', key, expected: random.chance(0.2) ? undefined : random.pick(writtenValues.get(key) ?? ['v0']), value: `v${nextValue++}` }
              : { op: 'delete', key }
        if (input.op === 'put' || input.op === 'cas') writtenValues.set(key, [...writtenValues.get(key) ?? [], input.value])
        const unknown = input.op !== 'get' && random.chance(0.1)
        const point = unknown
          ? (random.chance(0.5) ? call + random.range(0, 200) : undefined)
          : call + random.range(0, 1) * (ret - call)
        planned.push({ client: `c${c}`, call, ret: unknown ? Infinity : ret, point, input })
        t = ret
      }
    }
    const outputs = new Map<number, KvOutput>()
    const register = new Map<string, string>()
    const order = planned.map((p, i) => ({ ...p, i })).filter(p => p.point !== undefined).sort((a, b) => (a.point as number) - (b.point as number))
    for (const { input, i } of order) {
      const current = register.get(input.key)
      if (input.op === 'get') {
        outputs.set(i, { kind: 'read', value: current })
      } else if (input.op === 'put') {
        register.set(input.key, input.value)
        outputs.set(i, { kind: 'write', ok: true })
      } else if (input.op === 'delete') {
        register.delete(input.key)
        outputs.set(i, { kind: 'write', ok: true })
      } else {
        const ok = current === input.expected
        if (ok) register.set(input.key, input.value)
        outputs.set(i, { kind: 'write', ok })
      }
    }
    const history = planned.map((p, i): KvOperation => p.ret === Infinity
      ? { client: p.client, call: p.call, return: Infinity, input: p.input }
      : { client: p.client, call: p.call, return: p.ret, input: p.input, output: outputs.get(i) })
    return { history, writtenValues }
  }

  it('accepts every history generated from a sequential register (300 histories)', () => {
    const random = new SeededRandom(20240611)
    for (let i = 0; i < 300; i++) {
      const { history } = generate(random)
      const result = checkLinearizability(kvRegisterModel, history)
      if (!result.ok) throw new Error(`history ${i} (${history.length} operations) was rejected:\n${result.ok ? '' : result.explanation}`)
    }
  })

  it('detects one mutated read: always for a value never written, usually for a plausible one', () => {
    const random = new SeededRandom(7)
    let mutated = 0
    let detected = 0
    let neverWritten = 0
    for (let i = 0; i < 300; i++) {
      const { history, writtenValues } = generate(random)
      const reads = history.map((o, j) => ({ o, j })).filter(({ o }) => o.input.op === 'get' && o.output !== undefined)
      if (reads.length === 0) continue
      const { o, j } = random.pick(reads)
      const actual = o.output?.kind === 'read' ? o.output.value : undefined
      const candidates = [undefined, ...writtenValues.get(o.input.key) ?? []].filter(v => v !== actual)

      const bogus = [...history]
      bogus[j] = { ...o, output: { kind: 'read', value: 'never-written' } }
      const bogusResult = checkLinearizability(kvRegisterModel, bogus)
      expect(bogusResult.verdict).toBe('not-linearizable')
      neverWritten++

      if (candidates.length === 0) continue
      const plausible = [...history]
      plausible[j] = { ...o, output: { kind: 'read', value: random.pick(candidates) } }
      const result = checkLinearizability(kvRegisterModel, plausible)
      expect(result.verdict).not.toBe('unknown')
      mutated++
      if (!result.ok) detected++
    }
    expect(neverWritten).toBeGreaterThan(250)
    expect(mutated).toBeGreaterThan(200)
    // A changed read stays explainable only when a concurrent write could have produced it.
    expect(detected / mutated).toBeGreaterThan(0.75)
  })
})
