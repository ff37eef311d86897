import { STREAM_WINDOW_BYTES } from '@meshwork/core-mesh'
import { createBareDialer, createBareListener } from './bare-libp2p.js'
import { createMeshworkDialer, createMeshworkListener } from './meshwork-side.js'
import type { DialerNode, ListenerNode, SideSpec } from './roles.js'

export interface SideDefinition {
  id: string
  label: string
  spec: SideSpec
}

/**
 * What is compared. The first is the subject, the second the baseline of the goals: the same
 * yamux window ceiling as core-mesh's own (`STREAM_WINDOW_BYTES`, 4 MiB), so that only what
 * Meshwork adds differs. The rest are extra lines.
 */
export const CHANNEL_SIDES: readonly SideDefinition[] = [
  { id: 'meshwork', label: 'meshwork channel', spec: { kind: 'meshwork' } },
  { id: 'bare', label: 'bare stream (4 MiB window)', spec: { kind: 'bare', maxStreamWindowSize: STREAM_WINDOW_BYTES } },
  { id: 'bare-yamux-defaults', label: 'bare stream (yamux defaults)', spec: { kind: 'bare' } }
]

export async function createListener (spec: SideSpec): Promise<ListenerNode> {
  return spec.kind === 'meshwork' ? await createMeshworkListener(spec) : await createBareListener(spec)
}

export async function createDialer (spec: SideSpec): Promise<DialerNode> {
  return spec.kind === 'meshwork' ? await createMeshworkDialer(spec) : await createBareDialer(spec)
}
