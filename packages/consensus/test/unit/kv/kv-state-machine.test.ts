import { describe, expect, it } from '@jest/globals'
import { encodeKvCommand } from '../../../src/kv/kv-command-codec.js'
import { KvStateMachine } from '../../../src/kv/kv-state-machine.js'
import type { KvCommand } from '../../../src/kv/kv-types.js'
import type { Entry } from '../../../src/raft/core/types.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (value: Uint8Array | undefined): string | undefined => value === undefined ? undefined : new TextDecoder().decode(value)

function entry (index: number, command: KvCommand | Uint8Array): Entry {
  return { index, term: 1, type: 'normal', data: command instanceof Uint8Array ? command : encodeKvCommand(command) }
}

describe('KvStateMachine', () => {
  it('puts, deletes and tracks revisions by log index', () => {
    const kv = new KvStateMachine()
    kv.apply(entry(1, { op: 'put', key: 'a', value: bytes('1'), request: { client: 'c', seq: 1 } }))
    const second = kv.apply(entry(2, { op: 'put', key: 'a', value: bytes('2'), request: { client: 'c', seq: 2 } }))
    expect(text(second?.previous?.value)).toBe('1')
    expect(kv.get('a')).toMatchObject({ modRevision: 2, createRevision: 1 })
    expect(text(kv.get('a')?.value)).toBe('2')
    kv.apply(entry(3, { op: 'delete', key: 'a', request: { client: 'c', seq: 3 } }))
    expect(kv.get('a')).toBeUndefined()
    expect(kv.revision).toBe(3)
  })

  it('compare-and-set succeeds only on a match, including "absent"', () => {
    const kv = new KvStateMachine()
    const create = kv.apply(entry(1, { op: 'cas', key: 'k', expected: undefined, value: bytes('x'), request: { client: 'c', seq: 1 } }))
    expect(create?.succeeded).toBe(true)
    const again = kv.apply(entry(2, { op: 'cas', key: 'k', expected: undefined, value: bytes('y'), request: { client: 'c', seq: 2 } }))
    expect(again?.succeeded).toBe(false)
    expect(text(again?.previous?.value)).toBe('x')
    const swap = kv.apply(entry(3, { op: 'cas', key: 'k', expected: bytes('x'), value: bytes('z'), request: { client: 'c', seq: 3 } }))
    expect(swap?.succeeded).toBe(true)
    expect(text(kv.get('k')?.value)).toBe('z')
  })

  it('answers a retried request with its first result instead of executing it twice', () => {
    const kv = new KvStateMachine()
    const cas = { op: 'cas', key: 'k', expected: undefined, value: bytes('v'), request: { client: 'c', seq: 7 } } as const
    const first = kv.apply(entry(1, cas))
    kv.apply(entry(2, { op: 'put', key: 'k', value: bytes('other'), request: { client: 'd', seq: 1 } }))
    const retry = kv.apply(entry(3, cas))
    expect(retry).toEqual(first)
    expect(text(kv.get('k')?.value)).toBe('other')
  })

  it('skips entries that do not decode, and no-op entries, deterministically', () => {
    const kv = new KvStateMachine()
    expect(kv.apply(entry(1, new Uint8Array([9, 9, 9])))).toBeUndefined()
    expect(kv.apply(entry(2, new Uint8Array()))).toBeUndefined()
    expect(kv.size).toBe(0)
    expect(kv.revision).toBe(2)
  })

  it('restores from its snapshot to the same state and sessions', () => {
    const kv = new KvStateMachine()
    for (let i = 1; i <= 50; i++) kv.apply(entry(i, { op: 'put', key: `k${i % 7}`, value: bytes(`v${i}`), request: { client: `c${i % 3}`, seq: i } }))
    const copy = new KvStateMachine()
    copy.restore(kv.snapshot())
    expect(copy.revision).toBe(50)
    expect([...copy.keys()].sort()).toEqual([...kv.keys()].sort())
    for (const key of kv.keys()) expect(copy.get(key)).toEqual(kv.get(key))
    const retried = copy.apply(entry(51, { op: 'put', key: 'k1', value: bytes('late'), request: { client: 'c1', seq: 49 } }))
    expect(text(copy.get('k1')?.value)).toBe(text(kv.get('k1')?.value))
    expect(retried?.revision).toBe(49)
  })

  it('never executes a request twice, even when a late retry arrives after many later requests', () => {
    const kv = new KvStateMachine()
    let index = 0
    const put = (seq: number, value: string): ReturnType<KvStateMachine['apply']> =>
      kv.apply(entry(++index, { op: 'put', key: 'k', value: bytes(value), request: { client: 'c', seq } }))
    for (let seq = 2; seq <= 100; seq++) put(seq, `v${seq}`)
    put(1, 'v1') // a retry of seq 1 applied late
    for (let seq = 101; seq <= 1200; seq++) put(seq, `v${seq}`)
    expect(put(60, 'duplicate')).toBeUndefined() // forgotten: not executed again
    expect(text(kv.get('k')?.value)).toBe('v1200')
    // and after a snapshot restore, too
    const copy = new KvStateMachine()
    copy.restore(kv.snapshot())
    expect(copy.apply(entry(++index, { op: 'put', key: 'k', value: bytes('again'), request: { client: 'c', seq: 61 } }))).toBeUndefined()
    expect(text(copy.get('k')?.value)).toBe('v1200')
  })
})
