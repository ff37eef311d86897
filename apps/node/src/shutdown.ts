/**
 * Graceful shutdown: on the first SIGTERM or SIGINT, `stop` is called (once); if it has not
 * finished within the timeout, or a second signal arrives, the process exits with code 1.
 */
import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from './constants.js'

/** The part of `process` the hook uses; tests pass an emitter. */
export interface ShutdownProcess {
  on(signal: NodeJS.Signals, listener: () => void): unknown
  off(signal: NodeJS.Signals, listener: () => void): unknown
  exit(code: number): void
}

export interface ShutdownOptions {
  /** Stops everything; called at most once. */
  stop: () => Promise<void>
  /** Default 10 s. */
  timeoutMs?: number
  /** Default SIGTERM and SIGINT. */
  signals?: readonly NodeJS.Signals[]
  /** Default the real `process`. */
  process?: ShutdownProcess
  /** Told why, just before a forced exit, so that the caller can say so. */
  onForcedExit?: (reason: string) => void
}

export interface ShutdownHook {
  /** Settles once `stop` has settled (after a signal or `trigger`), with its outcome. */
  readonly finished: Promise<void>
  /** What started the shutdown (`SIGTERM`, `SIGINT` or the reason given to `trigger`). */
  readonly reason: string | undefined
  /** Shuts down as a signal would; later calls return the same promise. */
  trigger(reason: string): Promise<void>
  /** Removes the signal listeners without stopping anything. */
  dispose(): void
}

export function registerShutdown (options: ShutdownOptions): ShutdownHook {
  const proc = options.process ?? process
  const timeoutMs = options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS
  let settle: { resolve: () => void, reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} }
  const finished = new Promise<void>((resolve, reject) => { settle = { resolve, reject } })
  // `finished` may never be awaited (a caller that only triggers); its rejection is not unhandled.
  finished.catch(() => {})
  let stopping: Promise<void> | undefined
  let reason: string | undefined

  const forceExit = (why: string): void => {
    options.onForcedExit?.(why)
    proc.exit(1)
  }

  const listeners = (options.signals ?? ['SIGTERM', 'SIGINT']).map(signal => {
    const listener = (): void => {
      if (stopping !== undefined) forceExit(`${signal} received while stopping`)
      else void trigger(signal).catch(() => {})
    }
    proc.on(signal, listener)
    return { signal, listener }
  })

  const dispose = (): void => {
    for (const { signal, listener } of listeners) proc.off(signal, listener)
  }

  const trigger = async (why: string): Promise<void> => {
    if (stopping !== undefined) return await stopping
    reason = why
    const timer = setTimeout(() => { forceExit(`stopping took longer than ${timeoutMs} ms`) }, timeoutMs)
    timer.unref()
    stopping = (async () => {
      try {
        await options.stop()
      } finally {
        clearTimeout(timer)
        dispose()
      }
    })()
    stopping.then(settle.resolve, settle.reject)
    return await stopping
  }

  return {
    finished,
    get reason () { return reason },
    trigger,
    dispose
  }
}
