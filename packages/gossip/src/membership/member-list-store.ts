import { readFile } from 'node:fs/promises'
import { writeFileDurably, type Logger } from '@meshwork/core-mesh'
import { fromString } from 'uint8arrays/from-string'
import { toString } from 'uint8arrays/to-string'
import type { AliveUpdate } from './core/messages.js'
import type { UpdateVerifier } from './update-signatures.js'

/** What a node keeps on disk to rejoin after a restart. */
export interface MemberListSnapshot {
  /** Its own last incarnation: it restarts above it, so its new claim beats old rumours. */
  incarnation: number
  /** The latest alive claim of every member it knew, signatures included. */
  members: AliveUpdate[]
}

interface StoredClaim extends Omit<AliveUpdate, 'signature'> { signature: string }
interface StoredFile { version: 1, self: string, incarnation: number, members: StoredClaim[] }

/**
 * The member list on disk, as JSON written atomically (temporary file, fsync, rename). On load,
 * each claim's signature is checked again, so a tampered file cannot plant members.
 */
export class MemberListStore {
  constructor (private readonly path: string, private readonly self: string, private readonly verifier: UpdateVerifier) {}

  async load (log: Logger): Promise<MemberListSnapshot | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    let stored: StoredFile
    try {
      stored = JSON.parse(text)
      if (stored.version !== 1 || !Array.isArray(stored.members) || !Number.isSafeInteger(stored.incarnation)) throw new Error('unknown layout')
    } catch (err) {
      log.warn({ path: this.path, err: (err as Error).message }, 'ignoring an unreadable member list')
      return undefined
    }
    if (stored.self !== this.self) {
      log.warn({ path: this.path }, 'member list belongs to another identity; ignoring it')
      return undefined
    }
    const members: AliveUpdate[] = []
    for (const claim of stored.members) {
      try {
        const update: AliveUpdate = { ...claim, type: 'alive', signature: fromString(claim.signature, 'base64') }
        this.verifier.verify(update)
        members.push(update)
      } catch {
        log.warn({ path: this.path, member: claim?.member }, 'dropping a member claim that does not verify')
      }
    }
    return { incarnation: stored.incarnation, members }
  }

  async save (snapshot: MemberListSnapshot): Promise<void> {
    const file: StoredFile = {
      version: 1,
      self: this.self,
      incarnation: snapshot.incarnation,
      members: snapshot.members.map(claim => ({ ...claim, signature: toString(claim.signature, 'base64') }))
    }
    await writeFileDurably(this.path, JSON.stringify(file))
  }
}
