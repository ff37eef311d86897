/**
 * The three places a setting can come from — flags, `MESHWORK_*` environment variables and a
 * JSON config file — read into one lookup that answers with the value *and* where it came from,
 * so that every validation error can name both the field and its source.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import { dirname, isAbsolute, resolve } from 'node:path'
import { InvalidConfigError } from '@meshwork/core-mesh'
import { isNotFound, type ReadText } from '../text-files.js'

export type ConfigSource =
  | { kind: 'flag', flag: string }
  | { kind: 'env', variable: string }
  | { kind: 'file', path: string }
  | { kind: 'data-dir', path: string }
  | { kind: 'default' }

export function describeSource (source: ConfigSource): string {
  switch (source.kind) {
    case 'flag': return `flag --${source.flag}`
    case 'env': return `environment variable ${source.variable}`
    case 'file': return `config file ${source.path}`
    case 'data-dir': return `file ${source.path}`
    case 'default': return 'the default'
  }
}

type FieldType = 'string' | 'list' | 'integer' | 'port' | 'boolean' | 'tags'

interface FieldSpec {
  /** The long flag, without `--`. */
  readonly flag: string
  readonly env: string
  readonly type: FieldType
}

/**
 * Every setting that flags, environment and file can give. Keys are the field paths in
 * `NodeConfig` and in the config file (`admin.port` is `{ "admin": { "port": … } }`).
 * Lists are comma-separated in the environment; a list flag may be repeated or comma-separated.
 * Tags are a list of `key=value` on the command line and in the environment, an object of
 * strings in the file.
 */
export const CONFIG_FIELDS = {
  listen: { flag: 'listen', env: 'MESHWORK_LISTEN', type: 'list' },
  announce: { flag: 'announce', env: 'MESHWORK_ANNOUNCE', type: 'list' },
  bootstrap: { flag: 'bootstrap', env: 'MESHWORK_BOOTSTRAP', type: 'list' },
  dataDir: { flag: 'data-dir', env: 'MESHWORK_DATA_DIR', type: 'string' },
  joinPolicy: { flag: 'join-policy', env: 'MESHWORK_JOIN_POLICY', type: 'string' },
  meshKey: { flag: 'mesh-key', env: 'MESHWORK_MESH_KEY', type: 'string' },
  allow: { flag: 'allow', env: 'MESHWORK_ALLOW', type: 'list' },
  denylist: { flag: 'deny', env: 'MESHWORK_DENYLIST', type: 'list' },
  maxConnections: { flag: 'max-connections', env: 'MESHWORK_MAX_CONNECTIONS', type: 'integer' },
  maxFrameBytes: { flag: 'max-frame-bytes', env: 'MESHWORK_MAX_FRAME_BYTES', type: 'integer' },
  messagesPerSecond: { flag: 'messages-per-second', env: 'MESHWORK_MESSAGES_PER_SECOND', type: 'integer' },
  bytesPerSecond: { flag: 'bytes-per-second', env: 'MESHWORK_BYTES_PER_SECOND', type: 'integer' },
  heartbeatIntervalMs: { flag: 'heartbeat-interval-ms', env: 'MESHWORK_HEARTBEAT_INTERVAL_MS', type: 'integer' },
  heartbeatTimeoutMs: { flag: 'heartbeat-timeout-ms', env: 'MESHWORK_HEARTBEAT_TIMEOUT_MS', type: 'integer' },
  mdns: { flag: 'mdns', env: 'MESHWORK_MDNS', type: 'boolean' },
  'admin.host': { flag: 'admin-host', env: 'MESHWORK_ADMIN_HOST', type: 'string' },
  'admin.port': { flag: 'admin-port', env: 'MESHWORK_ADMIN_PORT', type: 'port' },
  'admin.token': { flag: 'admin-token', env: 'MESHWORK_ADMIN_TOKEN', type: 'string' },
  metricsPort: { flag: 'metrics-port', env: 'MESHWORK_METRICS_PORT', type: 'port' },
  logFormat: { flag: 'log-format', env: 'MESHWORK_LOG_FORMAT', type: 'string' },
  logLevel: { flag: 'log-level', env: 'MESHWORK_LOG_LEVEL', type: 'string' },
  'plugins.discovery': { flag: 'discovery-plugin', env: 'MESHWORK_DISCOVERY_PLUGINS', type: 'list' },
  'plugins.router': { flag: 'router-plugin', env: 'MESHWORK_ROUTER_PLUGIN', type: 'string' },
  'dht.enabled': { flag: 'dht', env: 'MESHWORK_DHT', type: 'boolean' },
  'dht.network': { flag: 'dht-network', env: 'MESHWORK_DHT_NETWORK', type: 'string' },
  'dht.meshId': { flag: 'dht-mesh-id', env: 'MESHWORK_DHT_MESH_ID', type: 'string' },
  'dht.mode': { flag: 'dht-mode', env: 'MESHWORK_DHT_MODE', type: 'string' },
  'gossip.enabled': { flag: 'gossip', env: 'MESHWORK_GOSSIP', type: 'boolean' },
  'gossip.pubsub': { flag: 'pubsub', env: 'MESHWORK_PUBSUB', type: 'boolean' },
  'gossip.probeIntervalMs': { flag: 'probe-interval-ms', env: 'MESHWORK_PROBE_INTERVAL_MS', type: 'integer' },
  'gossip.probeTimeoutMs': { flag: 'probe-timeout-ms', env: 'MESHWORK_PROBE_TIMEOUT_MS', type: 'integer' },
  'gossip.gossipIntervalMs': { flag: 'gossip-interval-ms', env: 'MESHWORK_GOSSIP_INTERVAL_MS', type: 'integer' },
  'gossip.suspicionMult': { flag: 'suspicion-mult', env: 'MESHWORK_SUSPICION_MULT', type: 'integer' },
  'gossip.region': { flag: 'region', env: 'MESHWORK_REGION', type: 'string' },
  'gossip.roles': { flag: 'roles', env: 'MESHWORK_ROLES', type: 'list' },
  'gossip.tags': { flag: 'tags', env: 'MESHWORK_TAGS', type: 'tags' },
  'consensus.enabled': { flag: 'consensus', env: 'MESHWORK_CONSENSUS', type: 'boolean' },
  'consensus.tickMs': { flag: 'consensus-tick-ms', env: 'MESHWORK_CONSENSUS_TICK_MS', type: 'integer' },
  'consensus.electionTicks': { flag: 'consensus-election-ticks', env: 'MESHWORK_CONSENSUS_ELECTION_TICKS', type: 'integer' },
  'consensus.readOnly': { flag: 'consensus-read-only', env: 'MESHWORK_CONSENSUS_READ_ONLY', type: 'string' },
  'consensus.maxVoters': { flag: 'consensus-max-voters', env: 'MESHWORK_CONSENSUS_MAX_VOTERS', type: 'integer' }
} as const satisfies Record<string, FieldSpec>

