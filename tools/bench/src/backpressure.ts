import type { Stream } from '@libp2p/interface'

/**
 * Wait until a libp2p v3 stream can take more data, on its `drain` event.
 *
 * `stream.onDrain()` is deliberately not used: in @libp2p/utils 7.4 its promise is created
 * once and never reset, so after the first drain it resolves at once and a writer using it
 * buffers without bound. This is the same logic as core-mesh's `waitForDrain` (which is not
 * part of core-mesh's public surface), so both sides of the comparison wait the same way.
 */
export async function waitForDrain (stream: Stream): Promise<void> {
  if (!stream.writableNeedsDrain) return
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
    }
    const onDrain = (): void => { cleanup(); resolve() }
    const onClose = (): void => { cleanup(); reject(new Error('stream closed while waiting for drain')) }
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
  })
}
