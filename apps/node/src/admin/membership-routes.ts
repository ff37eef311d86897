/**
 * The admin API's membership route, token-protected:
 *
 * | route              | answer                                                                  |
 * |--------------------|-------------------------------------------------------------------------|
 * | `GET /api/members` | `{ self, status, localHealth, members: [{ id, state, incarnation, addresses, metadata, since }] }` |
 *
 * Members are sorted by peer id; this node is one of them. Without gossip the route answers 503
 * GossipDisabledError. The membership's status and counts are also in `/api/health`.
 */
import type { NodeMembership } from '../node-api.js'
import { memberAnswer, type MembersAnswer, type ToEpochMs } from './gossip-answers.js'
import { GossipDisabledError } from './http-errors.js'
import { sendJson } from './http-io.js'
import type { Route } from './route.js'

export interface MembershipRoutesOptions {
  /** Undefined when the node runs without gossip. */
  membership: NodeMembership | undefined
  /** This node's peer id. */
  self: string
  /** Member times (`stateChangedAt`) to milliseconds since the epoch. */
  toEpochMs: ToEpochMs
}

/** The membership routes, as entries for the admin API's route table. */
export function membershipRoutes (options: MembershipRoutesOptions): Array<[string, Route]> {
  return [
    ['/api/members', { method: 'GET', protected: true, handle: async (_req, res) => { sendJson(res, 200, membersAnswer(options)) } }]
  ]
}

function membersAnswer ({ membership, self, toEpochMs }: MembershipRoutesOptions): MembersAnswer {
  if (membership === undefined) throw new GossipDisabledError()
  const members = membership.members()
    .map(member => memberAnswer(member, toEpochMs))
    .sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  return { self, status: membership.status(), localHealth: membership.localHealth(), members }
}
