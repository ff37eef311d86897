/* eslint-disable require-yield */

import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface PlumtreeFrame {
  gossip?: PlumtreeGossip
  ihave?: PlumtreeIHave
  graft?: PlumtreeGraft
  prune?: PlumtreePrune
}

export namespace PlumtreeFrame {
  let _codec: Codec<PlumtreeFrame>

  export const codec = (): Codec<PlumtreeFrame> => {
    if (_codec == null) {
      _codec = message<PlumtreeFrame>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.gossip != null) {
          w.uint32(10)
          PlumtreeGossip.codec().encode(obj.gossip, w)
        }

        if (obj.ihave != null) {
          w.uint32(18)
          PlumtreeIHave.codec().encode(obj.ihave, w)
        }

        if (obj.graft != null) {
          w.uint32(26)
          PlumtreeGraft.codec().encode(obj.graft, w)
        }

        if (obj.prune != null) {
          w.uint32(34)
          PlumtreePrune.codec().encode(obj.prune, w)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.gossip = PlumtreeGossip.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.gossip
              })
              break
            }
            case 2: {
              obj.ihave = PlumtreeIHave.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.ihave
              })
              break
            }
            case 3: {
              obj.graft = PlumtreeGraft.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.graft
              })
              break
            }
            case 4: {
              obj.prune = PlumtreePrune.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.prune
              })
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
              yield * PlumtreeGossip.codec().stream(reader, reader.uint32(), `${prefix}.gossip`, {
                limits: opts.limits?.gossip
              })

              break
            }
            case 2: {
              yield * PlumtreeIHave.codec().stream(reader, reader.uint32(), `${prefix}.ihave`, {
                limits: opts.limits?.ihave
              })

              break
            }
            case 3: {
              yield * PlumtreeGraft.codec().stream(reader, reader.uint32(), `${prefix}.graft`, {
                limits: opts.limits?.graft
              })

              break
            }
            case 4: {
              yield * PlumtreePrune.codec().stream(reader, reader.uint32(), `${prefix}.prune`, {
                limits: opts.limits?.prune
              })

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

  export interface PlumtreeFrameGossipEnvelopeFieldEvent {
    field: '$.gossip.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PlumtreeFrameGossipRoundFieldEvent {
    field: '$.gossip.round'
    value: number
  }

  export interface PlumtreeFrameGossipGraftedFieldEvent {
    field: '$.gossip.grafted'
    value: boolean
  }

  export interface PlumtreeFrameIhaveAnnouncementsIdFieldEvent {
    field: '$.ihave.announcements[].id'
    value: string
    index: number
  }

  export interface PlumtreeFrameIhaveAnnouncementsRoundFieldEvent {
    field: '$.ihave.announcements[].round'
    value: number
    index: number
  }

  export interface PlumtreeFrameGraftIdsFieldEvent {
    field: '$.graft.ids[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<PlumtreeFrame>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreeFrame.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeFrame>): PlumtreeFrame {
    return decodeMessage(buf, PlumtreeFrame.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeFrame>): Generator<PlumtreeFrameGossipEnvelopeFieldEvent | PlumtreeFrameGossipRoundFieldEvent | PlumtreeFrameGossipGraftedFieldEvent | PlumtreeFrameIhaveAnnouncementsIdFieldEvent | PlumtreeFrameIhaveAnnouncementsRoundFieldEvent | PlumtreeFrameGraftIdsFieldEvent> {
    return streamMessage(buf, PlumtreeFrame.codec(), opts)
  }
}

export interface PlumtreeGossip {
  envelope: Uint8Array<ArrayBuffer>
  round: number
  grafted: boolean
}

export namespace PlumtreeGossip {
  let _codec: Codec<PlumtreeGossip>

  export const codec = (): Codec<PlumtreeGossip> => {
    if (_codec == null) {
      _codec = message<PlumtreeGossip>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.envelope != null && obj.envelope.byteLength > 0)) {
          w.uint32(10)
          w.bytes(obj.envelope)
        }

        if ((obj.round != null && obj.round !== 0)) {
          w.uint32(16)
          w.uint32(obj.round)
        }

        if ((obj.grafted != null && obj.grafted !== false)) {
          w.uint32(24)
          w.bool(obj.grafted)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          envelope: uint8ArrayAlloc(0),
          round: 0,
          grafted: false
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.envelope = reader.bytes()
              break
            }
            case 2: {
              obj.round = reader.uint32()
              break
            }
            case 3: {
              obj.grafted = reader.bool()
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
                field: `${prefix}.envelope`,
                value: reader.bytes()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint32()
              }
              break
            }
            case 3: {
              yield {
                field: `${prefix}.grafted`,
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

  export interface PlumtreeGossipEnvelopeFieldEvent {
    field: '$.envelope'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PlumtreeGossipRoundFieldEvent {
    field: '$.round'
    value: number
  }

  export interface PlumtreeGossipGraftedFieldEvent {
    field: '$.grafted'
    value: boolean
  }

  export function encode (obj: Partial<PlumtreeGossip>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreeGossip.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeGossip>): PlumtreeGossip {
    return decodeMessage(buf, PlumtreeGossip.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeGossip>): Generator<PlumtreeGossipEnvelopeFieldEvent | PlumtreeGossipRoundFieldEvent | PlumtreeGossipGraftedFieldEvent> {
    return streamMessage(buf, PlumtreeGossip.codec(), opts)
  }
}

export interface PlumtreeAnnouncement {
  id: string
  round: number
}

export namespace PlumtreeAnnouncement {
  let _codec: Codec<PlumtreeAnnouncement>

  export const codec = (): Codec<PlumtreeAnnouncement> => {
    if (_codec == null) {
      _codec = message<PlumtreeAnnouncement>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if ((obj.id != null && obj.id !== '')) {
          w.uint32(10)
          w.string(obj.id)
        }

        if ((obj.round != null && obj.round !== 0)) {
          w.uint32(16)
          w.uint32(obj.round)
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          id: '',
          round: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              obj.id = reader.string()
              break
            }
            case 2: {
              obj.round = reader.uint32()
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
                value: reader.string()
              }
              break
            }
            case 2: {
              yield {
                field: `${prefix}.round`,
                value: reader.uint32()
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

  export interface PlumtreeAnnouncementIdFieldEvent {
    field: '$.id'
    value: string
  }

  export interface PlumtreeAnnouncementRoundFieldEvent {
    field: '$.round'
    value: number
  }

  export function encode (obj: Partial<PlumtreeAnnouncement>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreeAnnouncement.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeAnnouncement>): PlumtreeAnnouncement {
    return decodeMessage(buf, PlumtreeAnnouncement.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeAnnouncement>): Generator<PlumtreeAnnouncementIdFieldEvent | PlumtreeAnnouncementRoundFieldEvent> {
    return streamMessage(buf, PlumtreeAnnouncement.codec(), opts)
  }
}

export interface PlumtreeIHave {
  announcements: PlumtreeAnnouncement[]
}

export namespace PlumtreeIHave {
  let _codec: Codec<PlumtreeIHave>

  export const codec = (): Codec<PlumtreeIHave> => {
    if (_codec == null) {
      _codec = message<PlumtreeIHave>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.announcements != null && obj.announcements.length > 0) {
          for (const value of obj.announcements) {
            w.uint32(10)
            PlumtreeAnnouncement.codec().encode(value, w)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          announcements: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.announcements != null && obj.announcements.length === opts.limits.announcements) {
                throw new MaxLengthError('Decode error - repeated field "announcements" had too many elements')
              }

              obj.announcements.push(PlumtreeAnnouncement.codec().decode(reader, reader.uint32(), {
                limits: opts.limits?.announcements$
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
          announcements: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.announcements != null && obj.announcements === opts.limits.announcements) {
                throw new MaxLengthError('Streaming decode error - repeated field "announcements" had too many elements')
              }

              for (const evt of PlumtreeAnnouncement.codec().stream(reader, reader.uint32(), `${prefix}.announcements[]`, {
                limits: opts.limits?.announcements$
              })) {
                yield {
                  ...evt,
                  index: obj.announcements
                }
              }

              obj.announcements++

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

  export interface PlumtreeIHaveAnnouncementsIdFieldEvent {
    field: '$.announcements[].id'
    value: string
    index: number
  }

  export interface PlumtreeIHaveAnnouncementsRoundFieldEvent {
    field: '$.announcements[].round'
    value: number
    index: number
  }

  export function encode (obj: Partial<PlumtreeIHave>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreeIHave.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeIHave>): PlumtreeIHave {
    return decodeMessage(buf, PlumtreeIHave.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeIHave>): Generator<PlumtreeIHaveAnnouncementsIdFieldEvent | PlumtreeIHaveAnnouncementsRoundFieldEvent> {
    return streamMessage(buf, PlumtreeIHave.codec(), opts)
  }
}

export interface PlumtreeGraft {
  ids: string[]
}

export namespace PlumtreeGraft {
  let _codec: Codec<PlumtreeGraft>

  export const codec = (): Codec<PlumtreeGraft> => {
    if (_codec == null) {
      _codec = message<PlumtreeGraft>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (obj.ids != null && obj.ids.length > 0) {
          for (const value of obj.ids) {
            w.uint32(10)
            w.string(value)
          }
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {
          ids: []
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids.length === opts.limits.ids) {
                throw new MaxLengthError('Decode error - repeated field "ids" had too many elements')
              }

              obj.ids.push(reader.string())
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
          ids: 0
        }

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
            case 1: {
              if (opts.limits?.ids != null && obj.ids === opts.limits.ids) {
                throw new MaxLengthError('Streaming decode error - repeated field "ids" had too many elements')
              }

              yield {
                field: `${prefix}.ids[]`,
                index: obj.ids,
                value: reader.string()
              }

              obj.ids++

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

  export interface PlumtreeGraftIdsFieldEvent {
    field: '$.ids[]'
    index: number
    value: string
  }

  export function encode (obj: Partial<PlumtreeGraft>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreeGraft.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeGraft>): PlumtreeGraft {
    return decodeMessage(buf, PlumtreeGraft.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreeGraft>): Generator<PlumtreeGraftIdsFieldEvent> {
    return streamMessage(buf, PlumtreeGraft.codec(), opts)
  }
}

export interface PlumtreePrune {}

export namespace PlumtreePrune {
  let _codec: Codec<PlumtreePrune>

  export const codec = (): Codec<PlumtreePrune> => {
    if (_codec == null) {
      _codec = message<PlumtreePrune>((obj, w, opts = {}) => {
        if (opts.lengthDelimited !== false) {
          w.fork()
        }

        if (opts.lengthDelimited !== false) {
          w.ldelim()
        }
      }, (reader, length, opts = {}) => {
        const obj: any = {}

        const end = length == null ? reader.len : reader.pos + length

        while (reader.pos < end) {
          const tag = reader.uint32()

          switch (tag >>> 3) {
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

  export function encode (obj: Partial<PlumtreePrune>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PlumtreePrune.codec())
  }

  export function decode (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreePrune>): PlumtreePrune {
    return decodeMessage(buf, PlumtreePrune.codec(), opts)
  }

  export function stream (buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<PlumtreePrune>): Generator<{}> {
    return streamMessage(buf, PlumtreePrune.codec(), opts)
  }
}
