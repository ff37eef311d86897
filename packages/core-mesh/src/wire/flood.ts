import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface FloodMessage {
  id: Uint8Array<ArrayBuffer>
  origin: string
  ttl: number
  hops: number
  payload: Uint8Array<ArrayBuffer>
}

export namespace FloodMessage {
  let _codec: Codec<FloodMessage>

  export const codec = (): Codec<FloodMessage> => {
    if (_codec == null) {
      _codec = message<FloodMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.id)
        }

        if ((obj.origin != null && obj.origin !== '')) {
          w.uint32(18)
          w.string(obj.origin)
        }

        if ((obj.ttl != null && obj.ttl !== 0)) {
          w.uint32(24)
          w.uint32(obj.ttl)
        }

        if ((obj.hops != null && obj.hops !== 0)) {
          w.uint32(32)
          w.uint32(obj.hops)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.payload)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: uint8ArrayAlloc(0),
          origin: '',
          ttl: 0,
          hops: 0,
          payload: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.bytes()
              break
            }
            case 2: {
              obj.origin = reader.string()
              break
            }
            case 3: {
              obj.ttl = reader.uint32()
              break
            }
            case 4: {
              obj.hops = reader.uint32()
              break
            }
            case 5: {
              obj.payload = reader.bytes()
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }

        return obj
      }, function * (reader, length, prefix, opts = {}) {
        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.id`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.origin`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.ttl`,
                value: reader.uint32()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.hops`,
                value: reader.uint32()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.payload`,
                value: reader.bytes()
              }
              break
            }
            default: {
              reader.skipType(tag & 7)
              break
            }
          }
        }
      })
    }

    return _codec
  }

  export interface FloodMessageIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface FloodMessageOriginFieldEvent {
    field: '$.origin'
    value: string
  }

  export interface FloodMessageTtlFieldEvent {
    field: '$.ttl'
    value: number
  }

  export interface FloodMessageHopsFieldEvent {
    field: '$.hops'
    value: number
  }

  export interface FloodMessagePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<FloodMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, FloodMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FloodMessage>): FloodMessage {
    return decodeMessage(buf, FloodMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<FloodMessage>): Generator<FloodMessageIdFieldEvent | FloodMessageOriginFieldEvent | FloodMessageTtlFieldEvent | FloodMessageHopsFieldEvent | FloodMessagePayloadFieldEvent> {
    return streamMessage(buf, FloodMessage.codec(), opts)
  }
}