export type FieldKey = keyof typeof CONFIG_FIELDS

type ValueOfType<T extends FieldType> =
  T extends 'list' ? string[]
    : T extends 'integer' | 'port' ? number
      : T extends 'boolean' ? boolean
        : T extends 'tags' ? Record<string, string>
          : string

export type FieldValue<K extends FieldKey> = ValueOfType<(typeof CONFIG_FIELDS)[K]['type']>

export interface Picked<T> {
  value: T
  source: ConfigSource
}

/** The flag and variable naming the config file itself. */
export const CONFIG_FILE_FLAG = 'config'
export const CONFIG_FILE_ENV = 'MESHWORK_CONFIG'

/** `node:util` parseArgs options for every config flag and `--config`; `--no-mdns`, `--no-dht`, `--no-gossip`, `--no-consensus` work. */
export const CONFIG_FLAG_OPTIONS: ParseArgsOptionsConfig = Object.fromEntries([
  [CONFIG_FILE_FLAG, { type: 'string' }],
  ...Object.values(CONFIG_FIELDS).map((spec: FieldSpec) => [
    spec.flag,
    spec.type === 'boolean' ? { type: 'boolean' } : isListLike(spec.type) ? { type: 'string', multiple: true } : { type: 'string' }
  ])
])

function isListLike (type: FieldType): boolean {
  return type === 'list' || type === 'tags'
}

export interface ReadConfigSourcesOptions {
  argv: readonly string[]
  env: Readonly<Record<string, string | undefined>>
  readFile: ReadText
  /** Relative paths on the command line and in the environment are resolved against this. */
  cwd: string
}

type RawValue = unknown

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off'])

/** The layered settings: flags over environment over config file. */
export class ConfigSources {
  private constructor (
    private readonly flags: Readonly<Record<string, RawValue>>,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly file: ReadonlyMap<string, RawValue>,
    /** The config file that was read, if any. */
    readonly configPath: string | undefined
  ) {}

