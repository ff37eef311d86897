import { describe, expect, it } from '@jest/globals'
import { SeededRandom } from '@meshwork/core-mesh/testkit'
import type { Message } from '../../../src/raft/core/types.js'
import { ByteWriter } from '../../../src/util/byte-writer.js'
import {
  decodeRaftBatch, encodeRaftBatch, MAX_ENTRIES_PER_MESSAGE, MAX_GROUP_ID_BYTES, MAX_NODE_ID_BYTES, RAFT_WIRE_VERSION
} from '../../../src/wire/raft-batch-codec.js'
import { MESSAGE_TYPES, randomMessage } from './raft-wire-fixtures.js'

/** The error `decode` throws, or undefined. */
function decodeError (bytes: Uint8Array, limits = {}): Error | undefined {
  try {
    decodeRaftBatch(bytes, limits)
    return undefined
  } catch (err) {
    return err as Error
  }
}

function expectMalformed (bytes: Uint8Array, reason: RegExp, limits = {}): void {
  const err = decodeError(bytes, limits)
  expect(err?.name).toBe('MalformedRaftMessageError')
  expect(err?.message).toMatch(reason)
}

/** A batch written by hand: version, string table, then `write` the messages. */
function handmade (strings: string[], write: (w: ByteWriter) => void, version = RAFT_WIRE_VERSION): Uint8Array {
  const w = new ByteWriter()
  w.u8(version)
  w.varint(strings.length)
  for (const s of strings) w.string(s)
  write(w)
  return w.finish()
}

const heartbeat: Message = { type: 'heartbeat', from: 'a', to: 'b', term: 3, commit: 7, context: new Uint8Array(0) }

