/**
 * The JSON answers of the admin API's KV and Raft routes, shared with the admin client: values
 * as UTF-8 text (null when they are not UTF-8) and as base64, revisions as log indexes, an
 * unknown leader as null.
 */
import type { ConsensusStatus, GroupStatus, KvEntry, KvResult, ReadConsistency } from '@meshwork/consensus'
import { base64Of, utf8OrNull } from './payload-text.js'

/** The `consistency` of `GET /api/kv`; the first is the default. */
export const READ_CONSISTENCIES: readonly ReadConsistency[] = ['linearizable', 'lease', 'local']

/** `GET /api/kv?key=…`, and the `current` entry of a compare-and-set. */
export interface KvEntryAnswer {
  key: string
  /** The value as UTF-8 text, or null when it is not valid UTF-8 (see `valueBase64`). */
  value: string | null
  valueBase64: string
  /** The revision (log index) of the write that set this value. */
  modRevision: number
  /** The revision of the write that created the key, after it was last absent. */
  createRevision: number
}

/** `PUT /api/kv` */
export interface KvPutAnswer {
  key: string
  /** The revision at which the value was written. */
  revision: number
}

/** `POST /api/kv/cas` */
export interface KvCasAnswer {
  key: string
  /** Whether the expected value matched, and the new value was written. */
  succeeded: boolean
  /** The revision at which the compare-and-set was applied. */
  revision: number
  /**
   * The key's entry as of `revision`: the new value when it succeeded, the value that did not
   * match when it failed; null when the key is absent.
   */
  current: KvEntryAnswer | null
}

/** `DELETE /api/kv?key=…` */
export interface KvDeleteAnswer {
  key: string
  revision: number
  /** False when the key was already absent. */
  deleted: boolean
}

/** One Raft group in `GET /api/raft`. */
export type RaftGroupAnswer = Omit<GroupStatus, 'leader'> & {
  /** The leader's peer id, or null while none is known. */
  leader: string | null
}

/** `GET /api/raft`: this node's id and every group it belongs to (the control group first). */
export interface RaftStatusAnswer {
  id: string
  groups: RaftGroupAnswer[]
}

export function kvEntryAnswer (entry: KvEntry): KvEntryAnswer {
  return {
    key: entry.key,
    value: utf8OrNull(entry.value),
    valueBase64: base64Of(entry.value),
    modRevision: entry.modRevision,
    createRevision: entry.createRevision
  }
}

export function kvPutAnswer (key: string, result: KvResult): KvPutAnswer {
  return { key, revision: result.revision }
}

/** `value` is the value the compare-and-set was to write. */
export function kvCasAnswer (key: string, value: Uint8Array, result: KvResult): KvCasAnswer {
  const previous = result.previous
  const current = result.succeeded
    ? kvEntryAnswer({ key, value, modRevision: result.revision, createRevision: previous?.createRevision ?? result.revision })
    : (previous === undefined ? null : kvEntryAnswer(previous))
  return { key, succeeded: result.succeeded, revision: result.revision, current }
}

export function kvDeleteAnswer (key: string, result: KvResult): KvDeleteAnswer {
  return { key, revision: result.revision, deleted: result.previous !== undefined }
}

export function raftStatusAnswer (status: ConsensusStatus, controlGroup: string): RaftStatusAnswer {
  const groups = status.groups
    .map(group => ({ ...group, leader: group.leader ?? null }))
    .sort((a, b) => rank(a.group, controlGroup) - rank(b.group, controlGroup) || a.group.localeCompare(b.group))
  return { id: status.id, groups }
}

function rank (group: string, controlGroup: string): number {
  return group === controlGroup ? 0 : 1
}
