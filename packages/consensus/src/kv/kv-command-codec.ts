import { MalformedKvDataError } from '../errors.js'
import { ByteReader, ByteWriter } from '../util/bytes.js'
import { KV_LIMITS } from './kv-limits.js'
import type { KvCommand, RequestId } from './kv-types.js'

/** The binary form of a KV command inside a Raft log entry. */
const FORMAT_VERSION = 1
const OP_CODES = { put: 1, cas: 2, delete: 3 } as const

export function encodeKvCommand (command: KvCommand): Uint8Array {
  const writer = new ByteWriter(32 + command.key.length + ('value' in command ? command.value.length : 0))
  writer.u8(FORMAT_VERSION).u8(OP_CODES[command.op])
  writer.string(command.request.client).uint(command.request.seq)
  writer.string(command.key)
  if (command.op === 'cas') {
    if (command.expected === undefined) writer.u8(0)
    else writer.u8(1).bytes(command.expected)
  }
  if (command.op !== 'delete') writer.bytes(command.value)
  return writer.finish()
}

/** Decodes a command; values are views into `data`. Throws `MalformedKvDataError` on anything else. */
export function decodeKvCommand (data: Uint8Array): KvCommand {
  try {
    const reader = new ByteReader(data)
    const version = reader.u8()
    if (version !== FORMAT_VERSION) throw new RangeError(`unknown format version ${version}`)
    const op = reader.u8()
    const request: RequestId = { client: reader.string(KV_LIMITS.maxClientIdBytes), seq: reader.uint() }
    const key = reader.string(KV_LIMITS.maxKeyBytes)
    let command: KvCommand
    if (op === OP_CODES.put) {
      command = { op: 'put', key, value: reader.bytes(KV_LIMITS.maxValueBytes), request }
    } else if (op === OP_CODES.cas) {
      const hasExpected = reader.u8()
      if (hasExpected > 1) throw new RangeError('bad expected-value flag')
      const expected = hasExpected === 1 ? reader.bytes(KV_LIMITS.maxValueBytes) : undefined
      command = { op: 'cas', key, expected, value: reader.bytes(KV_LIMITS.maxValueBytes), request }
    } else if (op === OP_CODES.delete) {
      command = { op: 'delete', key, request }
    } else {
      throw new RangeError(`unknown op ${op}`)
    }
    reader.end()
    return command
  } catch (err) {
    throw new MalformedKvDataError(`malformed KV command: ${(err as Error).message}`, { cause: err })
  }
}