describe('encodeRaftBatch / decodeRaftBatch', () => {
  it('round-trips every message type', () => {
    const random = new SeededRandom(1)
    for (const type of MESSAGE_TYPES) {
      const items = [{ group: 'g', message: randomMessage(random, type) }, { group: 'h', message: randomMessage(random, type) }]
      expect(decodeRaftBatch(encodeRaftBatch(items))).toEqual(items)
    }
  })

  it('round-trips an empty batch and extreme integers', () => {
    expect(decodeRaftBatch(encodeRaftBatch([]))).toEqual([])
    const max = Number.MAX_SAFE_INTEGER
    const message: Message = { type: 'appendResponse', from: 'a', to: 'b', term: max, index: max, reject: true, hintIndex: 0, hintTerm: 2 ** 32 }
    expect(decodeRaftBatch(encodeRaftBatch([{ group: 'g', message }]))).toEqual([{ group: 'g', message }])
  })

  it('writes each group and node id once', () => {
    const items = Array.from({ length: 100 }, () => ({ group: 'control', message: heartbeat }))
    const bytes = encodeRaftBatch(items)
    expect(bytes.length).toBeLessThan(100 * 8)
    expect(decodeRaftBatch(bytes)).toHaveLength(100)
  })

  it('hands out entry data, contexts and chunks as views of the input, not copies', () => {
    const entries = [{ term: 1, index: 1, type: 'normal' as const, data: Uint8Array.of(1, 2, 3) }]
    const bytes = encodeRaftBatch([
      { group: 'g', message: { type: 'append', from: 'a', to: 'b', term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries } },
      { group: 'g', message: { type: 'readIndex', from: 'a', to: 'b', term: 1, context: Uint8Array.of(9) } }
    ])
    const [append, read] = decodeRaftBatch(bytes).map(item => item.message)
    const data = append.type === 'append' ? append.entries[0].data : undefined
    const context = read.type === 'readIndex' ? read.context : undefined
    expect(data?.buffer).toBe(bytes.buffer)
    expect(context?.buffer).toBe(bytes.buffer)
    expect(data?.constructor).toBe(Uint8Array)
  })

  it('hands out plain Uint8Arrays when given a Buffer', () => {
    const bytes = Buffer.from(encodeRaftBatch([{ group: 'g', message: { ...heartbeat, context: Uint8Array.of(1) } }]))
    const [{ message }] = decodeRaftBatch(bytes)
    expect(message.type === 'heartbeat' && message.context.constructor).toBe(Uint8Array)
  })

  it('refuses unknown versions, message types, entry types and boolean bytes', () => {
    expectMalformed(handmade([], w => { w.varint(0) }, 2), /unknown version 2/)
    expectMalformed(handmade(['g', 'a'], w => { w.varint(1); w.varint(0); w.u8(15); w.varint(1); w.varint(1); w.varint(1) }), /unknown message type 15/)
    expectMalformed(handmade(['g', 'a'], w => {
      w.varint(1); w.varint(0); w.u8(12); w.varint(1); w.varint(1); w.varint(1)
      w.varint(1); w.varint(1); w.varint(1); w.u8(2); w.varint(0)
    }), /unknown entry type 2/)
    expectMalformed(handmade(['g', 'a'], w => { w.varint(1); w.varint(0); w.u8(4); w.varint(1); w.varint(1); w.varint(1); w.u8(2) }), /boolean byte 2/)
  })

  it('refuses integers beyond 2^53 - 1 and overlong varints', () => {
    const term = (bytes: number[]): Uint8Array => handmade(['g', 'a'], w => {
      w.varint(1); w.varint(0); w.u8(11); w.varint(1); w.varint(1)
      w.raw(Uint8Array.from(bytes))
    })
    expect(decodeRaftBatch(term([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]))[0].message.term).toBe(Number.MAX_SAFE_INTEGER)
    expectMalformed(term([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]), /beyond 2\^53/)
    expectMalformed(term([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), /beyond 2\^53/)
    expectMalformed(term([0x81, 0x00]), /overlong varint/)
  })

  it('refuses empty ids, references outside the string table, invalid UTF-8 and trailing bytes', () => {
    expectMalformed(handmade(['', 'a'], w => { w.varint(1); w.varint(0); w.u8(11); w.varint(1); w.varint(1); w.varint(0) }), /empty group id/)
    expectMalformed(handmade(['g', ''], w => { w.varint(1); w.varint(0); w.u8(11); w.varint(1); w.varint(1); w.varint(0) }), /empty node id/)
    expectMalformed(handmade(['g', 'a'], w => { w.varint(1); w.varint(0); w.u8(11); w.varint(1); w.varint(2); w.varint(0) }), /reference 2 outside/)
    const badUtf8 = new ByteWriter()
    badUtf8.u8(RAFT_WIRE_VERSION); badUtf8.varint(1); badUtf8.bytes(Uint8Array.of(0xc3, 0x28)); badUtf8.varint(0)
    expectMalformed(badUtf8.finish(), /invalid UTF-8/)
    const trailing = encodeRaftBatch([{ group: 'g', message: heartbeat }])
    expectMalformed(Uint8Array.of(...trailing, 0), /1 trailing bytes/)
  })

  it('enforces its limits before allocating', () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ term: 1, index: i + 1, type: 'normal' as const, data: new Uint8Array(i) }))
    const append: Message = { type: 'append', from: 'a', to: 'b', term: 1, prevIndex: 0, prevTerm: 0, commit: 0, entries }
    const bytes = encodeRaftBatch([{ group: 'g', message: append }, { group: 'g', message: heartbeat }])
    expect(decodeRaftBatch(bytes)).toHaveLength(2)
    expectMalformed(bytes, /11 entries, over the limit of 10/, { maxEntriesPerMessage: 10 })
    expectMalformed(bytes, /entry of 10 bytes, over the limit of 9/, { maxEntryBytes: 9 })
    expectMalformed(bytes, /2 messages, over the limit of 1/, { maxMessagesPerBatch: 1 })
    expectMalformed(encodeRaftBatch([{ group: 'g', message: { ...heartbeat, context: new Uint8Array(5) } }]), /over the limit of 4/, { maxContextBytes: 4 })
    expectMalformed(encodeRaftBatch([{ group: 'gg', message: heartbeat }]), /group id of 2 bytes, over the limit of 1/, { maxGroupIdBytes: 1, maxNodeIdBytes: 5 })
    expectMalformed(encodeRaftBatch([{ group: 'g', message: { ...heartbeat, from: 'abc' } }]), /node id of 3 bytes, over the limit of 2/, { maxNodeIdBytes: 2 })
    expectMalformed(encodeRaftBatch([{ group: 'z'.repeat(MAX_GROUP_ID_BYTES + 1), message: heartbeat }]), /over the limit of 255/)
    expectMalformed(encodeRaftBatch([{ group: 'g', message: { ...heartbeat, to: 'n'.repeat(MAX_NODE_ID_BYTES + 1) } }]), /over the limit of 255/)
    // a count the remaining bytes cannot hold is refused without building anything
    expectMalformed(handmade(['g', 'a'], w => {
      w.varint(1); w.varint(0); w.u8(12); w.varint(1); w.varint(1); w.varint(1); w.varint(MAX_ENTRIES_PER_MESSAGE)
    }), /65536 entries cannot fit in 0 bytes/)
    expectMalformed(handmade([], w => { w.varint(8000) }), /8000 messages cannot fit/)
    expectMalformed(Uint8Array.of(RAFT_WIRE_VERSION, 0xff, 0xff, 0xff, 0x7f), /strings cannot fit/)
  })

  it('refuses to encode numbers that are not safe non-negative integers', () => {
    expect(() => encodeRaftBatch([{ group: 'g', message: { ...heartbeat, term: -1 } }])).toThrow(RangeError)
    expect(() => encodeRaftBatch([{ group: 'g', message: { ...heartbeat, commit: 2 ** 53 } }])).toThrow(RangeError)
    expect(() => encodeRaftBatch([{ group: 'g', message: { ...heartbeat, commit: 1.5 } }])).toThrow(RangeError)
  })
})
