import { decodeMessage, encodeMessage, enumeration, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface KadRecord {
  key: Uint8Array<ArrayBuffer>
  value: Uint8Array<ArrayBuffer>
  timeReceived: string
}

export namespace KadRecord {
  let _codec: Codec<KadRecord>

  export const codec = (): Codec<KadRecord> => {
    if (_codec == null) {
      _codec = message<KadRecord>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.key)
        }

        if ((obj.value != null && obj.value.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.value)
        }

        if ((obj.timeReceived != null && obj.timeReceived !== '')) {
          w.uint32(42)
          w.string(obj.timeReceived)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          key: uint8ArrayAlloc(0),
          value: uint8ArrayAlloc(0),
          timeReceived: ''
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.key = reader.bytes()
              break
            }
            case 2: {
              obj.value = reader.bytes()
              break
            }
            case 5: {
              obj.timeReceived = reader.string()
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
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.value`,
                value: reader.bytes()
              }
              break
            }
            case 5: {
              yield {
                field: `${prefix}.timeReceived`,
                value: reader.string()
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

  export interface KadRecordKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadRecordValueFieldEvent {
    field: '$.value'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadRecordTimeReceivedFieldEvent {
    field: '$.timeReceived'
    value: string
  }

  export function encode (obj: Partial<KadRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KadRecord.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KadRecord>): KadRecord {
    return decodeMessage(buf, KadRecord.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KadRecord>): Generator<KadRecordKeyFieldEvent | KadRecordValueFieldEvent | KadRecordTimeReceivedFieldEvent> {
    return streamMessage(buf, KadRecord.codec(), opts)
  }
}

export interface KadMessage {
  type: KadMessage.MessageType
  clusterLevelRaw: number
  key: Uint8Array<ArrayBuffer>
  record?: Uint8Array<ArrayBuffer>
  closerPeers: KadMessage.Peer[]
  providerPeers: KadMessage.Peer[]
}

export namespace KadMessage {
  export enum MessageType {
    PUT_VALUE = 'PUT_VALUE',
    GET_VALUE = 'GET_VALUE',
    ADD_PROVIDER = 'ADD_PROVIDER',
    GET_PROVIDERS = 'GET_PROVIDERS',
    FIND_NODE = 'FIND_NODE',
    PING = 'PING'
  }

  enum __MessageTypeValues {
    PUT_VALUE = 0,
    GET_VALUE = 1,
    ADD_PROVIDER = 2,
    GET_PROVIDERS = 3,
    FIND_NODE = 4,
    PING = 5
  }

  export namespace MessageType {
    export const codec = (): Codec<MessageType> => {
      return enumeration<MessageType>(__MessageTypeValues)
    }
  }

  export interface Peer {
    id: Uint8Array<ArrayBuffer>
    addrs: Uint8Array<ArrayBuffer>[]
    connection: number
  }

  export namespace Peer {
    let _codec: Codec<Peer>

    export const codec = (): Codec<Peer> => {
      if (_codec == null) {
        _codec = message<Peer>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.id != null && obj.id.byteLength > 0)) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if (obj.addrs != null && obj.addrs.length > 0) {
            for (const value of obj.addrs) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if ((obj.connection != null && obj.connection !== 0)) {
            w.uint32(24)
            w.int32(obj.connection)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
            addrs: [],
            connection: 0
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
                if (opts.limits?.addrs != null && obj.addrs.length === opts.limits.addrs) {
                  throw new MaxLengthError('Decode error - repeated field "addrs" had too many elements')
                }

                obj.addrs.push(reader.bytes())
                break
              }
              case 3: {
                obj.connection = reader.int32()
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
          const obj = {
            addrs: 0
          }

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
                if (opts.limits?.addrs != null && obj.addrs === opts.limits.addrs) {
                  throw new MaxLengthError('Streaming decode error - repeated field "addrs" had too many elements')
                }

                yield {
                  field: `${prefix}.addrs[]`,
                  index: obj.addrs,
                  value: reader.bytes()
                }

                obj.addrs++

                break
              }
              case 3: {
                yield {
                  field: `${prefix}.connection`,
                  value: reader.int32()
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

    export interface PeerIdFieldEvent {
      field: '$.id'
      value: Uint8Array<ArrayBuffer>
    }

    export interface PeerAddrsFieldEvent {
      field: '$.addrs[]'
      index: number
      value: Uint8Array<ArrayBuffer>
    }

    export interface PeerConnectionFieldEvent {
      field: '$.connection'
      value: number
    }

    export function encode (obj: Partial<Peer>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Peer.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Peer>): Peer {
      return decodeMessage(buf, Peer.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Peer>): Generator<PeerIdFieldEvent | PeerAddrsFieldEvent | PeerConnectionFieldEvent> {
      return streamMessage(buf, Peer.codec(), opts)
    }
  }

  let _codec: Codec<KadMessage>

  export const codec = (): Codec<KadMessage> => {
    if (_codec == null) {
      _codec = message<KadMessage>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.type != null && __MessageTypeValues[obj.type] !== 0) {
          w.uint32(8)
          KadMessage.MessageType.codec().encode(obj.type, w)
        }

        if ((obj.clusterLevelRaw != null && obj.clusterLevelRaw !== 0)) {
          w.uint32(80)
          w.int32(obj.clusterLevelRaw)
        }

        if ((obj.key != null && obj.key.byteLength > 0)) {
          w.uint32(18)
          w.bytes(obj.key)
        }

        if (obj.record != null) {
          w.uint32(26)
          w.bytes(obj.record)
        }

        if (obj.closerPeers != null && obj.closerPeers.length > 0) {
          for (const value of obj.closerPeers) {
            w.uint32(66)
            KadMessage.Peer.codec().encode(value, w)
          }
        }

        if (obj.providerPeers != null && obj.providerPeers.length > 0) {
          for (const value of obj.providerPeers) {
            w.uint32(74)
            KadMessage.Peer.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          type: MessageType.PUT_VALUE,
          clusterLevelRaw: 0,
          key: uint8ArrayAlloc(0),
          closerPeers: [],
          providerPeers: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.type = KadMessage.MessageType.codec().decode(reader)
              break
            }
            case 10: {
              obj.clusterLevelRaw = reader.int32()
              break
            }
            case 2: {
              obj.key = reader.bytes()
              break
            }
            case 3: {
              obj.record = reader.bytes()
              break
            }
            case 8: {
              if (opts.limits?.closerPeers != null && obj.closerPeers.length === opts.limits.closerPeers) {
                throw new MaxLengthError('Decode error - repeated field "closerPeers" had too many elements')
              }

              obj.closerPeers.push(KadMessage.Peer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.closerPeers$
              }))
              break
            }
            case 9: {
              if (opts.limits?.providerPeers != null && obj.providerPeers.length === opts.limits.providerPeers) {
                throw new MaxLengthError('Decode error - repeated field "providerPeers" had too many elements')
              }

              obj.providerPeers.push(KadMessage.Peer.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.providerPeers$
              }))
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
        const obj = {
          closerPeers: 0,
          providerPeers: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.type`,
                value: KadMessage.MessageType.codec().decode(reader)
              }
              break
            }
            case 10: {
              yield {
                field: `${prefix}.clusterLevelRaw`,
                value: reader.int32()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.key`,
                value: reader.bytes()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.record`,
                value: reader.bytes()
              }
              break
            }
            case 8: {
              if (opts.limits?.closerPeers != null && obj.closerPeers === opts.limits.closerPeers) {
                throw new MaxLengthError('Streaming decode error - repeated field "closerPeers" had too many elements')
              }

              for (const evt of KadMessage.Peer.codec().stream(reader, reader.uint32(), `${prefix}.closerPeers[]`, {
                limits: opts.limits?.closerPeers$
              })) {
                yield {
                  ...evt,
                  index: obj.closerPeers
                }
              }

              obj.closerPeers++

              break
            }
            case 9: {
              if (opts.limits?.providerPeers != null && obj.providerPeers === opts.limits.providerPeers) {
                throw new MaxLengthError('Streaming decode error - repeated field "providerPeers" had too many elements')
              }

              for (const evt of KadMessage.Peer.codec().stream(reader, reader.uint32(), `${prefix}.providerPeers[]`, {
                limits: opts.limits?.providerPeers$
              })) {
                yield {
                  ...evt,
                  index: obj.providerPeers
                }
              }

              obj.providerPeers++

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

  export interface KadMessageTypeFieldEvent {
    field: '$.type'
    value: KadMessage.MessageType
  }

  export interface KadMessageClusterLevelRawFieldEvent {
    field: '$.clusterLevelRaw'
    value: number
  }

  export interface KadMessageKeyFieldEvent {
    field: '$.key'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadMessageRecordFieldEvent {
    field: '$.record'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadMessageCloserPeersIdFieldEvent {
    field: '$.closerPeers[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface KadMessageCloserPeersAddrsFieldEvent {
    field: '$.closerPeers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadMessageCloserPeersConnectionFieldEvent {
    field: '$.closerPeers[].connection'
    value: number
    index: number
  }

  export interface KadMessageProviderPeersIdFieldEvent {
    field: '$.providerPeers[].id'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface KadMessageProviderPeersAddrsFieldEvent {
    field: '$.providerPeers[].addrs[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface KadMessageProviderPeersConnectionFieldEvent {
    field: '$.providerPeers[].connection'
    value: number
    index: number
  }

  export function encode (obj: Partial<KadMessage>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KadMessage.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KadMessage>): KadMessage {
    return decodeMessage(buf, KadMessage.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<KadMessage>): Generator<KadMessageTypeFieldEvent | KadMessageClusterLevelRawFieldEvent | KadMessageKeyFieldEvent | KadMessageRecordFieldEvent | KadMessageCloserPeersIdFieldEvent | KadMessageCloserPeersAddrsFieldEvent | KadMessageCloserPeersConnectionFieldEvent | KadMessageProviderPeersIdFieldEvent | KadMessageProviderPeersAddrsFieldEvent | KadMessageProviderPeersConnectionFieldEvent> {
    return streamMessage(buf, KadMessage.codec(), opts)
  }
}
