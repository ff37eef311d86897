import { describe, expect, it } from '@jest/globals'
import { CorruptSnapshotError } from '../../../src/errors.js'
import { SnapshotAssembler, SnapshotSender } from '../../../src/raft/core/snapshot-transfer.js'
import type { Snapshot, SnapshotChunkMessage } from '../../../src/raft/core/types.js'
import { crc32c } from '../../../src/util/crc32c.js'

const data = new Uint8Array(Array.from({ length: 25 }, (_, i) => i * 7 % 256))
const snapshot: Snapshot = { metadata: { index: 40, term: 3, confState: { voters: ['a', 'b'], learners: [], outgoing: [], learnersNext: [], autoLeave: false } }, data }

function chunks (sender: SnapshotSender): SnapshotChunkMessage[] {
  const out: SnapshotChunkMessage[] = []
  for (let offset = 0; offset === 0 || offset < sender.totalSize; offset += sender.chunkBytes) {
    const chunk = sender.chunkAt(offset)
    out.push({
      type: 'snapshot', from: 'a', to: 'b', term: 3, metadata: snapshot.metadata,
      offset: chunk.offset, data: chunk.data, done: chunk.done, totalSize: sender.totalSize, checksum: sender.checksum
    })
  }
  return out
}

describe('snapshot transfer', () => {
  it('sends chunks as acknowledgements come, and checksums with CRC-32C', () => {
    const sender = new SnapshotSender(snapshot, 10, 0)
    expect(sender.checksum).toBe(crc32c(data))
    expect(sender.chunkAt(0).data.length).toBe(10)
    expect(sender.acknowledge(10)?.offset).toBe(10)
    expect(sender.acknowledge(10)).toBeUndefined()
    expect(sender.acknowledge(20)?.done).toBe(true)
    expect(sender.acknowledge(25)).toBeUndefined()
  })

  it('assembles chunks in order and verifies size and checksum', () => {
    const assembler = new SnapshotAssembler()
    const [first, second, third] = chunks(new SnapshotSender(snapshot, 10, 0))
    expect(assembler.receive(first)).toEqual({ kind: 'partial', received: 10 })
    expect(assembler.receive(first)).toEqual({ kind: 'duplicate', received: 10 })
    expect(assembler.receive(second)).toEqual({ kind: 'partial', received: 20 })
    const outcome = assembler.receive(third)
    expect(outcome.kind).toBe('complete')
    if (outcome.kind === 'complete') expect(outcome.snapshot.data).toEqual(data)
    expect(assembler.inProgress).toBe(false)
  })

  it('handles a snapshot small enough for one chunk, and an empty one', () => {
    const assembler = new SnapshotAssembler()
    const [only] = chunks(new SnapshotSender(snapshot, 100, 0))
    expect(assembler.receive(only).kind).toBe('complete')
    const empty: Snapshot = { metadata: snapshot.metadata, data: new Uint8Array() }
    const [none] = chunks(new SnapshotSender(empty, 100, 0))
    expect(none.done).toBe(true)
    expect(assembler.receive(none).kind).toBe('complete')
  })

  it('asks for a restart on a later chunk of a transfer it is not assembling', () => {
    const [first, second] = chunks(new SnapshotSender(snapshot, 10, 0))
    const assembler = new SnapshotAssembler()
    expect(assembler.receive(second)).toEqual({ kind: 'unknownTransfer' })
    assembler.receive(first)
    const other = { ...second, metadata: { ...second.metadata, index: 41 } }
    expect(assembler.receive(other)).toEqual({ kind: 'unknownTransfer' })
    // the transfer under way is kept
    expect(assembler.receive(second)).toEqual({ kind: 'partial', received: 20 })
  })

  it('throws CorruptSnapshotError and discards the assembly on a gap, an overrun or a bad checksum', () => {
    const sender = new SnapshotSender(snapshot, 10, 0)
    const [first, second, third] = chunks(sender)
    const assembler = new SnapshotAssembler()
    assembler.receive(first)
    expect(() => assembler.receive(third)).toThrow(CorruptSnapshotError)
    expect(assembler.inProgress).toBe(false)
    expect(() => assembler.receive({ ...first, data: new Uint8Array(30) })).toThrow(CorruptSnapshotError)
    assembler.receive(first)
    assembler.receive(second)
    const flipped = third.data.slice()
    flipped[0] ^= 1
    expect(() => assembler.receive({ ...third, data: flipped })).toThrow(CorruptSnapshotError)
    expect(assembler.inProgress).toBe(false)
    assembler.receive(first)
    expect(() => assembler.receive({ ...second, done: true })).toThrow(CorruptSnapshotError)
    assembler.receive(first)
    expect(() => assembler.receive({ ...second, checksum: second.checksum + 1 })).toThrow(CorruptSnapshotError)
  })
})
