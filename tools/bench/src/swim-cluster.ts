/**
 * The contract both sides of the SWIM benchmark implement: N members, each a real process on
 * 127.0.0.1, that the round driver (`swim-rounds.ts`) kills, pauses and restarts the same way
 * whichever side they are, while the cluster reports what each member says about the others.
 */

export type SwimSideId = 'serf' | 'meshwork'

export const SWIM_SIDES: ReadonlyArray<{ id: SwimSideId, label: string }> = [
  { id: 'serf', label: 'serf (Debian)' },
  { id: 'meshwork', label: 'meshwork SWIM' }
]

/**
 * What one member said about another, timed with `Date.now()` when the member said it:
 * - `failed`: declared failed (serf `EventMemberFailed`, Meshwork `member:dead`);
 * - `suspect`: raised by this member because its probe failed — serf: memberlist's "Suspect …
 *   has failed, no acks received"; Meshwork: `member:suspect` with `from` = this member;
 * - `alive`: Meshwork `member:alive` (a suspicion refuted); serf has no such event;
 * - `join`: serf `EventMemberJoin`, Meshwork `member:join`.
 */
export interface MemberEvent {
  kind: 'failed' | 'suspect' | 'alive' | 'join'
  /** Index of the member that reported it. */
  observer: number
  /** Index of the member it is about; undefined for a member the cluster does not know (an old identity). */
  subject: number | undefined
  at: number
}

/** Where one member stands, by one observer's view: how many members it holds alive. */
export interface MemberView {
  observer: number
  alive: number
  /** Indices of the members it holds alive. */
  aliveMembers: number[]
}

export interface SwimCluster {
  readonly side: SwimSideId
  readonly size: number
  /** Start every member and join them into one cluster. */
  start(): Promise<void>
  /** Each member's view of the alive members; members that do not answer are left out. */
  views(): Promise<MemberView[]>
  /** SIGKILL member `i`; returns `Date.now()` taken right before the signal. */
  kill(i: number): number
  /** SIGSTOP member `i`; returns `Date.now()` taken right before the signal. */
  pause(i: number): number
  /** SIGCONT member `i`; returns `Date.now()` taken right before the signal. */
  resume(i: number): number
  /** Start a killed member again and join it to the cluster through the live ones. */
  restart(i: number): Promise<void>
  /** Listen to every member's reports; returns an unsubscribe. */
  onEvent(listener: (event: MemberEvent) => void): () => void
  /** Stop every member (whatever state it is in) and remove what the cluster wrote. */
  stop(): Promise<void>
  /** Extra figures the side can give after a kill round (serf: the event-handler timestamps). */
  handlerDetections?(victim: number, since: number): Promise<Array<{ observer: number, at: number }>>
}
