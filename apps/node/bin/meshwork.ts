#!/usr/bin/env node
/**
 * The `meshwork` executable: runs the CLI with the real process, sets the exit code, and lets
 * the event loop drain (logs and stdout are flushed) instead of calling process.exit.
 */
import { createMeshNode } from '@meshwork/core-mesh'
import { runCli } from '../src/cli/run.js'
import type { CliIo } from '../src/cli/io.js'
import type { CreateNode } from '../src/node-api.js'

const io: CliIo = {
  out: (line) => { process.stdout.write(`${line}\n`) },
  err: (line) => { process.stderr.write(`${line}\n`) }
}

/** The mesh node factory of this build; `start` and `demo` run the nodes it makes. */
const createNode: CreateNode = createMeshNode

process.exitCode = await runCli(process.argv.slice(2), { createNode, env: process.env, io })
