#!/usr/bin/env node
/**
 * The `meshwork` executable: runs the CLI with the real process, sets the exit code, and lets
 * the event loop drain (logs and stdout are flushed) instead of calling process.exit.
 */
import { runCli } from '../src/cli/run.js'
import type { CliIo } from '../src/cli/io.js'
import { NodeUnavailableError } from '../src/errors.js'
import type { CreateNode } from '../src/node-api.js'

const io: CliIo = {
  out: (line) => { process.stdout.write(`${line}\n`) },
  err: (line) => { process.stderr.write(`${line}\n`) }
}

/** The mesh node factory of this build; `start` and `demo` run the nodes it makes. */
const createNode: CreateNode = async () => {
  throw new NodeUnavailableError('this build of meshwork has no mesh node factory wired in')
}

process.exitCode = await runCli(process.argv.slice(2), { createNode, env: process.env, io })
