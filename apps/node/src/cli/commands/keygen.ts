import { generateMeshKey } from '@meshwork/core-mesh'
import type { KeygenCommand } from '../args.js'
import type { CliIo } from '../io.js'

/** `meshwork keygen`: a new mesh key (64 hex characters), the form `--mesh-key` takes. */
export function keygenCommand (command: KeygenCommand, deps: { io: CliIo, generate?: () => string }): void {
  const meshKey = (deps.generate ?? generateMeshKey)()
  deps.io.out(command.options.json ? JSON.stringify({ meshKey }) : meshKey)
}
