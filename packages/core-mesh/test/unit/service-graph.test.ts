import { describe, expect, it } from '@jest/globals'
import { MissingDependencyError, ServiceConfigurationError } from '../../src/errors.js'
import { defineService } from '../../src/interfaces/service.js'
import { createServices } from '../../src/service-graph.js'

const builtIns = { peerId: 'me', logger: {} }

describe('service composition', () => {
  it('creates services after what they need, passing provided components on', () => {
    const order: string[] = []
    const membership = defineService({ name: 'swim', needs: ['peerId'], provides: ['membership'] }, () => { order.push('swim'); return { members: 3 } })
    const plumtree = defineService({ name: 'plumtree', needs: ['membership'], provides: ['broadcast'] }, (c: { membership: { members: number } }) => {
      order.push('plumtree')
      return { fanout: c.membership.members }
    })
    const { instances, components } = createServices(builtIns, [plumtree, membership])
    expect(order).toEqual(['swim', 'plumtree'])
    expect(instances.get(plumtree)).toEqual({ fanout: 3 })
    expect(components.broadcast).toBe(instances.get(plumtree))
  })

  it('names the service and the missing component', () => {
    const plumtree = defineService({ name: 'plumtree', needs: ['membership'] }, () => ({}))
    let error: unknown
    try { createServices(builtIns, [plumtree]) } catch (err) { error = err }
    expect(error).toBeInstanceOf(MissingDependencyError)
    expect((error as Error).name).toBe('MissingDependencyError')
    expect((error as Error).message).toContain('"plumtree" needs "membership"')
    expect((error as MissingDependencyError).available).toEqual(['peerId', 'logger'])
  })

  it('refuses two providers of one component, a cycle, and shadowing a built-in', () => {
    const a = defineService({ name: 'a', provides: ['x'] }, () => ({}))
    const b = defineService({ name: 'b', provides: ['x'] }, () => ({}))
    expect(() => createServices(builtIns, [a, b])).toThrow(/"a" and "b" both provide "x"/)
    const c = defineService({ name: 'c', needs: ['y'], provides: ['z'] }, () => ({}))
    const d = defineService({ name: 'd', needs: ['z'], provides: ['y'] }, () => ({}))
    expect(() => createServices(builtIns, [c, d])).toThrow(ServiceConfigurationError)
    const e = defineService({ name: 'e', provides: ['logger'] }, () => ({}))
    expect(() => createServices(builtIns, [e])).toThrow(/built-in/)
  })
})
