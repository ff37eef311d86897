import { MalformedKvDataError } from '../errors.js'
import type { Entry } from '../raft/core/types.js'
import type { StateMachine } from '../state-machine.js'
import { ClientSessions } from './client-sessions.js'
import { decodeKvCommand } from './kv-command-codec.js'
import { decodeKvSnapshot, encodeKvSnapshot } from './kv-snapshot-codec.js'
import type { KvCommand, KvEntry, KvResult } from './kv-types.js'

/**
 * The replicated key-value store's state: keys with values and revisions, plus the recent
 * results per client that make retried writes exactly-once. `apply` is deterministic and never
 * throws: an entry that does not decode (only a faulty or hostile member proposes one) is
 * skipped identically everywhere, with an `undefined` result.
 */
export class KvStateMachine implements StateMachine<KvResult | undefined> {
  private readonly data = new Map<string, KvEntry>()
  private readonly sessions = new ClientSessions()
  private appliedIndex = 0

  /** The index of the last entry applied (the store's revision). */
  get revision (): number {
    return this.appliedIndex
  }

  get size (): number {
    return this.data.size
  }

  get (key: string): KvEntry | undefined {
    return this.data.get(key)
  }

  /** Entries whose key starts with `prefix`, in insertion order. */
  * withPrefix (prefix: string): IterableIterator<KvEntry> {
    for (const [key, entry] of this.data) if (key.startsWith(prefix)) yield entry
  }

  /** Keys in insertion order, for tests and tools. */
  keys (): IterableIterator<string> {
    return this.data.keys()
  }

  apply (entry: Entry): KvResult | undefined {
    this.appliedIndex = Math.max(this.appliedIndex, entry.index)
    if (entry.type !== 'normal' || entry.data.length === 0) return undefined
    let command: KvCommand
    try {
      command = decodeKvCommand(entry.data)
    } catch (err) {
      if (err instanceof MalformedKvDataError) return undefined
      throw err
    }
    const { client, seq } = command.request
    const remembered = this.sessions.lookup(client, seq)
    if (remembered !== undefined) return remembered
    if (this.sessions.isForgotten(client, seq)) return undefined
    const result = this.execute(command, entry.index)
    this.sessions.record(result)
    return result
  }

  snapshot (): Uint8Array {
    return encodeKvSnapshot({ revision: this.appliedIndex, entries: this.data.values(), results: this.sessions.entries(), floors: this.sessions.floors() })
  }

  restore (data: Uint8Array): void {
    const decoded = decodeKvSnapshot(data)
    this.data.clear()
    this.sessions.clear()
    for (const entry of decoded.entries) this.data.set(entry.key, entry)
    for (const result of decoded.results) this.sessions.record(result)
    for (const floor of decoded.floors) this.sessions.restoreFloor(floor, decoded.revision)
    this.appliedIndex = decoded.revision
  }

  private execute (command: KvCommand, index: number): KvResult {
    const previous = this.data.get(command.key)
    const base = { op: command.op, key: command.key, request: command.request, revision: index, previous }
    switch (command.op) {
      case 'put':
        this.write(command.key, command.value, index, previous)
        return { ...base, succeeded: true }
      case 'delete':
        this.data.delete(command.key)
        return { ...base, succeeded: true }
      case 'cas': {
        const matches = command.expected === undefined
          ? previous === undefined
          : previous !== undefined && sameBytes(previous.value, command.expected)
        if (matches) this.write(command.key, command.value, index, previous)
        return { ...base, succeeded: matches }
      }
    }
  }

  private write (key: string, value: Uint8Array, index: number, previous: KvEntry | undefined): void {
    // Copy: the value may be a view into a network buffer or a log entry.
    this.data.set(key, { key, value: value.slice(), modRevision: index, createRevision: previous?.createRevision ?? index })
  }
}

function sameBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
