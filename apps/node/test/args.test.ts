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
    [['demo', '-h', '--nodes', '0'], { name: 'help', topic: 'demo' }],
    [['help', 'dht'], { name: 'help', topic: 'dht' }],
    [['dht', 'get', '--help'], { name: 'help', topic: 'dht' }]
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

  it('parses members and health as client commands', () => {
    expect(parseCliArgs(['members', '--json'])).toEqual({ name: 'members', options: { json: true, timeoutMs: 5000, argv: ['--json'] } })
    expect(parseCliArgs(['health', '--timeout', '900'])).toEqual({ name: 'health', options: { json: false, timeoutMs: 900, argv: ['--timeout', '900'] } })
  })

  it('takes the topic and the text of publish, joining the words of the text', () => {
    expect(parseCliArgs(['publish', 'news', 'hello', 'mesh', '--json'])).toMatchObject({
      name: 'publish', topic: 'news', text: 'hello mesh', options: { json: true }
    })
  })

  it('takes the topic of subscribe and its --count', () => {
    expect(parseCliArgs(['subscribe', 'news'])).toEqual({ name: 'subscribe', topic: 'news', options: { json: false, timeoutMs: 5000, argv: ['news'] } })
    expect(parseCliArgs(['subscribe', 'news', '--count', '3', '--json'])).toMatchObject({ name: 'subscribe', topic: 'news', count: 3, options: { json: true } })
  })

  it.each<[string[], unknown]>([
    [['dht', 'put', 'greeting', 'hello', 'mesh'], { kind: 'put', name: 'greeting', value: 'hello mesh' }],
    [['dht', 'put', 'greeting', 'hi', '--ttl', '60000'], { kind: 'put', name: 'greeting', value: 'hi', ttlMs: 60_000 }],
    [['dht', 'get', 'greeting'], { kind: 'get', name: 'greeting' }],
    [['dht', 'get', '12D3KooWx', 'greeting'], { kind: 'get', owner: '12D3KooWx', name: 'greeting' }],
    [['dht', 'provide', 'service/search'], { kind: 'provide', name: 'service/search' }],
    [['dht', 'find-providers', 'service/search'], { kind: 'find-providers', name: 'service/search' }],
    [['dht', 'find-peer', '12D3KooWx'], { kind: 'find-peer', peer: '12D3KooWx' }]
  ])('parses %j', (argv, action) => {
    expect(parseCliArgs(argv)).toEqual({ name: 'dht', action, options: { json: false, timeoutMs: 30_000, argv: argv.slice(1) } })
  })

  it('gives the dht commands their client flags, with a longer default timeout', () => {
    expect(parseCliArgs(['dht', 'get', 'n', '--json', '--timeout', '900', '--data-dir', '/d'])).toMatchObject({
      name: 'dht', options: { json: true, timeoutMs: 900 }
    })
  })

  it.each<[string[], unknown]>([
    [['kv', 'get', 'greeting'], { kind: 'get', key: 'greeting' }],
    [['kv', 'get', 'greeting', '--consistency', 'lease'], { kind: 'get', key: 'greeting', consistency: 'lease' }],
    [['kv', 'put', 'greeting', 'hello', 'mesh'], { kind: 'put', key: 'greeting', value: 'hello mesh' }],
    [['kv', 'put', 'empty', ''], { kind: 'put', key: 'empty', value: '' }],
    [['kv', 'cas', 'lock', 'old owner', 'new', 'owner'], { kind: 'cas', key: 'lock', expected: 'old owner', value: 'new owner' }],
    [['kv', 'cas', 'lock', '--absent', 'me'], { kind: 'cas', key: 'lock', expected: undefined, value: 'me' }],
    [['kv', 'delete', 'lock'], { kind: 'delete', key: 'lock' }]
  ])('parses %j', (argv, action) => {
    expect(parseCliArgs(argv)).toEqual({ name: 'kv', action, options: { json: false, timeoutMs: 10_000, argv: argv.slice(1) } })
  })

  it('parses raft as a client command', () => {
    expect(parseCliArgs(['raft', '--json'])).toEqual({ name: 'raft', options: { json: true, timeoutMs: 5000, argv: ['--json'] } })
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
    [['demo', '--duration', 'forever'], '--duration'],
    [['dht'], '"dht" needs an action: put, get, provide, find-providers, find-peer'],
    [['dht', 'delete', 'x'], 'unknown dht action "delete"'],
    [['dht', 'put', 'name'], '"dht put" is missing arguments; see "meshwork help dht"'],
    [['dht', 'get'], '"dht get" is missing arguments'],
    [['dht', 'get', 'owner', 'name', 'extra'], '"dht get" does not take "extra"'],
    [['dht', 'provide', 'a', 'b'], '"dht provide" does not take "b"'],
    [['dht', 'find-providers'], '"dht find-providers" is missing arguments'],
    [['dht', 'find-peer'], '"dht find-peer" is missing arguments'],
    [['dht', 'get', 'name', '--ttl', '5'], '--ttl is an option of "dht put" only'],
    [['dht', 'put', 'n', 'v', '--ttl', 'soon'], '--ttl takes an integer'],
    [['dht', 'put', 'n', 'v', '--ttl', '0'], '--ttl takes an integer'],
    [['dht', 'get', 'n', '--listen', '/ip4/0.0.0.0/tcp/1'], '--listen is not an option of "dht"'],
    [['status', '--ttl', '5'], '--ttl is not an option of "status"'],
    [['members', 'extra'], '"members" does not take "extra"'],
    [['health', '--region', 'eu'], '--region is not an option of "health"'],
    [['publish', 'news'], '"publish" is missing arguments'],
    [['subscribe'], '"subscribe" is missing arguments'],
    [['subscribe', 'news', 'sport'], '"subscribe" does not take "sport"'],
    [['subscribe', 'news', '--count', '0'], '--count takes an integer'],
    [['subscribe', 'news', '--count', 'all'], '--count takes an integer'],
    [['publish', 'news', 'hi', '--count', '1'], '--count is not an option of "publish"'],
    [['kv'], '"kv" needs an action: get, put, cas, delete'],
    [['kv', 'list'], 'unknown kv action "list"'],
    [['kv', 'get'], '"kv get" is missing arguments; see "meshwork help kv"'],
    [['kv', 'get', 'a', 'b'], '"kv get" does not take "b"'],
    [['kv', 'get', 'a', '--consistency', 'eventual'], '--consistency takes one of linearizable, lease, local, got "eventual"'],
    [['kv', 'put', 'a'], '"kv put" is missing arguments'],
    [['kv', 'put', 'a', 'v', '--consistency', 'local'], '--consistency is an option of "kv get" only'],
    [['kv', 'get', 'a', '--absent'], '--absent is an option of "kv cas" only'],
    [['kv', 'cas', 'a', 'b'], '"kv cas" is missing arguments'],
    [['kv', 'cas', 'a', '--absent'], '"kv cas" is missing arguments'],
    [['kv', 'delete'], '"kv delete" is missing arguments'],
    [['kv', 'delete', 'a', 'b'], '"kv delete" does not take "b"'],
    [['kv', 'get', 'a', '--ttl', '5'], '--ttl is not an option of "kv"'],
    [['raft', 'control'], '"raft" does not take "control"'],
    [['raft', '--consistency', 'local'], '--consistency is not an option of "raft"'],
    [['status', '--absent'], '--absent is not an option of "status"']
  ])('refuses %j with a UsageError', (argv, message) => {
    const error = usageError(argv)
    expect(error.name).toBe('UsageError')
    expect(error.message).toContain(message)
  })
})

