/**
 * The fields of an admin request — JSON body fields and query parameters — read with their
 * types checked: anything missing or malformed is an InvalidRequestError (400) naming the field.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { InvalidRequestError } from './http-errors.js'

type Body = Record<string, unknown>

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** A non-empty string field. */
export function stringField (body: Body, field: string): string {
  const value = body[field]
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidRequestError(`"${field}" must be a non-empty string`)
  return value
}

/** An optional field holding a positive integer. */
export function optionalIntegerField (body: Body, field: string): number | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidRequestError(`"${field}" must be a positive integer`)
  }
  return value
}

/** Bytes given as UTF-8 text in `<field>` or as base64 in `<field>Base64`: exactly one of the two. */
export function bytesField (body: Body, field: string): Uint8Array {
  const base64Field = `${field}Base64`
  const text = body[field]
  const base64 = body[base64Field]
  if ((text === undefined) === (base64 === undefined)) {
    throw new InvalidRequestError(`give exactly one of "${field}" (UTF-8 text) and "${base64Field}"`)
  }
  if (text !== undefined) {
    if (typeof text !== 'string') throw new InvalidRequestError(`"${field}" must be a string`)
    return new TextEncoder().encode(text)
  }
  return base64Bytes(base64, base64Field)
}

/**
 * Like `bytesField`, but `<field>: null` stands for "no value" (undefined): the expected value
 * of a compare-and-set on a key that must be absent.
 */
export function nullableBytesField (body: Body, field: string): Uint8Array | undefined {
  const base64Field = `${field}Base64`
  if (body[field] === null && body[base64Field] === undefined) return undefined
  if ((body[field] === undefined) === (body[base64Field] === undefined)) {
    throw new InvalidRequestError(`give exactly one of "${field}" (UTF-8 text, or null for none) and "${base64Field}"`)
  }
  return bytesField(body, field)
}

function base64Bytes (value: unknown, field: string): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) throw new InvalidRequestError(`"${field}" must be a base64 string`)
  return new Uint8Array(Buffer.from(value, 'base64'))
}

/** A required, non-empty query parameter. */
export function queryParam (url: URL, name: string): string {
  const value = url.searchParams.get(name)
  if (value === null || value.trim() === '') throw new InvalidRequestError(`the query parameter "${name}" is required`)
  return value
}

/** An optional query parameter that must be one of `allowed`; `fallback` when it is absent. */
export function choiceParam<T extends string> (url: URL, name: string, allowed: readonly T[], fallback: T): T {
  const value = url.searchParams.get(name)
  if (value === null) return fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidRequestError(`the query parameter "${name}" must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as T
}

/** An optional query parameter holding a positive integer. */
export function optionalIntegerParam (url: URL, name: string): number | undefined {
  const value = url.searchParams.get(name)
  if (value === null) return undefined
  const number = /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(number) || number <= 0) throw new InvalidRequestError(`the query parameter "${name}" must be a positive integer`)
  return number
}

/** `text` when it is a peer id (`12D3KooW…`, `Qm…`, a CID), else an InvalidRequestError naming `what`. */
export function checkPeerId (text: string, what: string): string {
  try {
    peerIdFromString(text)
  } catch {
    throw new InvalidRequestError(`${what} must be a peer id, got ${JSON.stringify(text)}`)
  }
  return text
}
