/**
 * `meshwork <command> [arguments] [flags]`, parsed with node:util parseArgs. Each command accepts
 * only its own flags; anything else is a UsageError (exit code 2). Config flag *values* are
 * checked later, by `loadNodeConfig`, which names the flag in its error.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import type { ReadConsistency } from '@meshwork/consensus'
import { READ_CONSISTENCIES } from '../admin/consensus-answers.js'
import { CONFIG_FIELDS, CONFIG_FILE_FLAG, CONFIG_FLAG_OPTIONS } from '../config/config-sources.js'
import {
  DEFAULT_CLIENT_TIMEOUT_MS, DEFAULT_DEMO_NODES, DEFAULT_DHT_CLIENT_TIMEOUT_MS, DEFAULT_KV_CLIENT_TIMEOUT_MS, MAX_DEMO_NODES
} from '../constants.js'
import { UsageError } from '../errors.js'

export const COMMANDS = [
  'start', 'status', 'health', 'peers', 'members', 'send', 'broadcast', 'publish', 'subscribe', 'dht', 'kv', 'raft', 'demo', 'keygen', 'help'
] as const
export type CommandName = typeof COMMANDS[number]

/** What `meshwork dht <action>` does, on the running node's DHT. */
export type DhtAction =
  | { kind: 'put', name: string, value: string, ttlMs?: number }
  | { kind: 'get', owner?: string, name: string }
  | { kind: 'provide', name: string }
  | { kind: 'find-providers', name: string }
  | { kind: 'find-peer', peer: string }

export const DHT_ACTIONS: ReadonlyArray<DhtAction['kind']> = ['put', 'get', 'provide', 'find-providers', 'find-peer']

/** What `meshwork kv <action>` does, on the running node's replicated key-value store. */
export type KvAction =
  | { kind: 'get', key: string, consistency?: ReadConsistency }
  | { kind: 'put', key: string, value: string }
  /** `expected` undefined: the key must be absent (`--absent`). */
  | { kind: 'cas', key: string, expected: string | undefined, value: string }
  | { kind: 'delete', key: string }

export const KV_ACTIONS: ReadonlyArray<KvAction['kind']> = ['get', 'put', 'cas', 'delete']

export interface CommonOptions {
  /** Machine-readable JSON on stdout instead of tables. */
  json: boolean
  /** The arguments after the command name, for `loadNodeConfig` and the admin target. */
  argv: string[]
}

export interface ClientOptions extends CommonOptions {
  /** How long to wait for the admin API. */
  timeoutMs: number
}

export type CliCommand =
  | { name: 'help', topic?: CommandName }
  | { name: 'start', options: CommonOptions }
  | { name: 'status', options: ClientOptions }
  | { name: 'health', options: ClientOptions }
  | { name: 'peers', options: ClientOptions }
  | { name: 'members', options: ClientOptions }
  | { name: 'send', peer: string, text: string, options: ClientOptions }
  | { name: 'broadcast', text: string, options: ClientOptions }
  | { name: 'publish', topic: string, text: string, options: ClientOptions }
  /** `count`: exit after this many messages; without it, run until interrupted. */
  | { name: 'subscribe', topic: string, count?: number, options: ClientOptions }
  | { name: 'dht', action: DhtAction, options: ClientOptions }
  | { name: 'kv', action: KvAction, options: ClientOptions }
  | { name: 'raft', options: ClientOptions }
  | { name: 'demo', nodes: number, durationMs?: number, options: CommonOptions }
  | { name: 'keygen', options: CommonOptions }

export type StartCommand = Extract<CliCommand, { name: 'start' }>
export type DemoCommand = Extract<CliCommand, { name: 'demo' }>
export type StatusCommand = Extract<CliCommand, { name: 'status' }>
export type HealthCommand = Extract<CliCommand, { name: 'health' }>
export type PeersCommand = Extract<CliCommand, { name: 'peers' }>
export type MembersCommand = Extract<CliCommand, { name: 'members' }>
export type SendCommand = Extract<CliCommand, { name: 'send' }>
export type BroadcastCommand = Extract<CliCommand, { name: 'broadcast' }>
export type PublishCommand = Extract<CliCommand, { name: 'publish' }>
export type SubscribeCommand = Extract<CliCommand, { name: 'subscribe' }>
export type DhtCommand = Extract<CliCommand, { name: 'dht' }>
export type KvCommand = Extract<CliCommand, { name: 'kv' }>
export type RaftCommand = Extract<CliCommand, { name: 'raft' }>
export type KeygenCommand = Extract<CliCommand, { name: 'keygen' }>

const COMMAND_OPTIONS: ParseArgsOptionsConfig = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  timeout: { type: 'string' },
  nodes: { type: 'string', short: 'n' },
  duration: { type: 'string' },
  ttl: { type: 'string' },
  count: { type: 'string' },
  consistency: { type: 'string' },
  absent: { type: 'boolean' }
}

const ALL_OPTIONS: ParseArgsOptionsConfig = { ...CONFIG_FLAG_OPTIONS, ...COMMAND_OPTIONS }

