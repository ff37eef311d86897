import type { Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { ChannelClosedError, MeshError } from './errors.js'
import type { AbortOptions } from './interfaces/abort.js'
import type { Channel } from './interfaces/channel.js'
import type { PeerIdString } from './interfaces/peer.js'
import { FrameDecoder, encodeFrame, encodeLengthPrefix } from './wire/framing.js'
import { STREAM_WINDOW_BYTES } from './constants.js'
import { FrameTooLargeError } from './errors.js'

/** Frames below this size are copied into a batch; larger ones go out as they are. */
const COALESCE_BELOW_BYTES = 8 * 1024
/** A batch is written once it holds this much, without waiting for the next tick. */
const BATCH_FLUSH_BYTES = 64 * 1024
/**
 * A writer that never meets backpressure (loopback accepts everything) would otherwise hold
 * its thread for seconds, starving its own node's heartbeats and other channels: after this
 * long without a pause, `send` gives the event loop a turn.
 */
const MAX_UNINTERRUPTED_SEND_MS = 10

/**
 * Wait until the stream can take more data. `stream.onDrain()` is not used: in
 * @libp2p/utils 7.4 its promise is created once and never reset, so after the first drain
 * it resolves at once and writes pile up without bound. The `drain` event is reliable.
 */
export async function waitForDrain (stream: Stream, signal?: AbortSignal): Promise<void> {
  if (!stream.writableNeedsDrain) return
  signal?.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      stream.removeEventListener('drain', onDrain)
      stream.removeEventListener('close', onClose)
      signal?.removeEventListener('abort', onAbort)
    }
    const onDrain = (): void => { cleanup(); resolve() }
    const onClose = (): void => { cleanup(); reject(new ChannelClosedError('channel closed while waiting to send')) }
    const onAbort = (): void => { cleanup(); reject(signal?.reason) }
    stream.addEventListener('drain', onDrain)
    stream.addEventListener('close', onClose)
    signal?.addEventListener('abort', onAbort)
  })
}

/** What a channel reports to the node; keeps the channel free of registry and policy code. */
export interface ChannelHooks {
  maxFrameBytes: number
  /** Milliseconds to wait before handing this inbound frame to the reader (rate limits). */
  inboundDelay(peer: PeerIdString, bytes: number): number
  /** Wait, on the node's clock. */
  sleep(ms: number): Promise<void>
  frameIn(peer: PeerIdString, bytes: number): void
  frameOut(peer: PeerIdString, bytes: number): void
  /** The remote broke the framing: the channel is aborted with `error`. */
  violation(peer: PeerIdString, protocol: string, error: MeshError): void
}

/**
 * A framed channel over one libp2p stream. Reading is driven by the stream's `message`
 * events into a bounded queue of whole frames; above the high-water mark the stream is
 * paused, so the muxer's flow control pushes back on the sender and memory stays bounded.
 *
 * Writing coalesces: small frames sent in the same tick are copied into one batch and
 * written together on `process.nextTick` (or as soon as the batch reaches 64 KiB), so a burst
 * of small messages costs one muxer frame, one Noise message and one syscall instead of one
 * each. A lone frame still leaves before the event loop turns. Large frames are written as
 * prefix plus payload without a copy: the channel then holds `frame` until it is written.
 */
export class MeshChannel implements Channel {
  private readonly decoder: FrameDecoder
  private readonly frames: Uint8Array[] = []
  private queuedBytes = 0
  private readonly highWaterBytes: number
  private ended = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private iterating = false
  private batch = new Uint8ArrayList()
  private flushScheduled = false
  private lastTurn = performance.now()

