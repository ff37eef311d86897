/**
 * The JSON answers of the admin API's membership and pub/sub routes, shared with the admin
 * client: times in milliseconds since the epoch, payloads as UTF-8 text (null when they are not
 * UTF-8) and as base64.
 */
import type { PubSubMessage, PublishResult } from '@meshwork/core-mesh'
import type { MemberInfo, MemberState, MembershipStatus } from '@meshwork/gossip'
import { base64Of, utf8OrNull } from './payload-text.js'

/** One member, as `GET /api/members` lists it. */
export interface MemberAnswer {
  id: string
  state: MemberState
  /** The incarnation of the claim that set the state. */
  incarnation: number
  addresses: string[]
  metadata: { region?: string, roles: string[], tags: Record<string, string> }
  /** When the member entered its current state, in milliseconds since the epoch. */
  since: number
}

/** `GET /api/members` */
export interface MembersAnswer {
  /** This node's peer id (it is one of the members). */
  self: string
  status: MembershipStatus
  localHealth: number
  members: MemberAnswer[]
}

/** `POST /api/publish` */
export interface PublishAnswer {
  topic: string
  id: string
  bytes: number
  /** The neighbours the message was first handed to. */
  recipients: string[]
}

/** `GET /api/subscribers?topic=…` */
export interface SubscribersAnswer {
  topic: string
  subscribers: string[]
}

/** One line of `GET /api/subscribe?topic=…`: a message received on the topic. */
export interface TopicMessageAnswer {
  topic: string
  id: string
  /** The peer that published it. */
  origin: string
  /** The neighbour this copy came from. */
  from: string
  /** The payload as UTF-8 text, or null when it is not valid UTF-8 (see `dataBase64`). */
  data: string | null
  dataBase64: string
  bytes: number
}

/**
 * Converts a membership clock time (`MemberInfo.stateChangedAt`) to milliseconds since the
 * epoch. The node runs on core-mesh's system clock, whose times are `performance.now()`.
 */
export type ToEpochMs = (clockTime: number) => number

export const systemClockToEpochMs: ToEpochMs = (clockTime) => Math.round(performance.timeOrigin + clockTime)

export function memberAnswer (member: MemberInfo, toEpochMs: ToEpochMs): MemberAnswer {
  const { region, roles, tags } = member.metadata
  return {
    id: member.id,
    state: member.state,
    incarnation: member.incarnation,
    addresses: [...member.addresses],
    metadata: { ...(region !== undefined ? { region } : {}), roles: [...roles], tags: { ...tags } },
    since: toEpochMs(member.stateChangedAt)
  }
}

export function publishAnswer (topic: string, data: Uint8Array, result: PublishResult): PublishAnswer {
  return { topic, id: result.id, bytes: data.byteLength, recipients: [...result.recipients] }
}

export function topicMessageAnswer (message: PubSubMessage): TopicMessageAnswer {
  return {
    topic: message.topic,
    id: message.id,
    origin: message.origin,
    from: message.from,
    data: utf8OrNull(message.data),
    dataBase64: base64Of(message.data),
    bytes: message.data.byteLength
  }
}
