import { describe, expect, it } from '@jest/globals'
import { registerShutdown } from '../src/shutdown.js'
import { FakeProcess } from './fakes.js'

function deferred (): { promise: Promise<void>, resolve: () => void, reject: (err: Error) => void } {
  let resolve: () => void = () => {}
  let reject: (err: Error) => void = () => {}
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

describe('registerShutdown', () => {
  it('calls stop once on SIGTERM, then removes its listeners', async () => {
    const proc = new FakeProcess()
    let stops = 0
    const hook = registerShutdown({ stop: async () => { stops++ }, process: proc })
    expect(proc.listenerCount('SIGTERM')).toBe(1)
    expect(proc.listenerCount('SIGINT')).toBe(1)
    proc.emit('SIGTERM')
    await hook.finished
    expect(stops).toBe(1)
    expect(hook.reason).toBe('SIGTERM')
    expect(proc.listenerCount('SIGTERM')).toBe(0)
    expect(proc.listenerCount('SIGINT')).toBe(0)
    expect(proc.exits).toEqual([])
  })

  it('forces exit 1 on a second signal while stopping, without stopping twice', async () => {
    const proc = new FakeProcess()
    const gate = deferred()
    let stops = 0
    const forced: string[] = []
    const hook = registerShutdown({ stop: async () => { stops++; await gate.promise }, process: proc, onForcedExit: (why) => { forced.push(why) } })
    proc.emit('SIGINT')
    proc.emit('SIGINT')
    expect(proc.exits).toEqual([1])
    expect(forced).toEqual(['SIGINT received while stopping'])
    gate.resolve()
    await hook.finished
    expect(stops).toBe(1)
  })

  it('forces exit 1 when stop outlives the timeout', async () => {
    const proc = new FakeProcess()
    const gate = deferred()
    const forced: string[] = []
    const hook = registerShutdown({ stop: async () => { await gate.promise }, process: proc, timeoutMs: 20, onForcedExit: (why) => { forced.push(why) } })
    void hook.trigger('test')
    await new Promise(resolve => setTimeout(resolve, 80))
    expect(proc.exits).toEqual([1])
    expect(forced[0]).toContain('longer than 20 ms')
    gate.resolve()
    await hook.finished
  })

  it('does not force exit when stop finishes in time', async () => {
    const proc = new FakeProcess()
    const hook = registerShutdown({ stop: async () => {}, process: proc, timeoutMs: 20 })
    await hook.trigger('test')
    await new Promise(resolve => setTimeout(resolve, 60))
    expect(proc.exits).toEqual([])
  })

  it('shares one stop between trigger calls and signals', async () => {
    const proc = new FakeProcess()
    let stops = 0
    const hook = registerShutdown({ stop: async () => { stops++ }, process: proc })
    await Promise.all([hook.trigger('a'), hook.trigger('b')])
    expect(stops).toBe(1)
    expect(hook.reason).toBe('a')
  })

  it('rejects finished with the error stop threw', async () => {
    const proc = new FakeProcess()
    const hook = registerShutdown({ stop: async () => { throw new Error('stuck socket') }, process: proc })
    proc.emit('SIGTERM')
    await expect(hook.finished).rejects.toThrow('stuck socket')
  })

  it('dispose removes the listeners without stopping', async () => {
    const proc = new FakeProcess()
    let stops = 0
    const hook = registerShutdown({ stop: async () => { stops++ }, process: proc })
    hook.dispose()
    proc.emit('SIGTERM')
    expect(proc.listenerCount('SIGTERM')).toBe(0)
    expect(stops).toBe(0)
  })
})
