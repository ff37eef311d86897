/**
 * The two roles every compared side plays: the dialer writes and times round trips, the
 * listener reads, meters and echoes. Each runs in its own worker thread (its own event loop,
 * as a separate process would). Each side implements both roles with its own natural API, so
 * the workloads are written once and measure every side the same way.
 */

/** 'bytes': an unframed byte flow; 'messages': every write is one length-prefixed message. */
export type FlowKind = 'bytes' | 'messages'

/** What a worker needs to build one of a side's nodes (structured-cloneable). */
export type SideSpec =
  | { kind: 'meshwork', limits?: { messagesPerSecond?: number, bytesPerSecond?: number } }
  | { kind: 'bare', /** yamux `maxStreamWindowSize`; absent: yamux's default */ maxStreamWindowSize?: number }

/** The writing end of one flow, on a fresh stream over the already-open connection. */
export interface FlowWriter {
  /**
   * Write one message. A returned promise means "wait for it before the next write"
   * (backpressure, or an API that is always asynchronous); `undefined` means go on. Once the
   * stream is aborted (locally or by the reader) a write throws or its promise rejects.
   */
  write(bytes: Uint8Array): Promise<void> | undefined
  abort(): void
}

/** The reading end of one flow, as the listener's protocol handler received it. */
export interface FlowReader {
  /**
   * Read until the flow ends or is aborted, calling `unit` synchronously for every message
   * (message flows) or chunk (byte flows). Rejects when aborted.
   */
  consume(unit: (byteLength: number) => void): Promise<void>
  abort(): void
}

/** A stream whose listener echoes everything back. */
export interface EchoConduit {
  /** Send `bytes` and resolve once the same number of bytes came back. */
  roundTrip(bytes: Uint8Array): Promise<void>
  close(): Promise<void>
}

/**
 * Called when a node sees its link to the other node fail or close during the benchmark
 * (`peer:disconnect`, and for Meshwork also `peer:unreachable` from its link monitor). None is
 * expected: each one is reported, since it usually explains a failed or slow run.
 */
export type LinkEventHandler = (description: string) => void

export interface DialerNode {
  /**
   * Connect to the listener at `addresses` (multiaddrs with `/p2p/<id>`). Called again before
   * every run: it returns at once while connected and re-dials after a drop.
   */
  connect(peerId: string, addresses: string[]): Promise<void>
  onLinkEvent(handler: LinkEventHandler): void
  openFlow(kind: FlowKind): Promise<FlowWriter>
  openEcho(): Promise<EchoConduit>
  stop(): Promise<void>
}

export interface ListenerNode {
  readonly peerId: string
  addresses(): string[]
  /** Called for every inbound flow; the echo protocol is served by the listener itself. */
  onFlow(handler: (kind: FlowKind, reader: FlowReader) => void): void
  onLinkEvent(handler: LinkEventHandler): void
  stop(): Promise<void>
}
