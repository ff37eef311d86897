import { describe, expect, it } from '@jest/globals'
import { parseCliArgs, type CliCommand } from '../src/cli/args.js'
import { usageText } from '../src/cli/usage.js'

function usageError (argv: string[]): Error {
  try {
    parseCliArgs(argv)
  } catch (err) {
    return err as Error
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`)
}

describe('parseCliArgs', () => {
  it.each<[string[], CliCommand]>([
    [[], { name: 'help' }],
    [['--help'], { name: 'help' }],
    [['help'], { name: 'help' }],
    [['help', 'send'], { name: 'help', topic: 'send' }],
    [['peers', '--help'], { name: 'help', topic: 'peers' }],
    [['demo', '-h', '--nodes', '0'], { name: 'help', topic: 'demo' }]
  ])('%j is help', (argv, expected) => {
    expect(parseCliArgs(argv)).toEqual(expected)
  })

  it('keeps the flags of start for the config loader', () => {
    const argv = ['--listen', '/ip4/0.0.0.0/tcp/4001', '--no-mdns', '--admin-port=0', '--config', 'mesh.json']
    expect(parseCliArgs(['start', ...argv])).toEqual({ name: 'start', options: { json: false, argv } })
  })

  it('parses the client commands with their timeout and --json', () => {
    expect(parseCliArgs(['status', '--json', '--timeout', '250', '--data-dir', '/d'])).toEqual({
      name: 'status',
      options: { json: true, timeoutMs: 250, argv: ['--json', '--timeout', '250', '--data-dir', '/d'] }
    })
    expect(parseCliArgs(['peers'])).toEqual({ name: 'peers', options: { json: false, timeoutMs: 5000, argv: [] } })
  })

  it('takes the peer and the text of send, joining the words of the text', () => {
    expect(parseCliArgs(['send', '12D3KooWx', 'hello', 'mesh', '--admin-port', '7701'])).toMatchObject({
      name: 'send', peer: '12D3KooWx', text: 'hello mesh'
    })
    expect(parseCliArgs(['send', '12D3KooWx', 'one argument'])).toMatchObject({ peer: '12D3KooWx', text: 'one argument' })
  })

  it('takes the text of broadcast', () => {
    expect(parseCliArgs(['broadcast', 'hi', 'all', '--json'])).toMatchObject({ name: 'broadcast', text: 'hi all', options: { json: true } })
  })

  it('parses demo --nodes and --duration', () => {
    expect(parseCliArgs(['demo'])).toEqual({ name: 'demo', nodes: 3, options: { json: false, argv: [] } })
    expect(parseCliArgs(['demo', '--nodes', '5', '--duration', '1.5', '--log-level', 'warn'])).toMatchObject({
      name: 'demo', nodes: 5, durationMs: 1500
    })
    expect(parseCliArgs(['demo', '-n', '2'])).toMatchObject({ nodes: 2 })
  })

  it('parses keygen', () => {
    expect(parseCliArgs(['keygen', '--json'])).toEqual({ name: 'keygen', options: { json: true, argv: ['--json'] } })
  })

  it.each([
    [['launch'], 'unknown command "launch"'],
    [['--json'], 'expected a command before --json'],
    [['help', 'launch'], 'unknown command "launch"'],
    [['start', '--bogus'], '--bogus'],
    [['start', 'extra'], 'does not take "extra"'],
    [['start', '--json'], '--json is not an option of "start"'],
    [['status', '--listen', '/ip4/0.0.0.0/tcp/1'], '--listen is not an option of "status"'],
    [['keygen', '--data-dir', '/d'], '--data-dir is not an option of "keygen"'],
    [['send', '12D3KooWx'], '"send" is missing arguments'],
    [['broadcast'], '"broadcast" is missing arguments'],
    [['status', '--timeout', 'soon'], '--timeout takes an integer'],
    [['status', '--timeout'], '--timeout'],
    [['demo', '--nodes', '0'], '--nodes takes an integer from 1 to 100'],
    [['demo', '--nodes', '101'], '--nodes takes an integer from 1 to 100'],
    [['demo', '--nodes', '2.5'], '--nodes takes an integer'],
    [['demo', '--duration', '-1'], '--duration'],
    [['demo', '--duration', 'forever'], '--duration']
  ])('refuses %j with a UsageError', (argv, message) => {
    const error = usageError(argv)
    expect(error.name).toBe('UsageError')
    expect(error.message).toContain(message)
  })
})

describe('usageText', () => {
  it('lists every command, and each command has its own text', () => {
    const summary = usageText()
    for (const command of ['start', 'status', 'peers', 'send', 'broadcast', 'demo', 'keygen', 'help']) {
      expect(summary).toContain(`  ${command}`)
      expect(usageText(command as 'start')).toContain(`meshwork ${command}`)
    }
  })
})
