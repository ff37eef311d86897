import { InvalidConfChangeError } from '../../errors.js'
import type { ConfChange, ConfChangeSingle, ConfChangeType } from './types.js'

/**
 * The bytes of a {@link ConfChange} inside a `config` log entry. The core writes them when a
 * change is proposed and the host reads them back to call `applyConfChange`.
 *
 * Layout (version 1): `[1][transition][flags]`, the number of changes as a varint, each change as
 * `[type][varint length][UTF-8 node id]`, then, when flag bit 0 is set, the context as
 * `[varint length][bytes]`.
 */
const VERSION = 1
const TRANSITIONS = ['auto', 'joint-implicit', 'joint-explicit'] as const
const CHANGE_TYPES: readonly ConfChangeType[] = ['addVoter', 'addLearner', 'removeNode']
const HAS_CONTEXT = 1

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/** Encode a membership change for a `config` entry. */
export function encodeConfChange (change: ConfChange): Uint8Array {
  const ids = change.changes.map(single => encoder.encode(single.node))
  let size = 3 + varintSize(change.changes.length)
  for (const id of ids) size += 1 + varintSize(id.length) + id.length
  if (change.context !== undefined) size += varintSize(change.context.length) + change.context.length
  const out = new Uint8Array(size)
  const transition = TRANSITIONS.indexOf(change.transition)
  if (transition < 0) throw new InvalidConfChangeError(`unknown transition ${String(change.transition)}`)
  out[0] = VERSION
  out[1] = transition
  out[2] = change.context === undefined ? 0 : HAS_CONTEXT
  let at = writeVarint(out, 3, change.changes.length)
  change.changes.forEach((single, i) => {
    const type = CHANGE_TYPES.indexOf(single.type)
    if (type < 0) throw new InvalidConfChangeError(`unknown membership change type ${String(single.type)}`)
    out[at++] = type
    at = writeVarint(out, at, ids[i].length)
    out.set(ids[i], at)
    at += ids[i].length
  })
  if (change.context !== undefined) {
    at = writeVarint(out, at, change.context.length)
    out.set(change.context, at)
  }
  return out
}

/** Decode the data of a `config` entry. Throws `InvalidConfChangeError` on bytes that do not decode. */
export function decodeConfChange (data: Uint8Array): ConfChange {
  const reader = new Reader(data)
  if (reader.byte() !== VERSION) throw new InvalidConfChangeError('unknown membership change encoding version')
  const transition = TRANSITIONS[reader.byte()]
  if (transition === undefined) throw new InvalidConfChangeError('unknown membership change transition')
  const flags = reader.byte()
  if ((flags & ~HAS_CONTEXT) !== 0) throw new InvalidConfChangeError('unknown membership change flags')
  const count = reader.varint()
  if (count > data.length) throw new InvalidConfChangeError('membership change count exceeds its data')
  const changes: ConfChangeSingle[] = []
  for (let i = 0; i < count; i++) {
    const type = CHANGE_TYPES[reader.byte()]
    if (type === undefined) throw new InvalidConfChangeError('unknown membership change type')
    const node = decodeText(reader.bytes(reader.varint()))
    changes.push({ type, node })
  }
  const context = (flags & HAS_CONTEXT) !== 0 ? reader.bytes(reader.varint()).slice() : undefined
  if (!reader.atEnd()) throw new InvalidConfChangeError('trailing bytes after a membership change')
  return context === undefined ? { changes, transition } : { changes, transition, context }
}

function decodeText (bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes)
  } catch {
    throw new InvalidConfChangeError('a node id in a membership change is not UTF-8')
  }
}

function varintSize (value: number): number {
  let size = 1
  while (value >= 0x80) {
    value = Math.floor(value / 128)
    size++
  }
  return size
}

function writeVarint (out: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    out[at++] = (value % 128) | 0x80
    value = Math.floor(value / 128)
  }
  out[at++] = value
  return at
}

class Reader {
  private at = 0

  constructor (private readonly data: Uint8Array) {}

  byte (): number {
    if (this.at >= this.data.length) throw new InvalidConfChangeError('truncated membership change')
    return this.data[this.at++]
  }

  varint (): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < 5; i++) {
      const byte = this.byte()
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return value
      scale *= 128
    }
    throw new InvalidConfChangeError('varint too long in a membership change')
  }

  bytes (length: number): Uint8Array {
    if (length > this.data.length - this.at) throw new InvalidConfChangeError('truncated membership change')
    const out = this.data.subarray(this.at, this.at + length)
    this.at += length
    return out
  }

  atEnd (): boolean {
    return this.at === this.data.length
  }
}
