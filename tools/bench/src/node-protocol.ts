import type { FlowWindow } from './flow-meter.js'
import type { FlowKind, SideSpec } from './roles.js'
import type { RoundTripParams } from './workloads.js'

/** Messages between the main thread (the coordinator) and a node worker. */

export type NodeRole = 'dialer' | 'listener'

export interface NodeWorkerData {
  role: NodeRole
  spec: SideSpec
  /**
   * One Int32, shared by the coordinator and both of a side's workers: the listener sets it to
   * 1 when a flow's measured window closes, the writer stops when it sees it. A writer in the
   * middle of a long synchronous burst does not see messages or resets until the burst ends;
   * it does see this flag.
   */
  windowClosed: SharedArrayBuffer
}

export type NodeRequest =
  /** dialer: connect to (or make sure it is still connected to) the listener */
  | { type: 'connect', peerId: string, addresses: string[] }
  /** dialer: open a flow and write `payloadBytes` messages until the window closes */
  | { type: 'write-flow', kind: FlowKind, payloadBytes: number }
  /** dialer: ping-pong on a fresh echo stream */
  | { type: 'round-trips', params: RoundTripParams }
  /** listener: the next inbound flow of `kind` is to be metered over `window` */
  | { type: 'expect-flow', kind: FlowKind, window: FlowWindow }

export type ToNode =
  | { type: 'request', id: number, request: NodeRequest }
  /** listener: the flow announced by request `id` will not come */
  | { type: 'cancel', id: number }
  | { type: 'stop' }

export type FromNode =
  | { type: 'ready', peerId: string, addresses: string[] }
  | { type: 'reply', id: number, value: unknown }
  | { type: 'reply-error', id: number, message: string }
  | { type: 'link-event', description: string }
  | { type: 'stopped' }
  | { type: 'failed', message: string }
