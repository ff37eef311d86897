import { readFile } from 'node:fs/promises'
import {
  type AbortOptions,
  type Clock,
  defineService,
  type DiscoveryContext,
  type DiscoveryPlugin,
  InvalidConfigError,
  type Logger,
  type ServiceFactory,
  type TimerHandle
} from '@meshwork/core-mesh'
import { DEFAULT_INTERVAL_MS } from './constants.js'
import { parsePeersFile, type PeersFileContent } from './peers-file.js'

export interface FileDiscoveryInit {
  /** The peers file: a JSON array of multiaddrs, or one per line; see `parsePeersFile`. */
  path: string
  /** Re-read the file this often and report the entries that are new (0: read only at start). */
  intervalMs?: number
}

/** Only what the plugin uses of the node's components. */
export interface FileDiscoveryComponents {
  clock: Clock
  logger: Logger
}

/**
 * Reports the peers listed in a file. The file is read at start and then every `intervalMs`;
 * a read reports each peer that has an address not reported before in this run (a peer that
 * leaves the file and comes back counts as new). A missing file counts as empty, so the file
 * may be created after the node starts; a file that cannot be parsed is skipped until the next
 * read, so a half-written file loses nothing.
 */
export class FileDiscovery implements DiscoveryPlugin {
  readonly name = 'file'
  private readonly log: Logger
  private readonly intervalMs: number
  /** Bumped by every start and stop: a read belonging to an older run reports nothing. */
  private run = 0
  private context: DiscoveryContext | undefined
  private timer: TimerHandle | undefined
  private reading: Promise<void> | undefined
  /** `<peer id> <address>` of every entry reported in this run and still in the file. */
  private reported = new Set<string>()

  constructor (private readonly components: FileDiscoveryComponents, private readonly init: FileDiscoveryInit) {
    this.log = components.logger.child({ component: 'file-discovery', path: init.path })
    this.intervalMs = init.intervalMs ?? DEFAULT_INTERVAL_MS
  }

  async start (context: DiscoveryContext, options?: AbortOptions): Promise<void> {
    options?.signal?.throwIfAborted()
    await this.stop()
    options?.signal?.throwIfAborted()
    this.context = context
    this.reported = new Set()
    // Not awaited: start must not wait for peers.
    this.poll(++this.run)
  }

  async stop (): Promise<void> {
    this.run++
    this.context = undefined
    if (this.timer !== undefined) this.components.clock.clearTimeout(this.timer)
    this.timer = undefined
    // A read in flight reports nothing now; waiting for it leaves no file handle behind.
    await this.reading
  }

  private poll (run: number): void {
    this.reading = this.read(run).catch((err: unknown) => {
      this.log.error({ err }, 'reading the peers file failed')
    }).finally(() => {
      if (run === this.run && this.intervalMs > 0) {
        this.timer = this.components.clock.setTimeout(() => { this.poll(run) }, this.intervalMs)
      }
    })
  }

  private async read (run: number): Promise<void> {
    let text: string
    try {
      text = await readFile(this.init.path, 'utf8')
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
      if (missing) this.log.debug({}, 'peers file does not exist (yet)')
      else this.log.warn({ err }, 'cannot read the peers file')
      if (missing && run === this.run) this.reported = new Set()
      return
    }
    const context = this.context
    if (run !== this.run || context === undefined) return
    let content: PeersFileContent
    try {
      content = parsePeersFile(text)
    } catch (err) {
      this.log.warn({ err }, 'peers file is not valid; keeping what it said before')
      return
    }
    for (const problem of content.problems) this.log.warn({ problem }, 'skipped an entry of the peers file')
    const listed = new Set<string>()
    for (const peer of content.peers) {
      if (peer.id === context.self) continue
      const keys = peer.addresses.map(address => `${peer.id} ${address}`)
      const isNew = keys.some(key => !this.reported.has(key))
      for (const key of keys) listed.add(key)
      if (isNew) {
        this.log.debug({ peer: peer.id }, 'reporting a peer from the peers file')
        context.peerFound({ id: peer.id, addresses: [...peer.addresses] })
      }
    }
    this.reported = listed
  }
}

/**
 * The service factory: `fileDiscovery({ path })` is what a node (or the module given to
 * `meshwork start --discovery`) takes. It needs the node's `clock` and `logger`.
 */
export function fileDiscovery (init: FileDiscoveryInit): ServiceFactory<FileDiscovery, FileDiscoveryComponents> {
  if (typeof init.path !== 'string' || init.path.length === 0) throw new InvalidConfigError('fileDiscovery needs a path')
  const intervalMs = init.intervalMs ?? DEFAULT_INTERVAL_MS
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new InvalidConfigError(`fileDiscovery intervalMs must be a number of ms >= 0, got ${intervalMs}`)
  return defineService({ name: 'file-discovery', needs: ['clock', 'logger'] },
    (components: FileDiscoveryComponents) => new FileDiscovery(components, init))
}
