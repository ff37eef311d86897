import type { HardState, Message, NodeId, ReadState, Role } from './types.js'

/**
 * What the core has to tell its host since the last `Ready`: messages, confirmed reads, and the
 * soft and hard state last reported (to report only changes).
 */
export class Outbox {
  messages: Message[] = []
  readStates: ReadState[] = []
  reportedLeader: NodeId | undefined = undefined
  reportedRole: Role = 'follower'
  reportedHardState: HardState

  constructor (initial: HardState) {
    this.reportedHardState = initial
  }

  send (message: Message): void {
    this.messages.push(message)
  }

  pushReadState (read: ReadState): void {
    this.readStates.push(read)
  }

  hasOutput (): boolean {
    return this.messages.length > 0 || this.readStates.length > 0
  }

  softStateChanged (leader: NodeId | undefined, role: Role): boolean {
    return leader !== this.reportedLeader || role !== this.reportedRole
  }

  hardStateChanged (term: number, vote: NodeId, commit: number): boolean {
    const reported = this.reportedHardState
    return term !== reported.term || vote !== reported.vote || commit !== reported.commit
  }

  /** Hand the messages and reads over, and remember the state reported with them. */
  take (leader: NodeId | undefined, role: Role, hardState: HardState): { messages: Message[], readStates: ReadState[] } {
    const taken = { messages: this.messages, readStates: this.readStates }
    this.messages = []
    this.readStates = []
    this.reportedLeader = leader
    this.reportedRole = role
    this.reportedHardState = hardState
    return taken
  }
}
