import { describe, expect, it } from '@jest/globals'
import { resolveAdminTarget } from '../src/cli/admin-target.js'
import { memoryFiles } from './fakes.js'

const TOKEN_FILE = 't'.repeat(32)

async function target (argv: string[], env: Record<string, string>, files: Record<string, string>): Promise<{ url: string, token: string }> {
  return await resolveAdminTarget({ argv, env, readFile: memoryFiles(files).readFile, homeDir: '/home/mesh', cwd: '/work' })
}

describe('resolveAdminTarget', () => {
  const written = {
    '/data/admin.json': JSON.stringify({ host: '::1', port: 7801 }),
    '/data/admin.token': `${TOKEN_FILE}\n`,
    '/etc/mesh.json': JSON.stringify({ admin: { port: 7802, token: 'f'.repeat(32) } })
  }

  it('prefers flags, then environment, then admin.json, then the config file, then defaults', async () => {
    expect(await target(['--data-dir', '/data', '--admin-port', '7800'], { MESHWORK_ADMIN_PORT: '7899' }, written)).toEqual({ url: 'http://[::1]:7800', token: TOKEN_FILE })
    expect(await target(['--data-dir', '/data'], { MESHWORK_ADMIN_PORT: '7899' }, written)).toEqual({ url: 'http://[::1]:7899', token: TOKEN_FILE })
    expect(await target(['--data-dir', '/data', '--config', '/etc/mesh.json'], {}, written)).toEqual({ url: 'http://[::1]:7801', token: 'f'.repeat(32) })
    expect(await target(['--data-dir', '/other', '--config', '/etc/mesh.json'], {}, written)).toEqual({ url: 'http://127.0.0.1:7802', token: 'f'.repeat(32) })
    expect(await target([], { MESHWORK_ADMIN_TOKEN: 'e'.repeat(32) }, written)).toEqual({ url: 'http://127.0.0.1:7700', token: 'e'.repeat(32) })
  })

  it('reads the default data directory under the home directory', async () => {
    const files = { '/home/mesh/.meshwork/admin.token': TOKEN_FILE, '/home/mesh/.meshwork/admin.json': JSON.stringify({ host: '127.0.0.1', port: 7805 }) }
    expect(await target([], {}, files)).toEqual({ url: 'http://127.0.0.1:7805', token: TOKEN_FILE })
  })

  it('refuses a corrupt admin.json with CorruptStateError', async () => {
    await expect(target(['--data-dir', '/data'], {}, { '/data/admin.json': '{"host":1}', '/data/admin.token': TOKEN_FILE })).rejects.toMatchObject({ name: 'CorruptStateError' })
  })

  it('refuses with AdminTokenMissingError when there is no token anywhere', async () => {
    await expect(target(['--data-dir', '/data'], {}, {})).rejects.toMatchObject({
      name: 'AdminTokenMissingError',
      message: expect.stringContaining('/data/admin.token')
    })
  })
})
