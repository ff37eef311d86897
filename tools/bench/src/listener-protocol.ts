import type { FlowMeasurement, FlowWindow } from './flow-meter.js'
import type { FlowKind, SideSpec } from './roles.js'

/** Messages between the main thread and a listener worker. */

export interface ListenerWorkerData { spec: SideSpec }

export type ToListener =
  | { type: 'expect-flow', id: number, kind: FlowKind, window: FlowWindow }
  | { type: 'stop' }

export type FromListener =
  | { type: 'ready', peerId: string, addresses: string[] }
  | { type: 'flow-result', id: number, measurement: FlowMeasurement }
  | { type: 'flow-error', id: number, message: string }
  | { type: 'stopped' }
  | { type: 'failed', message: string }
