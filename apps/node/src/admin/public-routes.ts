/** The routes served without a token, by the admin API and by the optional metrics listener. */
import type { ServerResponse } from 'node:http'
import type { HealthStatus } from '@meshwork/core-mesh'
import type { MeshNodeApi } from '../node-api.js'
import { sendJson, sendText } from './http-io.js'

/** What `/metrics` serves; `PromMetrics` is one. */
export interface MetricsExposition {
  readonly contentType: string
  render(): Promise<string>
}

/** A probe sees the node as up while it is HEALTHY or DEGRADED. */
const STATUS_CODE: Readonly<Record<HealthStatus, number>> = { HEALTHY: 200, DEGRADED: 200, CRITICAL: 503 }

export function sendHealth (res: ServerResponse, node: Pick<MeshNodeApi, 'health'>): void {
  const { status, members, unreachable } = node.health()
  sendJson(res, STATUS_CODE[status] ?? 503, { status, members, unreachable })
}

export async function sendMetrics (res: ServerResponse, metrics: MetricsExposition): Promise<void> {
  sendText(res, 200, metrics.contentType, await metrics.render())
}