  static async read (options: ReadConfigSourcesOptions): Promise<ConfigSources> {
    // Strict parsing (unknown flags, missing values) is the CLI's job; here a flag that is not
    // a config flag is simply not a setting.
    const { values } = parseArgs({
      args: [...options.argv],
      options: CONFIG_FLAG_OPTIONS,
      strict: false,
      allowPositionals: true,
      allowNegative: true
    })
    const flags: Record<string, RawValue> = { ...values }
    let configPath: string | undefined
    let configSource: ConfigSource | undefined
    const flagPath = flags[CONFIG_FILE_FLAG]
    if (flagPath !== undefined) {
      if (typeof flagPath !== 'string' || flagPath === '') throw new InvalidConfigError('flag --config needs a file path')
      configPath = resolve(options.cwd, flagPath)
      configSource = { kind: 'flag', flag: CONFIG_FILE_FLAG }
    } else if (nonEmpty(options.env[CONFIG_FILE_ENV]) !== undefined) {
      configPath = resolve(options.cwd, options.env[CONFIG_FILE_ENV] as string)
      configSource = { kind: 'env', variable: CONFIG_FILE_ENV }
    }
    const file = configPath === undefined || configSource === undefined
      ? new Map<string, RawValue>()
      : await readConfigFile(configPath, configSource, options.readFile)
    return new ConfigSources(flags, options.env, file, configPath)
  }

  /** The value of a field from the highest layer that sets it, parsed to its type. */
  pick<K extends FieldKey> (key: K): Picked<FieldValue<K>> | undefined {
    const spec: FieldSpec = CONFIG_FIELDS[key]
    const flagValue = this.flags[spec.flag]
    if (flagValue !== undefined) {
      const source: ConfigSource = { kind: 'flag', flag: spec.flag }
      return { value: parseFlag(key, spec, flagValue, source) as FieldValue<K>, source }
    }
    const envValue = nonEmpty(this.env[spec.env])
    if (envValue !== undefined) {
      const source: ConfigSource = { kind: 'env', variable: spec.env }
      return { value: parseText(key, spec, envValue, source) as FieldValue<K>, source }
    }
    if (this.file.has(key) && this.configPath !== undefined) {
      const source: ConfigSource = { kind: 'file', path: this.configPath }
      return { value: parseJson(key, spec, this.file.get(key), source) as FieldValue<K>, source }
    }
    return undefined
  }

  /** Resolves a path given by `source`: config file values are relative to the file. */
  resolvePath (path: string, source: ConfigSource, cwd: string): string {
    if (isAbsolute(path)) return path
    return source.kind === 'file' ? resolve(dirname(source.path), path) : resolve(cwd, path)
  }
}

/** Builds the error every config problem raises: the field, the problem, the source. */
export function configError (key: string, problem: string, source: ConfigSource): InvalidConfigError {
  return new InvalidConfigError(`${key}: ${problem} (from ${describeSource(source)})`)
}

function nonEmpty (value: string | undefined): string | undefined {
  // An empty variable counts as unset, as compose files and shells often leave them.
  return value === undefined || value.trim() === '' ? undefined : value
}

async function readConfigFile (path: string, source: ConfigSource, readFile: ReadText): Promise<Map<string, RawValue>> {
  let text: string
  try {
    text = await readFile(path)
  } catch (err) {
    const problem = isNotFound(err) ? 'does not exist' : 'cannot be read'
    throw new InvalidConfigError(`config file ${path} ${problem} (named by ${describeSource(source)})`, { cause: err })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new InvalidConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err })
  }
  if (!isPlainObject(parsed)) throw new InvalidConfigError(`config file ${path} must hold a JSON object`)
  const fields = new Map<string, RawValue>()
  flatten(parsed, '', fields, path)
  return fields
}

function flatten (object: Record<string, unknown>, prefix: string, into: Map<string, RawValue>, path: string): void {
  for (const [name, value] of Object.entries(object)) {
    const key = prefix + name
    if (key in CONFIG_FIELDS) {
      into.set(key, value)
    } else if (prefix === '' && isSection(name) && isPlainObject(value)) {
      flatten(value, `${name}.`, into, path)
    } else if (prefix === '' && isSection(name)) {
      throw new InvalidConfigError(`${key}: expected an object (from config file ${path})`)
    } else {
      throw new InvalidConfigError(`${key}: unknown field (from config file ${path})`)
    }
  }
}

