import { CorruptSnapshotError } from '../../errors.js'
import { crc32c } from '../../util/crc32c.js'
import type { NodeId, Snapshot, SnapshotChunkMessage, SnapshotMetadata } from './types.js'

/** One chunk to send: `data` is a view into the snapshot's data. */
export interface SnapshotChunk {
  readonly offset: number
  readonly data: Uint8Array
  readonly done: boolean
}

const checksums = new WeakMap<Uint8Array, number>()

/** CRC-32C of a snapshot's data, computed once per data buffer however many followers need it. */
export function snapshotChecksum (snapshot: Snapshot): number {
  let checksum = checksums.get(snapshot.data)
  if (checksum === undefined) {
    checksum = crc32c(snapshot.data)
    checksums.set(snapshot.data, checksum)
  }
  return checksum
}

/**
 * The leader's side of sending one snapshot to one follower, a chunk at a time: the next chunk
 * goes out when the follower acknowledges the previous one (`SnapshotResponseMessage.offset`).
 * A transfer that makes no progress for a while is resumed from the last acknowledged offset;
 * a rejection starts it over.
 */
export class SnapshotSender {
  readonly checksum: number
  /** Bytes the follower acknowledged. */
  acked = 0
  /** The leader tick at which a chunk was last sent. */
  lastSentAt: number

  constructor (readonly snapshot: Snapshot, readonly chunkBytes: number, now: number) {
    this.checksum = snapshotChecksum(snapshot)
    this.lastSentAt = now
  }

  get totalSize (): number {
    return this.snapshot.data.byteLength
  }

  /** The chunk starting at `offset`. */
  chunkAt (offset: number): SnapshotChunk {
    const end = Math.min(this.totalSize, offset + this.chunkBytes)
    return { offset, data: this.snapshot.data.subarray(offset, end), done: end >= this.totalSize }
  }

  /**
   * The follower acknowledged `offset` bytes. Returns the next chunk to send, or undefined when the
   * acknowledgement is stale or everything was sent.
   */
  acknowledge (offset: number): SnapshotChunk | undefined {
    if (offset <= this.acked || offset > this.totalSize) return undefined
    this.acked = offset
    if (offset >= this.totalSize) return undefined
    return this.chunkAt(offset)
  }
}

/** What the follower should do with a chunk it accepted. */
export type ChunkOutcome =
  /** Stored; acknowledge `received` bytes so the leader sends the next chunk. */
  | { readonly kind: 'partial', readonly received: number }
  /** A chunk already received (a duplicate or a resend): acknowledge `received` again. */
  | { readonly kind: 'duplicate', readonly received: number }
  /** The last chunk: the snapshot is whole and its size and checksum match. */
  | { readonly kind: 'complete', readonly snapshot: Snapshot }
  /**
   * A later chunk of a transfer this member is not assembling (it restarted, or the chunk is a
   * late copy from an abandoned transfer): ask the sender to start over.
   */
  | { readonly kind: 'unknownTransfer' }

interface Assembly {
  readonly from: NodeId
  readonly term: number
  readonly metadata: SnapshotMetadata
  readonly totalSize: number
  readonly checksum: number
  readonly chunks: Uint8Array[]
  received: number
}

/**
 * The follower's side: collects the chunks of one snapshot in order, and hands it over only when
 * the last chunk has arrived and the whole matches the declared size and CRC-32C.
 *
 * Rules: a chunk at offset 0 starts a new assembly (unless it repeats the first chunk of the one
 * under way). A chunk at a later offset of the transfer under way — same sender, term, snapshot,
 * size and checksum — must come at exactly the number of bytes received so far; one below that is
 * a harmless duplicate. A later chunk of any other transfer is answered with a request to start
 * over (an honest sender meets this after this member restarts). A chunk that skips ahead within
 * the transfer under way, one that changes its snapshot's declared size or checksum midway (a sender that waits for each acknowledgement never does that), data past
 * the declared size, or a final chunk whose size or checksum does not match discards the assembly
 * and throws `CorruptSnapshotError`.
 */
export class SnapshotAssembler {
  private assembly: Assembly | undefined = undefined

  /** Whether an assembly is under way. */
  get inProgress (): boolean {
    return this.assembly !== undefined
  }

  receive (chunk: SnapshotChunkMessage): ChunkOutcome {
    const { offset, totalSize, data } = chunk
    if (!isCount(offset) || !isCount(totalSize) || offset + data.byteLength > totalSize) {
      return this.fail(`chunk at ${offset} of ${data.byteLength} bytes exceeds the declared size ${totalSize}`)
    }
    let assembly = this.assembly
    const same = assembly !== undefined && sameTransfer(assembly, chunk)
    if (assembly !== undefined && !same && offset > 0 && sameSnapshot(assembly, chunk)) {
      return this.fail('chunk declares a size or checksum that differs from the rest of its snapshot')
    }
    if (offset === 0 && !(same && assembly !== undefined && assembly.received > 0)) {
      assembly = {
        from: chunk.from,
        term: chunk.term,
        metadata: chunk.metadata,
        totalSize,
        checksum: chunk.checksum >>> 0,
        chunks: [],
        received: 0
      }
      this.assembly = assembly
    } else if (assembly === undefined || !same) {
      return { kind: 'unknownTransfer' }
    }
    if (offset < assembly.received) return { kind: 'duplicate', received: assembly.received }
    if (offset > assembly.received) return this.fail(`chunk at offset ${offset} skips ahead of the ${assembly.received} bytes received`)
    if (data.byteLength > 0) assembly.chunks.push(data)
    assembly.received += data.byteLength
    if (!chunk.done) return { kind: 'partial', received: assembly.received }
    if (assembly.received !== assembly.totalSize) {
      return this.fail(`snapshot ended at ${assembly.received} bytes, ${assembly.totalSize} were declared`)
    }
    const whole = concat(assembly.chunks, assembly.totalSize)
    if (crc32c(whole) !== assembly.checksum) return this.fail('snapshot checksum mismatch')
    this.assembly = undefined
    return { kind: 'complete', snapshot: { metadata: assembly.metadata, data: whole } }
  }

  /** Drop any assembly under way. */
  discard (): void {
    this.assembly = undefined
  }

  private fail (reason: string): never {
    this.assembly = undefined
    throw new CorruptSnapshotError(reason)
  }
}

/** The same snapshot from the same leader of the same term. */
function sameSnapshot (assembly: Assembly, chunk: SnapshotChunkMessage): boolean {
  return assembly.from === chunk.from &&
    assembly.term === chunk.term &&
    assembly.metadata.index === chunk.metadata.index &&
    assembly.metadata.term === chunk.metadata.term
}

/** The same snapshot, declared with the same size and checksum: chunks of one transfer. */
function sameTransfer (assembly: Assembly, chunk: SnapshotChunkMessage): boolean {
  return sameSnapshot(assembly, chunk) && assembly.totalSize === chunk.totalSize && assembly.checksum === chunk.checksum >>> 0
}

function isCount (value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0
}

function concat (chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].byteLength === size) return chunks[0]
  const out = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    out.set(chunk, at)
    at += chunk.byteLength
  }
  return out
}
