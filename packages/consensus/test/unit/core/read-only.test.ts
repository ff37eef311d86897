import { describe, expect, it } from '@jest/globals'
import { ReadOnlyQueue } from '../../../src/raft/core/read-only.js'

const ctx = (n: number): Uint8Array => new Uint8Array([n])

describe('ReadOnlyQueue', () => {
  it('confirms a request and every earlier one, in order', () => {
    const queue = new ReadOnlyQueue()
    queue.add(5, { from: 'a', context: ctx(1) })
    queue.add(6, { from: 'b', context: ctx(2) })
    queue.add(7, { from: 'a', context: ctx(3) })
    expect(queue.lastPendingContext()).toEqual(ctx(3))
    expect([...(queue.recordAck('b', ctx(2)) ?? [])]).toEqual(['b'])
    expect(queue.confirm(ctx(2)).map(read => [read.request.from, read.index])).toEqual([['a', 5], ['b', 6]])
    expect(queue.size).toBe(1)
    expect(queue.confirm(ctx(2))).toEqual([])
    expect(queue.confirm(ctx(3)).map(read => read.index)).toEqual([7])
    expect(queue.lastPendingContext()).toBeUndefined()
  })

  it('ignores acks for unknown contexts and repeated contexts', () => {
    const queue = new ReadOnlyQueue()
    expect(queue.recordAck('a', ctx(9))).toBeUndefined()
    queue.add(1, { from: 'a', context: ctx(1) })
    queue.add(2, { from: 'a', context: ctx(1) })
    expect(queue.size).toBe(1)
    queue.recordAck('a', ctx(1))
    expect(queue.recordAck('b', ctx(1))?.size).toBe(2)
    queue.clear()
    expect(queue.size).toBe(0)
  })
})
