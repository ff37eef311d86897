import { MalformedKvDataError } from '../errors.js'
import { ByteReader } from '../util/byte-reader.js'
import { ByteWriter } from '../util/byte-writer.js'
import { KV_LIMITS } from './kv-limits.js'
import type { KvCommand, RequestId } from './kv-types.js'

/** The binary form of a KV command inside a Raft log entry. */
const FORMAT_VERSION = 1
const OP_CODES = { put: 1, cas: 2, delete: 3 } as const

export function encodeKvCommand (command: KvCommand): Uint8Array {
  const writer = new ByteWriter(32 + command.key.length + ('value' in command ? command.value.length : 0))
  writer.u8(FORMAT_VERSION)
  writer.u8(OP_CODES[command.op])
  writer.string(command.request.client)
  writer.varint(command.request.seq)
  writer.string(command.key)
  if (command.op === 'cas') {
    writer.bool(command.expected !== undefined)
    if (command.expected !== undefined) writer.bytes(command.expected)
  }
  if (command.op !== 'delete') writer.bytes(command.value)
  return writer.finish()
}

/** Decodes a command; values are views into `data`. Throws `MalformedKvDataError` on anything else. */
export function decodeKvCommand (data: Uint8Array): KvCommand {
  const reader = new ByteReader(data, reason => new MalformedKvDataError(`malformed KV command: ${reason}`))
  const version = reader.u8()
  if (version !== FORMAT_VERSION) throw new MalformedKvDataError(`unknown KV command format ${version}`)
  const op = reader.u8()
  const request: RequestId = { client: reader.string(KV_LIMITS.maxClientIdBytes), seq: reader.varint() }
  const key = reader.string(KV_LIMITS.maxKeyBytes)
  let command: KvCommand
  if (op === OP_CODES.put) {
    command = { op: 'put', key, value: reader.bytes(KV_LIMITS.maxValueBytes), request }
  } else if (op === OP_CODES.cas) {
    const expected = reader.bool() ? reader.bytes(KV_LIMITS.maxValueBytes) : undefined
    command = { op: 'cas', key, expected, value: reader.bytes(KV_LIMITS.maxValueBytes), request }
  } else if (op === OP_CODES.delete) {
    command = { op: 'delete', key, request }
  } else {
    throw new MalformedKvDataError(`unknown KV op ${op}`)
  }
  reader.end()
  return command
}