const NODE_FLAGS: readonly string[] = [CONFIG_FILE_FLAG, ...Object.values(CONFIG_FIELDS).map(field => field.flag)]
/** What a client command needs to find and authenticate to a running node. */
const CLIENT_FLAGS: readonly string[] = [
  CONFIG_FILE_FLAG, CONFIG_FIELDS.dataDir.flag, CONFIG_FIELDS['admin.host'].flag,
  CONFIG_FIELDS['admin.port'].flag, CONFIG_FIELDS['admin.token'].flag, 'json', 'timeout'
]

/** The flags each command accepts (besides --help). */
export const COMMAND_FLAGS: Readonly<Record<CommandName, readonly string[]>> = {
  start: NODE_FLAGS,
  status: CLIENT_FLAGS,
  health: CLIENT_FLAGS,
  peers: CLIENT_FLAGS,
  members: CLIENT_FLAGS,
  send: CLIENT_FLAGS,
  broadcast: CLIENT_FLAGS,
  publish: CLIENT_FLAGS,
  subscribe: [...CLIENT_FLAGS, 'count'],
  dht: [...CLIENT_FLAGS, 'ttl'],
  kv: [...CLIENT_FLAGS, 'consistency', 'absent'],
  raft: CLIENT_FLAGS,
  demo: [...NODE_FLAGS, 'nodes', 'duration', 'json'],
  keygen: ['json'],
  help: []
}

export function isCommandName (name: string): name is CommandName {
  return (COMMANDS as readonly string[]).includes(name)
}

/** Parses the arguments after `meshwork`. @throws UsageError */
export function parseCliArgs (argv: readonly string[]): CliCommand {
  const [first, ...rest] = argv
  if (first === undefined || first === '--help' || first === '-h') return { name: 'help' }
  if (!isCommandName(first)) {
    throw new UsageError(first.startsWith('-') ? `expected a command before ${first}` : `unknown command "${first}"`)
  }
  const name = first
  const { values, positionals, tokens } = parse(rest)
  if (values.help === true) return { name: 'help', topic: name }

  const allowed = COMMAND_FLAGS[name]
  for (const token of tokens) {
    if (token.kind === 'option' && token.name !== 'help' && !allowed.includes(token.name)) {
      throw new UsageError(`${token.rawName} is not an option of "${name}"`)
    }
  }

  const common: CommonOptions = { json: values.json === true, argv: [...rest] }
  switch (name) {
    case 'help': {
      expectPositionals(name, positionals, 0, 1)
      const topic = positionals[0]
      if (topic === undefined) return { name }
      if (!isCommandName(topic)) throw new UsageError(`unknown command "${topic}"`)
      return { name, topic }
    }
    case 'start':
    case 'keygen':
      expectPositionals(name, positionals, 0, 0)
      return { name, options: common }
    case 'status':
    case 'health':
    case 'peers':
    case 'members':
    case 'raft':
      expectPositionals(name, positionals, 0, 0)
      return { name, options: clientOptions(common, values) }
    case 'send': {
      expectPositionals(name, positionals, 2, Infinity)
      const [peer, ...words] = positionals
      return { name, peer, text: words.join(' '), options: clientOptions(common, values) }
    }
    case 'broadcast':
      expectPositionals(name, positionals, 1, Infinity)
      return { name, text: positionals.join(' '), options: clientOptions(common, values) }
    case 'publish': {
      expectPositionals(name, positionals, 2, Infinity)
      const [topic, ...words] = positionals
      return { name, topic, text: words.join(' '), options: clientOptions(common, values) }
    }
    case 'subscribe': {
      expectPositionals(name, positionals, 1, 1)
      const count = values.count === undefined ? {} : { count: integerFlag('--count', values.count, 1, Number.MAX_SAFE_INTEGER) }
      return { name, topic: positionals[0], ...count, options: clientOptions(common, values) }
    }
    case 'dht':
      return { name, action: dhtAction(positionals, values), options: clientOptions(common, values, DEFAULT_DHT_CLIENT_TIMEOUT_MS) }
    case 'kv':
      return { name, action: kvAction(positionals, values), options: clientOptions(common, values, DEFAULT_KV_CLIENT_TIMEOUT_MS) }
    case 'demo': {
      expectPositionals(name, positionals, 0, 0)
      const nodes = values.nodes === undefined ? DEFAULT_DEMO_NODES : integerFlag('--nodes', values.nodes, 1, MAX_DEMO_NODES)
      if (values.duration === undefined) return { name, nodes, options: common }
      const seconds = Number(values.duration)
      if (typeof values.duration !== 'string' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(`--duration takes a number of seconds above 0, got "${String(values.duration)}"`)
      }
      return { name, nodes, durationMs: Math.round(seconds * 1000), options: common }
    }
  }
}

type ParsedValues = Record<string, string | boolean | Array<string | boolean> | undefined>

interface Parsed {
  values: ParsedValues
  positionals: string[]
  tokens: Array<{ kind: 'option', name: string, rawName: string } | { kind: 'positional' | 'option-terminator' }>
}