  constructor (
    private readonly stream: Stream,
    readonly peer: PeerIdString,
    readonly protocol: string,
    private readonly hooks: ChannelHooks
  ) {
    this.decoder = new FrameDecoder(hooks.maxFrameBytes)
    this.highWaterBytes = Math.max(hooks.maxFrameBytes, 1024 * 1024)
    stream.addEventListener('message', (event) => { this.onData(event.data) })
    stream.addEventListener('end', () => { this.onRemoteEnd() })
    // After `pause()` the remote may still fill its whole send window: make room for it, so a
    // slow reader gets backpressure instead of a reset stream.
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, 2 * STREAM_WINDOW_BYTES + this.highWaterBytes)
    stream.addEventListener('close', (event) => {
      if (event.error !== undefined && this.failure === undefined) this.failure = event.error
      this.ended = true
      this.notify()
    })
  }

  get direction (): 'inbound' | 'outbound' {
    return this.stream.direction
  }

  async send (frame: Uint8Array, options?: AbortOptions): Promise<void> {
    if (this.stream.status !== 'open' || this.stream.writeStatus !== 'writable') {
      throw new ChannelClosedError(`channel ${this.protocol} to ${this.peer} is ${this.stream.status}`)
    }
    if (frame.byteLength > this.hooks.maxFrameBytes) throw new FrameTooLargeError(frame.byteLength, this.hooks.maxFrameBytes)
    let accepted: boolean
    if (frame.byteLength < COALESCE_BELOW_BYTES) {
      this.batch.append(encodeFrame(frame, this.hooks.maxFrameBytes))
      if (this.batch.byteLength >= BATCH_FLUSH_BYTES) {
        accepted = this.flush()
      } else {
        this.scheduleFlush()
        accepted = !this.stream.writableNeedsDrain
      }
    } else {
      this.flush()
      accepted = this.stream.send(new Uint8ArrayList(encodeLengthPrefix(frame.byteLength), frame))
    }
    this.hooks.frameOut(this.peer, frame.byteLength)
    if (!accepted) {
      await waitForDrain(this.stream, options?.signal)
      this.lastTurn = performance.now()
    } else if (performance.now() - this.lastTurn > MAX_UNINTERRUPTED_SEND_MS) {
      await new Promise(resolve => setImmediate(resolve))
      this.lastTurn = performance.now()
    }
  }

  async close (options?: AbortOptions): Promise<void> {
    this.flush()
    await this.stream.close(options)
  }

  abort (error: Error): void {
    this.batch = new Uint8ArrayList()
    this.stream.abort(error)
  }

  /** Write the pending batch; false when the stream asks the writer to wait for `drain`. */
  private flush (): boolean {
    if (this.batch.byteLength === 0) return !this.stream.writableNeedsDrain
    const batch = this.batch
    this.batch = new Uint8ArrayList()
    if (this.stream.writeStatus !== 'writable') return false
    return this.stream.send(batch)
  }

  private scheduleFlush (): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    process.nextTick(() => {
      this.flushScheduled = false
      try {
        this.flush()
      } catch (err) {
        // The stream closed under the batch: the next send reports it as ChannelClosedError.
        this.stream.abort(err as Error)
      }
    })
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<Uint8Array> {
    if (this.iterating) throw new ChannelClosedError('a channel can be read by one reader only')
    this.iterating = true
    while (true) {
      const frame = this.frames.shift()
      if (frame !== undefined) {
        this.queuedBytes -= frame.byteLength
        if (this.stream.readStatus === 'paused' && this.queuedBytes < this.highWaterBytes / 2) this.stream.resume()
        const delay = this.hooks.inboundDelay(this.peer, frame.byteLength)
        if (delay > 0) await this.hooks.sleep(delay)
        this.hooks.frameIn(this.peer, frame.byteLength)
        yield frame
        continue
      }
      if (this.failure !== undefined) throw this.failure
      if (this.ended) return
      await new Promise<void>(resolve => { this.wake = resolve })
    }
  }

  private onData (chunk: Uint8Array | Uint8ArrayList): void {
    if (this.failure !== undefined) return
    try {
      this.decoder.push(chunk)
      for (let frame = this.decoder.next(); frame !== undefined; frame = this.decoder.next()) {
        this.frames.push(frame)
        this.queuedBytes += frame.byteLength
      }
    } catch (err) {
      this.fail(err as MeshError)
      return
    }
    if (this.queuedBytes >= this.highWaterBytes && this.stream.readStatus === 'readable') this.stream.pause()
    this.notify()
  }

  private onRemoteEnd (): void {
    try {
      this.decoder.finish()
    } catch (err) {
      this.fail(err as MeshError)
      return
    }
    this.ended = true
    this.notify()
  }

  private fail (error: MeshError): void {
    this.failure = error
    this.ended = true
    this.frames.length = 0
    this.queuedBytes = 0
    this.stream.abort(error)
    this.hooks.violation(this.peer, this.protocol, error)
    this.notify()
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}
