import { MalformedMessageError } from '../errors.js'
import { ControlMessage } from './control.js'
import { FloodMessage } from './flood.js'

const PEER_ID = /^[1-9A-HJ-NP-Za-km-z]{32,64}$/
const FLOOD_ID_BYTES = 16

/**
 * Decode and validate a flood message: anything that is not a well-formed message with a
 * 16-byte id, a plausible origin peer id and a TTL throws `MalformedMessageError`.
 */
export function decodeFloodMessage (bytes: Uint8Array): FloodMessage {
  let message: FloodMessage
  try {
    message = FloodMessage.decode(bytes)
  } catch (err) {
    throw new MalformedMessageError(`flood message does not decode: ${(err as Error).message}`, { cause: err })
  }
  if (message.id.byteLength !== FLOOD_ID_BYTES) throw new MalformedMessageError(`flood message id must be ${FLOOD_ID_BYTES} bytes, got ${message.id.byteLength}`)
  if (!PEER_ID.test(message.origin)) throw new MalformedMessageError('flood message origin is not a peer id')
  if (message.ttl === 0) throw new MalformedMessageError('flood message has no TTL')
  return message
}

/** Decode and validate a control message; unknown types throw `MalformedMessageError`. */
export function decodeControlMessage (bytes: Uint8Array): ControlMessage {
  let message: ControlMessage
  try {
    message = ControlMessage.decode(bytes)
  } catch (err) {
    throw new MalformedMessageError(`control message does not decode: ${(err as Error).message}`, { cause: err })
  }
  if (!Object.values(ControlMessage.Type).includes(message.type)) throw new MalformedMessageError(`unknown control message type ${String(message.type)}`)
  if (message.reason.length > 256) throw new MalformedMessageError('control message reason longer than 256 characters')
  return message
}