function parse (args: readonly string[]): Parsed {
  try {
    return parseArgs({ args: [...args], options: ALL_OPTIONS, strict: true, allowPositionals: true, allowNegative: true, tokens: true }) as Parsed
  } catch (err) {
    // parseArgs throws TypeErrors with a `code` (ERR_PARSE_ARGS_UNKNOWN_OPTION, …) and a good message.
    throw new UsageError((err as Error).message, { cause: err })
  }
}

function clientOptions (common: CommonOptions, values: ParsedValues, defaultTimeoutMs = DEFAULT_CLIENT_TIMEOUT_MS): ClientOptions {
  const timeoutMs = values.timeout === undefined
    ? defaultTimeoutMs
    : integerFlag('--timeout', values.timeout, 1, 3_600_000)
  return { ...common, timeoutMs }
}

/** `dht <action> [arguments]`; `--ttl` belongs to `dht put` only. */
function dhtAction ([kind, ...args]: readonly string[], values: ParsedValues): DhtAction {
  if (kind === undefined) throw new UsageError(`"dht" needs an action: ${DHT_ACTIONS.join(', ')}`)
  if (!(DHT_ACTIONS as readonly string[]).includes(kind)) throw new UsageError(`unknown dht action "${kind}"; the actions are ${DHT_ACTIONS.join(', ')}`)
  if (kind !== 'put' && values.ttl !== undefined) throw new UsageError('--ttl is an option of "dht put" only')
  const expect = (min: number, max: number): void => { expectPositionals(`dht ${kind}`, args, min, max, 'dht') }
  switch (kind as DhtAction['kind']) {
    case 'put': {
      expect(2, Infinity)
      const [name, ...words] = args
      const ttl = values.ttl === undefined ? {} : { ttlMs: integerFlag('--ttl', values.ttl, 1, Number.MAX_SAFE_INTEGER) }
      return { kind: 'put', name, value: words.join(' '), ...ttl }
    }
    case 'get':
      expect(1, 2)
      return args.length === 2 ? { kind: 'get', owner: args[0], name: args[1] } : { kind: 'get', name: args[0] }
    case 'provide':
      expect(1, 1)
      return { kind: 'provide', name: args[0] }
    case 'find-providers':
      expect(1, 1)
      return { kind: 'find-providers', name: args[0] }
    case 'find-peer':
      expect(1, 1)
      return { kind: 'find-peer', peer: args[0] }
  }
}

/** `kv <action> [arguments]`; `--consistency` belongs to `kv get`, `--absent` to `kv cas`. */
function kvAction ([kind, ...args]: readonly string[], values: ParsedValues): KvAction {
  if (kind === undefined) throw new UsageError(`"kv" needs an action: ${KV_ACTIONS.join(', ')}`)
  if (!(KV_ACTIONS as readonly string[]).includes(kind)) throw new UsageError(`unknown kv action "${kind}"; the actions are ${KV_ACTIONS.join(', ')}`)
  if (kind !== 'get' && values.consistency !== undefined) throw new UsageError('--consistency is an option of "kv get" only')
  if (kind !== 'cas' && values.absent !== undefined) throw new UsageError('--absent is an option of "kv cas" only')
  const expect = (min: number, max: number): void => { expectPositionals(`kv ${kind}`, args, min, max, 'kv') }
  switch (kind as KvAction['kind']) {
    case 'get': {
      expect(1, 1)
      if (values.consistency === undefined) return { kind: 'get', key: args[0] }
      const consistency = String(values.consistency)
      if (!(READ_CONSISTENCIES as readonly string[]).includes(consistency)) {
        throw new UsageError(`--consistency takes one of ${READ_CONSISTENCIES.join(', ')}, got "${consistency}"`)
      }
      return { kind: 'get', key: args[0], consistency: consistency as ReadConsistency }
    }
    case 'put': {
      expect(2, Infinity)
      const [key, ...words] = args
      return { kind: 'put', key, value: words.join(' ') }
    }
    case 'cas': {
      // `cas <key> <expected> <value…>`, or `cas <key> --absent <value…>`.
      if (values.absent === true) {
        expect(2, Infinity)
        const [key, ...words] = args
        return { kind: 'cas', key, expected: undefined, value: words.join(' ') }
      }
      expect(3, Infinity)
      const [key, expected, ...words] = args
      return { kind: 'cas', key, expected, value: words.join(' ') }
    }
    case 'delete':
      expect(1, 1)
      return { kind: 'delete', key: args[0] }
  }
}

function integerFlag (flag: string, value: ParsedValues[string], min: number, max: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${flag} takes an integer from ${min} to ${max}, got "${String(value)}"`)
  }
  return number
}

/** `command` as the user typed it (`dht get`); `topic` is its help page. */
function expectPositionals (command: string, positionals: readonly string[], min: number, max: number, topic = command): void {
  if (positionals.length < min) throw new UsageError(`"${command}" is missing arguments; see "meshwork help ${topic}"`)
  if (positionals.length > max) throw new UsageError(`"${command}" does not take "${positionals[max]}"`)
}
