import { decodeMessage, encodeMessage, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface SignedEnvelope {
  origin: string
  seqno: bigint
  timestamp: bigint
  topic: string
  payload: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace SignedEnvelope {
  let _codec: Codec<SignedEnvelope>

  export const codec = (): Codec<SignedEnvelope> => {
    if (_codec == null) {
      _codec = message<SignedEnvelope>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.origin != null && obj.origin !== '')) {
          w.uint32(10)
          w.string(obj.origin)
        }

        if ((obj.seqno != null && obj.seqno !== 0n)) {
          w.uint32(16)
          w.uint64(obj.seqno)
        }

        if ((obj.timestamp != null && obj.timestamp !== 0n)) {
          w.uint32(24)
          w.uint64(obj.timestamp)
        }

        if ((obj.topic != null && obj.topic !== '')) {
          w.uint32(34)
          w.string(obj.topic)
        }

        if ((obj.payload != null && obj.payload.byteLength > 0)) {
          w.uint32(42)
          w.bytes(obj.payload)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(50)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          origin: '',
          seqno: 0n,
          timestamp: 0n,
          topic: '',
          payload: uint8ArrayAlloc(0),
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.origin = reader.string()
              break
            }
            case 2: {
              obj.seqno = reader.uint64()
              break
            }
            case 3: {
              obj.timestamp = reader.uint64()
              break
            }
            case 4: {
              obj.topic = reader.string()
              break
            }
            case 5: {
              obj.payload = reader.bytes()
              break
            }
            case 6: {
              obj.signature = reader.bytes()
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
                field: `${prefix}.origin`,
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seqno`,
                value: reader.uint64()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.timestamp`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              yield {
                field: `${prefix}.topic`,
                value: reader.string()
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
            case 6: {
              yield {
                field: `${prefix}.signature`,
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

  export interface SignedEnvelopeOriginFieldEvent {
    field: '$.origin'
    value: string
  }

  export interface SignedEnvelopeSeqnoFieldEvent {
    field: '$.seqno'
    value: bigint
  }

  export interface SignedEnvelopeTimestampFieldEvent {
    field: '$.timestamp'
    value: bigint
  }

  export interface SignedEnvelopeTopicFieldEvent {
    field: '$.topic'
    value: string
  }

  export interface SignedEnvelopePayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SignedEnvelopeSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<SignedEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignedEnvelope.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEnvelope>): SignedEnvelope {
    return decodeMessage(buf, SignedEnvelope.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SignedEnvelope>): Generator<SignedEnvelopeOriginFieldEvent | SignedEnvelopeSeqnoFieldEvent | SignedEnvelopeTimestampFieldEvent | SignedEnvelopeTopicFieldEvent | SignedEnvelopePayloadFieldEvent | SignedEnvelopeSignatureFieldEvent> {
    return streamMessage(buf, SignedEnvelope.codec(), opts)
  }
}
