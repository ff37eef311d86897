import { MissingDependencyError, ServiceConfigurationError } from './errors.js'
import type { ServiceFactory } from './interfaces/service.js'


/**
 * Create services in dependency order. Each factory's `needs` must be satisfied by the
 * built-in components or by what an earlier service `provides`; a missing key fails with
 * an error naming the service and the key, a cycle or a key provided twice with one naming
 * every service involved.
 */
export function createServices (
  builtIns: Record<string, unknown>,
  factories: ReadonlyArray<ServiceFactory<unknown, any>>
): { instances: Map<ServiceFactory<unknown, any>, unknown>, components: Record<string, unknown> } {
  const components: Record<string, unknown> = { ...builtIns }
  const providers = new Map<string, string>()
  for (const factory of factories) {
    if (factory.meta === undefined) throw new ServiceConfigurationError('a service factory has no meta: build it with defineService()')
    for (const key of factory.meta.provides) {
      if (key in builtIns) throw new ServiceConfigurationError(`service "${factory.meta.name}" provides "${key}", which is a built-in component`)
      const other = providers.get(key)
      if (other !== undefined) throw new ServiceConfigurationError(`services "${other}" and "${factory.meta.name}" both provide "${key}"`)
      providers.set(key, factory.meta.name)
    }
  }
  for (const factory of factories) {
    for (const need of factory.meta.needs) {
      if (!(need in builtIns) && !providers.has(need)) {
        throw new MissingDependencyError(factory.meta.name, need, [...Object.keys(builtIns), ...providers.keys()])
      }
    }
  }

  const instances = new Map<ServiceFactory<unknown, any>, unknown>()
  let pending = [...factories]
  while (pending.length > 0) {
    const ready = pending.filter(f => f.meta.needs.every(need => need in components))
    if (ready.length === 0) {
      throw new ServiceConfigurationError(`services need each other in a cycle: ${pending.map(f => `${f.meta.name} (needs ${f.meta.needs.join(', ')})`).join('; ')}`)
    }
    for (const factory of ready) {
      const instance = factory(components)
      for (const key of factory.meta.provides) components[key] = instance
      instances.set(factory, instance)
    }
    pending = pending.filter(f => !ready.includes(f))
  }
  return { instances, components }
}
