import { describe, expect, it } from '@jest/globals'
import { defineService } from '@meshwork/core-mesh'
import { loadPlugins, type ImportModule } from '../src/plugins.js'
import { rejectionName } from './fakes.js'

const discovery = defineService({ name: 'test-discovery' }, () => ({ name: 'test', start: async () => {}, stop: async () => {} }))
const router = defineService({ name: 'test-router' }, () => ({ name: 'router' }))

const modules: Record<string, Record<string, unknown>> = {
  '/plugins/discovery.js': { default: discovery },
  'router-package': { default: () => router },
  '/plugins/empty.js': { named: discovery },
  '/plugins/needs-init.js': { default: (init: unknown) => init }
}

const importModule: ImportModule = async (specifier) => {
  const module = modules[specifier]
  if (module === undefined) throw new Error(`Cannot find module '${specifier}'`)
  return module
}

describe('loadPlugins', () => {
  it('takes a default-exported factory, or calls a no-argument function for one', async () => {
    const loaded = await loadPlugins({ discovery: ['/plugins/discovery.js'], router: 'router-package' }, importModule)
    expect(loaded.discovery).toEqual([discovery])
    expect(loaded.router).toBe(router)
  })

  it('loads nothing when nothing is configured', async () => {
    expect(await loadPlugins({ discovery: [] }, importModule)).toEqual({ discovery: [] })
  })

  it.each(['/plugins/missing.js', '/plugins/empty.js', '/plugins/needs-init.js'])('refuses %s with a PluginLoadError naming it', async (specifier) => {
    await expect(loadPlugins({ discovery: [specifier] }, importModule)).rejects.toMatchObject({
      name: 'PluginLoadError',
      message: expect.stringContaining(specifier)
    })
  })

  it('refuses a bad router plugin', async () => {
    expect(await rejectionName(loadPlugins({ discovery: [], router: '/plugins/empty.js' }, importModule))).toBe('PluginLoadError')
  })
})
