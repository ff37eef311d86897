/**
 * The reference node's gossip (`@meshwork/gossip`): SWIM membership, Plumtree as the node's
 * broadcast and topic pub/sub, added to a node's mesh config when `gossip.enabled`, found on the
 * started node by their service names, summarised for `/api/health`, logged, and left
 * gracefully when the node stops.
 */
import type { Logger, MeshConfig } from '@meshwork/core-mesh'
import { MEMBERSHIP_SERVICE, PUBSUB_SERVICE, withGossip, type MemberInfo, type MemberState, type MembershipEvent, type MembershipStatus } from '@meshwork/gossip'
import type { GossipConfig } from './config/node-config.js'
import type { MeshNodeApi, NodeMembership, NodePubSub } from './node-api.js'

/** Members by state, this node included (it counts as alive). */
export type MemberCounts = Record<MemberState, number>

/** The gossip part of `/api/health`: off, or the membership's view and whether pub/sub runs. */
export type GossipHealth =
  | { enabled: false }
  | {
    enabled: true
    /** HEALTHY, or PARTITIONED while fewer than a quorum of the members are reachable. */
    status: MembershipStatus
    /** Lifeguard's local health score: 0 is healthy; higher means this node lags and probes slower. */
    localHealth: number
    members: MemberCounts
    pubsub: boolean
  }

/**
 * A copy of `meshConfig` with gossip added when it is enabled: the `membership` service (its
 * member list kept in `config.membersFile`) and discovery plugin, Plumtree as the broadcast
 * (in place of core-mesh's flooding), and the `pubsub` service unless `config.pubsub` is false.
 * Call it once per node: the parts belong to one node each.
 */
export function addGossip (meshConfig: MeshConfig, config: GossipConfig): MeshConfig {
  if (!config.enabled) return meshConfig
  const tunables = {
    probeIntervalMs: config.probeIntervalMs,
    probeTimeoutMs: config.probeTimeoutMs,
    gossipIntervalMs: config.gossipIntervalMs,
    suspicionMult: config.suspicionMult
  }
  return withGossip(meshConfig, {
    membership: {
      ...definedOnly(tunables),
      metadata: { ...(config.region !== undefined ? { region: config.region } : {}), roles: [...config.roles], tags: { ...config.tags } },
      ...(config.membersFile !== undefined ? { stateFile: config.membersFile } : {})
    },
    pubsub: config.pubsub ? {} : false
  })
}

/** The started node's membership, or undefined when it runs without gossip. */
export function membershipOf (node: Pick<MeshNodeApi, 'service'>): NodeMembership | undefined {
  return node.service<NodeMembership>(MEMBERSHIP_SERVICE)
}

/** The started node's topic pub/sub, or undefined when it runs without it. */
export function pubsubOf (node: Pick<MeshNodeApi, 'service'>): NodePubSub | undefined {
  return node.service<NodePubSub>(PUBSUB_SERVICE)
}

export function gossipHealth (membership: NodeMembership | undefined, pubsub: NodePubSub | undefined): GossipHealth {
  if (membership === undefined) return { enabled: false }
  return {
    enabled: true,
    status: membership.status(),
    localHealth: membership.localHealth(),
    members: countMembers(membership.members()),
    pubsub: pubsub !== undefined
  }
}

export function countMembers (members: readonly Pick<MemberInfo, 'state'>[]): MemberCounts {
  const counts: MemberCounts = { alive: 0, suspect: 0, dead: 0, left: 0 }
  for (const { state } of members) counts[state]++
  return counts
}

/** Logs what the membership reports (joins, suspicions, deaths, partitions); returns an unsubscribe. */
export function logMembershipEvents (membership: NodeMembership, logger: Logger): () => void {
  return membership.onEvent(event => { logMembershipEvent(event, logger) })
}

function logMembershipEvent (event: MembershipEvent, logger: Logger): void {
  switch (event.type) {
    case 'member:join': {
      const { id, incarnation, metadata } = event.member
      logger.info({ member: id, incarnation, region: metadata.region, roles: metadata.roles }, 'member joined')
      break
    }
    case 'member:update': logger.debug({ member: event.member.id, incarnation: event.member.incarnation }, 'member updated'); break
    case 'member:suspect': logger.info({ member: event.member.id, from: event.from }, 'member suspect'); break
    case 'member:alive': logger.info({ member: event.member.id, incarnation: event.member.incarnation }, 'member alive again'); break
    case 'member:dead': logger.warn({ member: event.member.id, from: event.from }, 'member dead'); break
    case 'member:left': logger.info({ member: event.member.id }, 'member left'); break
    case 'member:reaped': logger.debug({ member: event.id }, 'member reaped'); break
    case 'partitioned': logger.warn({ ...event.counts }, 'membership partitioned'); break
    case 'recovered': logger.info({ ...event.counts }, 'membership recovered'); break
    case 'leave:complete': logger.info({}, 'left the membership'); break
  }
}

/**
 * Leaves the membership so that the other members see this node `left`, not `dead`; gives up
 * after `timeoutMs`. Never throws: the node stops next either way.
 */
export async function leaveMembership (membership: NodeMembership, logger: Logger, timeoutMs: number): Promise<void> {
  try {
    await membership.leave({ signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    logger.warn({ err }, 'could not leave the membership gracefully')
  }
}

/** Unset tunables are left out, so that the package's defaults apply. */
function definedOnly<T extends object> (object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>
}
