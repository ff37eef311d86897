/**
 * Plugins from module paths: a module's default export, or its export named after the slot
 * (`discovery`, `router`), is a service factory (made with core-mesh's `defineService`), or a
 * function of no arguments that returns one.
 */
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DiscoveryPlugin, RouterPlugin, ServiceFactory } from '@meshwork/core-mesh'
import type { PluginsConfig } from './config/node-config.js'
import { PluginLoadError } from './errors.js'

export type ImportModule = (specifier: string) => Promise<Record<string, unknown>>

export interface LoadedPlugins {
  discovery: Array<ServiceFactory<DiscoveryPlugin, any>>
  router?: ServiceFactory<RouterPlugin, any>
}

/** Imports paths (absolute, or relative to the working directory) as file URLs, anything else as a package name. */
export const importPluginModule: ImportModule = async (specifier) => {
  const isPath = isAbsolute(specifier) || specifier.startsWith('./') || specifier.startsWith('../')
  return await import(isPath ? pathToFileURL(resolve(specifier)).href : specifier) as Record<string, unknown>
}

export async function loadPlugins (config: PluginsConfig, importModule: ImportModule = importPluginModule): Promise<LoadedPlugins> {
  const discovery: Array<ServiceFactory<DiscoveryPlugin, any>> = []
  for (const specifier of config.discovery) {
    discovery.push(await loadFactory<DiscoveryPlugin>(specifier, importModule, 'discovery'))
  }
  if (config.router === undefined) return { discovery }
  return { discovery, router: await loadFactory<RouterPlugin>(config.router, importModule, 'router') }
}

async function loadFactory<Service> (specifier: string, importModule: ImportModule, slot: 'discovery' | 'router'): Promise<ServiceFactory<Service, any>> {
  let module: Record<string, unknown>
  try {
    module = await importModule(specifier)
  } catch (err) {
    throw new PluginLoadError(specifier, `cannot be imported: ${(err as Error).message}`, { cause: err })
  }
  const exported = module.default ?? module[slot]
  if (isServiceFactory(exported)) return exported as ServiceFactory<Service, any>
  if (typeof exported === 'function' && exported.length === 0) {
    let made: unknown
    try {
      made = (exported as () => unknown)()
    } catch (err) {
      throw new PluginLoadError(specifier, `its default export threw: ${(err as Error).message}`, { cause: err })
    }
    if (isServiceFactory(made)) return made as ServiceFactory<Service, any>
  }
  throw new PluginLoadError(specifier, `the default export (or the one named "${slot}") must be a service factory (see defineService) or a function of no arguments returning one`)
}

function isServiceFactory (value: unknown): boolean {
  if (typeof value !== 'function') return false
  const meta = (value as { meta?: unknown }).meta as Record<string, unknown> | undefined
  return typeof meta === 'object' && meta !== null && typeof meta.name === 'string' &&
    Array.isArray(meta.needs) && Array.isArray(meta.provides)
}