function isSection (name: string): boolean {
  return Object.keys(CONFIG_FIELDS).some(key => key.startsWith(`${name}.`))
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function parseFlag (key: string, spec: FieldSpec, raw: RawValue, source: ConfigSource): FieldValue<FieldKey> {
  if (spec.type === 'boolean') {
    if (typeof raw !== 'boolean') throw configError(key, 'takes no value', source)
    return raw
  }
  if (isListLike(spec.type)) {
    const items = Array.isArray(raw) ? raw : [raw]
    if (items.some(item => typeof item !== 'string')) throw configError(key, 'needs a value', source)
    const list = splitList((items as string[]).join(','))
    return spec.type === 'tags' ? parseTags(key, list, source) : list
  }
  if (typeof raw !== 'string') throw configError(key, 'needs a value', source)
  return parseText(key, spec, raw, source)
}

function parseText (key: string, spec: FieldSpec, raw: string, source: ConfigSource): FieldValue<FieldKey> {
  const text = raw.trim()
  switch (spec.type) {
    case 'list': return splitList(text)
    case 'tags': return parseTags(key, splitList(text), source)
    case 'boolean': {
      const word = text.toLowerCase()
      if (TRUE_WORDS.has(word)) return true
      if (FALSE_WORDS.has(word)) return false
      throw configError(key, `expected true or false, got "${raw}"`, source)
    }
    case 'integer':
    case 'port':
      if (!/^\d+$/.test(text)) throw configError(key, `expected ${describeNumber(spec.type)}, got "${raw}"`, source)
      return checkNumber(key, spec.type, Number(text), source)
    case 'string':
      return text
  }
}

function parseJson (key: string, spec: FieldSpec, raw: RawValue, source: ConfigSource): FieldValue<FieldKey> {
  switch (spec.type) {
    case 'list':
      if (!Array.isArray(raw) || raw.some(item => typeof item !== 'string')) throw configError(key, 'expected an array of strings', source)
      return (raw as string[]).map(item => item.trim()).filter(item => item !== '')
    case 'tags':
      if (!isPlainObject(raw) || Object.values(raw).some(value => typeof value !== 'string')) {
        throw configError(key, 'expected an object of strings, like { "rack": "r1" }', source)
      }
      return checkTags(key, Object.entries(raw as Record<string, string>).map(([name, value]) => [name.trim(), value.trim()]), source)
    case 'boolean':
      if (typeof raw !== 'boolean') throw configError(key, `expected true or false, got ${JSON.stringify(raw)}`, source)
      return raw
    case 'integer':
    case 'port':
      if (typeof raw !== 'number') throw configError(key, `expected ${describeNumber(spec.type)}, got ${JSON.stringify(raw)}`, source)
      return checkNumber(key, spec.type, raw, source)
    case 'string':
      if (typeof raw !== 'string') throw configError(key, `expected a string, got ${JSON.stringify(raw)}`, source)
      return raw.trim()
  }
}

function checkNumber (key: string, type: 'integer' | 'port', value: number, source: ConfigSource): number {
  const valid = type === 'port'
    ? Number.isInteger(value) && value >= 0 && value <= 65_535
    : Number.isSafeInteger(value) && value > 0
  if (!valid) throw configError(key, `expected ${describeNumber(type)}, got ${value}`, source)
  return value
}

function describeNumber (type: 'integer' | 'port'): string {
  return type === 'port' ? 'a port from 0 to 65535' : 'a positive integer'
}

/** `key=value` items (the value may be empty, the key may not) as an object. */
function parseTags (key: string, items: readonly string[], source: ConfigSource): Record<string, string> {
  return checkTags(key, items.map(item => {
    const equals = item.indexOf('=')
    if (equals < 0) throw configError(key, `"${item}" is not key=value`, source)
    return [item.slice(0, equals).trim(), item.slice(equals + 1).trim()]
  }), source)
}

function checkTags (key: string, entries: ReadonlyArray<readonly [string, string]>, source: ConfigSource): Record<string, string> {
  const tags = new Map<string, string>()
  for (const [name, value] of entries) {
    if (name === '') throw configError(key, `a tag needs a key, got "=${value}"`, source)
    // Members show tags as key=value (the peer registry too): a key cannot hold the separator.
    if (name.includes('=')) throw configError(key, `the tag key "${name}" must not contain "="`, source)
    if (tags.has(name)) throw configError(key, `the tag "${name}" is given twice`, source)
    tags.set(name, value)
  }
  return Object.fromEntries(tags)
}

function splitList (text: string): string[] {
  return text.split(',').map(item => item.trim()).filter(item => item !== '')
}