describe('usageText', () => {
  it('lists every command, and each command has its own text', () => {
    const summary = usageText()
    for (const command of ['start', 'status', 'health', 'peers', 'members', 'send', 'broadcast', 'publish', 'subscribe', 'dht', 'kv', 'raft', 'demo', 'keygen', 'help']) {
      expect(summary).toContain(`  ${command}`)
      expect(usageText(command as 'start')).toContain(`meshwork ${command}`)
    }
  })

  it('documents every dht action and the DHT flags of start', () => {
    for (const action of ['put <name> <value> [--ttl <ms>]', 'get [<owner>] <name>', 'provide <name>', 'find-providers <name>', 'find-peer <peer id>']) {
      expect(usageText('dht')).toContain(action)
    }
    expect(usageText('dht')).toContain('(default 30000)')
    for (const flag of ['--dht, --no-dht', '--dht-network', '--dht-mesh-id', '--dht-mode']) expect(usageText('start')).toContain(flag)
  })

  it('documents the gossip flags of start and demo, and the --count of subscribe', () => {
    const flags = ['--gossip, --no-gossip', '--pubsub, --no-pubsub', '--probe-interval-ms', '--probe-timeout-ms', '--gossip-interval-ms', '--suspicion-mult', '--region', '--roles', '--tags']
    for (const flag of flags) {
      expect(usageText('start')).toContain(flag)
      expect(usageText('demo')).toContain(flag)
    }
    expect(usageText('subscribe')).toContain('--count <n>')
  })

  it('documents every kv action, the cas exit code, and the consensus flags of start', () => {
    for (const action of ['get <key> [--consistency <c>]', 'put <key> <value>', 'cas <key> <expected> <value>', 'cas <key> --absent <value>', 'delete <key>']) {
      expect(usageText('kv')).toContain(action)
    }
    expect(usageText('kv')).toContain('exits 3 (CompareAndSetFailedError)')
    expect(usageText('kv')).toContain('(default 10000)')
    expect(usageText()).toContain('3 the condition did not hold (kv cas found another value)')
    for (const flag of ['--consensus, --no-consensus', '--consensus-tick-ms', '--consensus-election-ticks', '--consensus-read-only', '--consensus-max-voters']) {
      expect(usageText('start')).toContain(flag)
    }
    expect(usageText('raft')).toContain('QUORUM')
  })
})
