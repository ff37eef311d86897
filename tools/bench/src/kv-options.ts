import { resolve } from 'node:path'
import type { KvSideId } from './kv-cluster.js'
import { UsageError } from './options.js'

/** One load level: closed-loop clients writing for a warm-up, then a measured window. */
export interface LoadParams {
  warmupMs: number
  measureMs: number
  /** Writes go to this many distinct keys, in turn. */
  keys: number
  valueBytes: number
  /** A write not answered by then counts as an error (`timeout`). */
  requestTimeoutMs: number
}

export interface FailoverParams {
  rounds: number
  /** The writer writes to a follower this long before the leader is killed. */
  beforeKillMs: number
  /** After the kill, a fresh attempt every this many ms, to the surviving members in turn. */
  retryEveryMs: number
  /** An attempt not answered by then is abandoned (later attempts keep going meanwhile). */
  attemptTimeoutMs: number
  /** A round in which no write is acknowledged this long after the kill has failed. */
  giveUpMs: number
  /** Idle time after the killed member has rejoined, before the next round. */
  settleMs: number
}

export interface KvBenchOptions {
  /** Concurrent clients per load level, in order. */
  clients: number[]
  load: LoadParams
  failover: FailoverParams
  sides: KvSideId[]
  /** Meshwork members run with `node --cpu-prof` and write their profiles here (stopped with SIGTERM). */
  cpuProfileDir: string | undefined
  /** How long a cluster may take to elect a leader and take a write through every member. */
  readyTimeoutMs: number
  json: boolean
  quick: boolean
}

export const KV_USAGE = `Usage: node dist/src/kv-vs-etcd.js [options]

Replicated key-value writes over Raft, 3 members on 127.0.0.1, one process each: Meshwork
(three \`meshwork start\` processes, @meshwork/consensus) against Debian's etcd 3.4 (three etcd
members, defaults: heartbeat 100 ms, election 1000 ms, fsync on), one side after the other.
The same load generator drives both over HTTP/1.1 keep-alive (Meshwork: its admin API's
PUT /api/kv; etcd: its v3 JSON gateway, POST /v3/kv/put): N closed-loop clients, each writing
a 256-byte value to one of 1,000 keys, one member after another. Then failover rounds: SIGKILL
the leader while a client writes to a follower; time until the first write acknowledged after
it. Installs etcd with apt-get (tools/bench/setup/install-etcd.sh) when it is missing.

  --clients LIST            concurrent clients per load level (default 1,50,200)
  --seconds S               measured seconds per level (default 5; --quick 1.5)
  --warmup-seconds S        unmeasured seconds before each level (default 1; --quick 0.5)
  --failover-rounds N       leader kills per side, 0 for none (default 3; --quick 1)
  --keys N                  distinct keys written (default 1000)
  --value-bytes N           value size (default 256)
  --only LIST               comma-separated subset of: etcd,meshwork
  --cpu-prof DIR            run the Meshwork members under node --cpu-prof, profiles in DIR
  --quick                   short levels and one failover round (under a minute)
  --json                    print the results as JSON instead of the tables (progress on stderr)
  --help                    this text
`

const SIDES: readonly KvSideId[] = ['etcd', 'meshwork']

function positive (flag: string, text: string | undefined, integer: boolean, allowZero = false): number {
  const value = Number(text)
  const ok = text !== undefined && Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value))
  if (!ok) throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} ${integer ? 'integer' : 'number'}, got ${String(text)}`)
  return value
}

/** Parse the command line; throws `UsageError` on anything it does not know. */
export function parseKvOptions (argv: readonly string[]): KvBenchOptions | 'help' {
  let quick = false
  let json = false
  let clients = [1, 50, 200]
  let sides = [...SIDES]
  let cpuProfileDir: string | undefined
  const numbers: Record<string, number> = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    switch (arg) {
      case '--help': case '-h': return 'help'
      case '--quick': quick = true; break
      case '--json': json = true; break
      case '--cpu-prof': {
        const dir = argv[++i]
        if (dir === undefined || dir.startsWith('--')) throw new UsageError('--cpu-prof needs a directory')
        cpuProfileDir = resolve(dir)
        break
      }
      case '--clients': {
        const text = argv[++i] ?? ''
        clients = text.split(',').filter(s => s !== '').map(s => positive('--clients', s, true))
        if (clients.length === 0) throw new UsageError(`--clients takes a list of positive integers, got ${text}`)
        if (clients.some(n => n > 1000)) throw new UsageError('--clients: at most 1000 per level')
        break
      }
      case '--only': {
        const list = (argv[++i] ?? '').split(',').filter(s => s !== '')
        if (list.length === 0 || list.some(s => !(SIDES as readonly string[]).includes(s))) throw new UsageError(`--only takes a list of ${SIDES.join(',')}, got ${String(argv[i])}`)
        sides = SIDES.filter(s => list.includes(s))
        break
      }
      case '--seconds': case '--warmup-seconds': numbers[arg] = positive(arg, argv[++i], false, arg === '--warmup-seconds'); break
      case '--failover-rounds': numbers[arg] = positive(arg, argv[++i], true, true); break
      case '--keys': case '--value-bytes': numbers[arg] = positive(arg, argv[++i], true); break
      default: throw new UsageError(`unknown option ${arg}`)
    }
  }
  return {
    clients,
    load: {
      warmupMs: 1000 * (numbers['--warmup-seconds'] ?? (quick ? 0.5 : 1)),
      measureMs: 1000 * (numbers['--seconds'] ?? (quick ? 1.5 : 5)),
      keys: numbers['--keys'] ?? 1000,
      valueBytes: numbers['--value-bytes'] ?? 256,
      requestTimeoutMs: 10_000
    },
    failover: {
      rounds: numbers['--failover-rounds'] ?? (quick ? 1 : 3),
      beforeKillMs: 1000,
      retryEveryMs: 10,
      attemptTimeoutMs: 1000,
      giveUpMs: 20_000,
      settleMs: 500
    },
    sides,
    cpuProfileDir,
    readyTimeoutMs: 60_000,
    json,
    quick
  }
}
