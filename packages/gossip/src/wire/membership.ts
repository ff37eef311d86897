import { decodeMessage, encodeMessage, enumeration, MaxLengthError, MaxSizeError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface Metadata {
  region?: string
  roles: string[]
  tags: Map<string, string>
}

export namespace Metadata {
  export interface Metadata$tagsEntry {
    key: string
    value: string
  }

  export namespace Metadata$tagsEntry {
    let _codec: Codec<Metadata$tagsEntry>

    export const codec = (): Codec<Metadata$tagsEntry> => {
      if (_codec == null) {
        _codec = message<Metadata$tagsEntry>((obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if ((obj.key != null && obj.key !== '')) {
            w.uint32(10)
            w.string(obj.key)
          }

          if ((obj.value != null && obj.value !== '')) {
            w.uint32(18)
            w.string(obj.value)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        }, (reader, length, opts = {}) => {
          const obj: any = {
            key: '',
            value: ''
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.key = reader.string()
                break
              }
              case 2: {
                obj.value = reader.string()
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
                  value: reader.string()
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.value`,
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

    export interface Metadata$tagsEntryKeyFieldEvent {
      field: '$.key'
      value: string
    }

    export interface Metadata$tagsEntryValueFieldEvent {
      field: '$.value'
      value: string
    }

    export function encode (obj: Partial<Metadata$tagsEntry>): Uint8Array<ArrayBuffer> {
      return encodeMessage(obj, Metadata$tagsEntry.codec())
    }

    export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metadata$tagsEntry>): Metadata$tagsEntry {
      return decodeMessage(buf, Metadata$tagsEntry.codec(), opts)
    }

    export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metadata$tagsEntry>): Generator<Metadata$tagsEntryKeyFieldEvent | Metadata$tagsEntryValueFieldEvent> {
      return streamMessage(buf, Metadata$tagsEntry.codec(), opts)
    }
  }

  let _codec: Codec<Metadata>

  export const codec = (): Codec<Metadata> => {
    if (_codec == null) {
      _codec = message<Metadata>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.region != null) {
          w.uint32(10)
          w.string(obj.region)
        }

        if (obj.roles != null && obj.roles.length > 0) {
          for (const value of obj.roles) {
            w.uint32(18)
            w.string(value)
          }
        }

        if (obj.tags != null && obj.tags.size > 0) {
          for (const [key, value] of obj.tags.entries()) {
            w.uint32(26)
            Metadata.Metadata$tagsEntry.codec().encode({ key, value }, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          roles: [],
          tags: new Map<string, string>()
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.region = reader.string()
              break
            }
            case 2: {
              if (opts.limits?.roles != null && obj.roles.length === opts.limits.roles) {
                throw new MaxLengthError('Decode error - repeated field "roles" had too many elements')
              }

              obj.roles.push(reader.string())
              break
            }
            case 3: {
              if (opts.limits?.tags != null && obj.tags.size === opts.limits.tags) {
                throw new MaxSizeError('Decode error - map field "tags" had too many elements')
              }

              const entry = Metadata.Metadata$tagsEntry.codec().decode(reader, reader.uint32(), {
                limits: {
                  value: opts.limits?.tags$value
                }
              })
              obj.tags.set(entry.key, entry.value)
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
          roles: 0,
          tags: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.region`,
                value: reader.string()
              }
              break
            }
            case 2: {
              if (opts.limits?.roles != null && obj.roles === opts.limits.roles) {
                throw new MaxLengthError('Streaming decode error - repeated field "roles" had too many elements')
              }

              yield {
                field: `${prefix}.roles[]`,
                index: obj.roles,
                value: reader.string()
              }

              obj.roles++

              break
            }
            case 3: {
              if (opts.limits?.tags != null && obj.tags === opts.limits.tags) {
                throw new MaxLengthError('Decode error - map field "tags" had too many elements')
              }

              yield * Metadata.Metadata$tagsEntry.codec().stream(reader, reader.uint32(), `${prefix}.tags{}`, {
                limits: {
                  value: opts.limits?.tags$value
                }
              })

              obj.tags++

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

  export interface MetadataRegionFieldEvent {
    field: '$.region'
    value: string
  }

  export interface MetadataRolesFieldEvent {
    field: '$.roles[]'
    index: number
    value: string
  }

  export interface MetadataTagsFieldEvent {
    field: '$.tags{}'
    key: string
    value: string
  }

  export function encode (obj: Partial<Metadata>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Metadata.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metadata>): Metadata {
    return decodeMessage(buf, Metadata.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Metadata>): Generator<MetadataRegionFieldEvent | MetadataRolesFieldEvent | MetadataTagsFieldEvent> {
    return streamMessage(buf, Metadata.codec(), opts)
  }
}

export interface Update {
  kind: Update.Kind
  member: string
  incarnation: bigint
  addresses: string[]
  metadata?: Metadata
  from: string
  signature: Uint8Array<ArrayBuffer>
}

export namespace Update {
  export enum Kind {
    ALIVE = 'ALIVE',
    SUSPECT = 'SUSPECT',
    DEAD = 'DEAD'
  }

  enum __KindValues {
    ALIVE = 0,
    SUSPECT = 1,
    DEAD = 2
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<Update>

  export const codec = (): Codec<Update> => {
    if (_codec == null) {
      _codec = message<Update>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          Update.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.member != null && obj.member !== '')) {
          w.uint32(18)
          w.string(obj.member)
        }

        if ((obj.incarnation != null && obj.incarnation !== 0n)) {
          w.uint32(24)
          w.uint64(obj.incarnation)
        }

        if (obj.addresses != null && obj.addresses.length > 0) {
          for (const value of obj.addresses) {
            w.uint32(34)
            w.string(value)
          }
        }

        if (obj.metadata != null) {
          w.uint32(42)
          Metadata.codec().encode(obj.metadata, w)
        }

        if ((obj.from != null && obj.from !== '')) {
          w.uint32(50)
          w.string(obj.from)
        }

        if ((obj.signature != null && obj.signature.byteLength > 0)) {
          w.uint32(58)
          w.bytes(obj.signature)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.ALIVE,
          member: '',
          incarnation: 0n,
          addresses: [],
          from: '',
          signature: uint8ArrayAlloc(0)
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = Update.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.member = reader.string()
              break
            }
            case 3: {
              obj.incarnation = reader.uint64()
              break
            }
            case 4: {
              if (opts.limits?.addresses != null && obj.addresses.length === opts.limits.addresses) {
                throw new MaxLengthError('Decode error - repeated field "addresses" had too many elements')
              }

              obj.addresses.push(reader.string())
              break
            }
            case 5: {
              obj.metadata = Metadata.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.metadata
              })
              break
            }
            case 6: {
              obj.from = reader.string()
              break
            }
            case 7: {
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
        const obj = {
          addresses: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: Update.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.member`,
                value: reader.string()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.incarnation`,
                value: reader.uint64()
              }
              break
            }
            case 4: {
              if (opts.limits?.addresses != null && obj.addresses === opts.limits.addresses) {
                throw new MaxLengthError('Streaming decode error - repeated field "addresses" had too many elements')
              }

              yield {
                field: `${prefix}.addresses[]`,
                index: obj.addresses,
                value: reader.string()
              }

              obj.addresses++

              break
            }
            case 5: {
              yield * Metadata.codec().stream(reader, reader.uint32(), `${prefix}.metadata`, {
                limits: opts.limits?.metadata
              })

              break
            }
            case 6: {
              yield {
                field: `${prefix}.from`,
                value: reader.string()
              }
              break
            }
            case 7: {
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

  export interface UpdateKindFieldEvent {
    field: '$.kind'
    value: Update.Kind
  }

  export interface UpdateMemberFieldEvent {
    field: '$.member'
    value: string
  }

  export interface UpdateIncarnationFieldEvent {
    field: '$.incarnation'
    value: bigint
  }

  export interface UpdateAddressesFieldEvent {
    field: '$.addresses[]'
    index: number
    value: string
  }

  export interface UpdateMetadataRegionFieldEvent {
    field: '$.metadata.region'
    value: string
  }

  export interface UpdateMetadataRolesFieldEvent {
    field: '$.metadata.roles[]'
    index: number
    value: string
  }

  export interface UpdateMetadataTagsFieldEvent {
    field: '$.metadata.tags{}'
    key: string
    value: string
  }

  export interface UpdateFromFieldEvent {
    field: '$.from'
    value: string
  }

  export interface UpdateSignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode (obj: Partial<Update>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Update.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Update>): Update {
    return decodeMessage(buf, Update.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Update>): Generator<UpdateKindFieldEvent | UpdateMemberFieldEvent | UpdateIncarnationFieldEvent | UpdateAddressesFieldEvent | UpdateMetadataRegionFieldEvent | UpdateMetadataRolesFieldEvent | UpdateMetadataTagsFieldEvent | UpdateFromFieldEvent | UpdateSignatureFieldEvent> {
    return streamMessage(buf, Update.codec(), opts)
  }
}

export interface SwimFrame {
  kind: SwimFrame.Kind
  seq: number
  target: string
  updates: Update[]
  join: boolean
  reply: boolean
}

export namespace SwimFrame {
  export enum Kind {
    PING = 'PING',
    PING_REQ = 'PING_REQ',
    ACK = 'ACK',
    NACK = 'NACK',
    GOSSIP = 'GOSSIP',
    PUSH_PULL = 'PUSH_PULL'
  }

  enum __KindValues {
    PING = 0,
    PING_REQ = 1,
    ACK = 2,
    NACK = 3,
    GOSSIP = 4,
    PUSH_PULL = 5
  }

  export namespace Kind {
    export const codec = (): Codec<Kind> => {
      return enumeration<Kind>(__KindValues)
    }
  }

  let _codec: Codec<SwimFrame>

  export const codec = (): Codec<SwimFrame> => {
    if (_codec == null) {
      _codec = message<SwimFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.kind != null && __KindValues[obj.kind] !== 0) {
          w.uint32(8)
          SwimFrame.Kind.codec().encode(obj.kind, w)
        }

        if ((obj.seq != null && obj.seq !== 0)) {
          w.uint32(16)
          w.uint32(obj.seq)
        }

        if ((obj.target != null && obj.target !== '')) {
          w.uint32(26)
          w.string(obj.target)
        }

        if (obj.updates != null && obj.updates.length > 0) {
          for (const value of obj.updates) {
            w.uint32(34)
            Update.codec().encode(value, w)
          }
        }

        if ((obj.join != null && obj.join !== false)) {
          w.uint32(40)
          w.bool(obj.join)
        }

        if ((obj.reply != null && obj.reply !== false)) {
          w.uint32(48)
          w.bool(obj.reply)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          kind: Kind.PING,
          seq: 0,
          target: '',
          updates: [],
          join: false,
          reply: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.kind = SwimFrame.Kind.codec().decode(reader)
              break
            }
            case 2: {
              obj.seq = reader.uint32()
              break
            }
            case 3: {
              obj.target = reader.string()
              break
            }
            case 4: {
              if (opts.limits?.updates != null && obj.updates.length === opts.limits.updates) {
                throw new MaxLengthError('Decode error - repeated field "updates" had too many elements')
              }

              obj.updates.push(Update.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.updates$
              }))
              break
            }
            case 5: {
              obj.join = reader.bool()
              break
            }
            case 6: {
              obj.reply = reader.bool()
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
          updates: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              yield {
                field: `${prefix}.kind`,
                value: SwimFrame.Kind.codec().decode(reader)
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.seq`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.target`,
                value: reader.string()
              }
              break
            }
            case 4: {
              if (opts.limits?.updates != null && obj.updates === opts.limits.updates) {
                throw new MaxLengthError('Streaming decode error - repeated field "updates" had too many elements')
              }

              for (const evt of Update.codec().stream(reader, reader.uint32(), `${prefix}.updates[]`, {
                limits: opts.limits?.updates$
              })) {
                yield {
                  ...evt,
                  index: obj.updates
                }
              }

              obj.updates++

              break
            }
            case 5: {
              yield {
                field: `${prefix}.join`,
                value: reader.bool()
              }
              break
            }
            case 6: {
              yield {
                field: `${prefix}.reply`,
                value: reader.bool()
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

  export interface SwimFrameKindFieldEvent {
    field: '$.kind'
    value: SwimFrame.Kind
  }

  export interface SwimFrameSeqFieldEvent {
    field: '$.seq'
    value: number
  }

  export interface SwimFrameTargetFieldEvent {
    field: '$.target'
    value: string
  }

  export interface SwimFrameUpdatesKindFieldEvent {
    field: '$.updates[].kind'
    value: Update.Kind
    index: number
  }

  export interface SwimFrameUpdatesMemberFieldEvent {
    field: '$.updates[].member'
    value: string
    index: number
  }

  export interface SwimFrameUpdatesIncarnationFieldEvent {
    field: '$.updates[].incarnation'
    value: bigint
    index: number
  }

  export interface SwimFrameUpdatesAddressesFieldEvent {
    field: '$.updates[].addresses[]'
    index: number
    value: string
  }

  export interface SwimFrameUpdatesMetadataRegionFieldEvent {
    field: '$.updates[].metadata.region'
    value: string
    index: number
  }

  export interface SwimFrameUpdatesMetadataRolesFieldEvent {
    field: '$.updates[].metadata.roles[]'
    index: number
    value: string
  }

  export interface SwimFrameUpdatesMetadataTagsFieldEvent {
    field: '$.updates[].metadata.tags{}'
    key: string
    value: string
    index: number
  }

  export interface SwimFrameUpdatesFromFieldEvent {
    field: '$.updates[].from'
    value: string
    index: number
  }

  export interface SwimFrameUpdatesSignatureFieldEvent {
    field: '$.updates[].signature'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SwimFrameJoinFieldEvent {
    field: '$.join'
    value: boolean
  }

  export interface SwimFrameReplyFieldEvent {
    field: '$.reply'
    value: boolean
  }

  export function encode (obj: Partial<SwimFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SwimFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SwimFrame>): SwimFrame {
    return decodeMessage(buf, SwimFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<SwimFrame>): Generator<SwimFrameKindFieldEvent | SwimFrameSeqFieldEvent | SwimFrameTargetFieldEvent | SwimFrameUpdatesKindFieldEvent | SwimFrameUpdatesMemberFieldEvent | SwimFrameUpdatesIncarnationFieldEvent | SwimFrameUpdatesAddressesFieldEvent | SwimFrameUpdatesMetadataRegionFieldEvent | SwimFrameUpdatesMetadataRolesFieldEvent | SwimFrameUpdatesMetadataTagsFieldEvent | SwimFrameUpdatesFromFieldEvent | SwimFrameUpdatesSignatureFieldEvent | SwimFrameJoinFieldEvent | SwimFrameReplyFieldEvent> {
    return streamMessage(buf, SwimFrame.codec(), opts)
  }
}
