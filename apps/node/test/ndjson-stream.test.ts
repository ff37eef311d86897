import { EventEmitter } from 'node:events'
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from '@jest/globals'
import { NdjsonStream } from '../src/admin/ndjson-stream.js'

/** The part of a ServerResponse the stream uses; `writableLength` is set by the test. */
class FakeResponse extends EventEmitter {
  status = 0
  headers: Record<string, string> = {}
  readonly written: string[] = []
  writableLength = 0
  destroyed = false
  ends = 0

  writeHead (status: number, headers: Record<string, string>): this {
    this.status = status
    this.headers = headers
    return this
  }

  flushHeaders (): void {}
  write (text: string): boolean { this.written.push(text); return true }
  end (): void { this.ends++ }
  destroy (): void { this.destroyed = true; this.emit('close') }
}

function open (options: { keepAliveMs?: number, maxBufferedBytes?: number, signal?: AbortSignal, onOverflow?: (bytes: number) => void } = {}): { res: FakeResponse, stream: NdjsonStream } {
  const res = new FakeResponse()
  const stream = new NdjsonStream(res as unknown as ServerResponse, {
    signal: options.signal ?? new AbortController().signal,
    keepAliveMs: options.keepAliveMs ?? 60_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024,
    ...(options.onOverflow !== undefined ? { onOverflow: options.onOverflow } : {})
  })
  return { res, stream }
}

describe('NdjsonStream', () => {
  it('answers 200 NDJSON at once and writes each document as one line', () => {
    const { res, stream } = open()
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8')
    expect(stream.write({ a: 1 })).toBe(true)
    expect(stream.write('two')).toBe(true)
    expect(res.written).toEqual(['{"a":1}\n', '"two"\n'])
    stream.end()
  })

  it('ends cleanly, once, when the signal aborts; writes after that are refused', async () => {
    const controller = new AbortController()
    const { res, stream } = open({ signal: controller.signal })
    controller.abort()
    await stream.closed
    stream.end()
    expect(res.ends).toBe(1)
    expect(stream.write({ late: true })).toBe(false)
    expect(res.written).toEqual([])
  })

  it('ends when the client closes the connection, without writing to it', async () => {
    const { res, stream } = open()
    res.destroyed = true
    res.emit('close')
    await stream.closed
    expect(res.ends).toBe(0)
  })

  it('disconnects a client that lets more than maxBufferedBytes queue up', async () => {
    const overflows: number[] = []
    const { res, stream } = open({ maxBufferedBytes: 100, onOverflow: (bytes) => { overflows.push(bytes) } })
    expect(stream.write({ n: 1 })).toBe(true)
    res.writableLength = 101
    expect(stream.write({ n: 2 })).toBe(false)
    await stream.closed
    expect(res.destroyed).toBe(true)
    expect(overflows).toEqual([101])
    expect(res.written).toEqual(['{"n":1}\n'])
  })

  it('sends a blank line every keepAliveMs until it ends', async () => {
    const { res, stream } = open({ keepAliveMs: 10 })
    await new Promise(resolve => setTimeout(resolve, 55))
    stream.end()
    const count = res.written.length
    expect(count).toBeGreaterThanOrEqual(2)
    expect(new Set(res.written)).toEqual(new Set(['\n']))
    await new Promise(resolve => setTimeout(resolve, 30))
    expect(res.written).toHaveLength(count)
  })
})
