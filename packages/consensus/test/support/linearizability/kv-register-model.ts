import { ILLEGAL, legal, type Model, type StepResult } from './model.js'
import type { Operation } from './operation.js'

/**
 * The key-value store as a set of independent registers, one per key, each holding a value or
 * nothing. Values are strings in histories (the simulation writes unique, printable values).
 */
export type KvInput =
  | { readonly op: 'get', readonly key: string }
  | { readonly op: 'put', readonly key: string, readonly value: string }
  /** Write `value` if the register holds `expected` (undefined: the key is absent). */
  | { readonly op: 'cas', readonly key: string, readonly expected: string | undefined, readonly value: string }
  | { readonly op: 'delete', readonly key: string }

export type KvOutput =
  /** A get: the value read, undefined when the key was absent. */
  | { readonly kind: 'read', readonly value: string | undefined }
  /** A put or delete (always ok), or a cas (ok: whether it matched and wrote). */
  | { readonly kind: 'write', readonly ok: boolean }

export type KvOperation = Operation<KvInput, KvOutput>

/** The register's content; undefined when the key is absent. */
export type RegisterState = string | undefined

export const kvRegisterModel: Model<RegisterState, KvInput, KvOutput> = {
  init: () => undefined,

  step (state: RegisterState, input: KvInput, output: KvOutput | undefined): StepResult<RegisterState> {
    switch (input.op) {
      case 'get':
        if (output === undefined) return legal(state)
        return output.kind === 'read' && output.value === state ? legal(state) : ILLEGAL
      case 'put':
        if (output !== undefined && !(output.kind === 'write' && output.ok)) return ILLEGAL
        return legal(input.value)
      case 'delete':
        if (output !== undefined && !(output.kind === 'write' && output.ok)) return ILLEGAL
        return legal(undefined)
      case 'cas': {
        const matches = state === input.expected
        if (output === undefined) return legal(matches ? input.value : state)
        if (output.kind !== 'write' || output.ok !== matches) return ILLEGAL
        return legal(matches ? input.value : state)
      }
    }
  },

  overwrites: input => input.op === 'put' || input.op === 'delete',

  // Values are prefixed so that no value collides with the key of the empty register.
  stateKey: state => state === undefined ? '' : `=${state}`,

  partition (inputs: readonly KvInput[]) {
    const byKey = new Map<string, number[]>()
    inputs.forEach((input, i) => {
      const members = byKey.get(input.key) ?? []
      members.push(i)
      byKey.set(input.key, members)
    })
    return [...byKey].map(([key, members]) => ({ name: `key ${JSON.stringify(key)}`, members }))
  },

  describeInput (input: KvInput): string {
    switch (input.op) {
      case 'get': return `get(${input.key})`
      case 'put': return `put(${input.key}, ${showValue(input.value)})`
      case 'delete': return `delete(${input.key})`
      case 'cas': return `cas(${input.key}, ${showValue(input.expected)} → ${showValue(input.value)})`
    }
  },

  describeOutput (output: KvOutput): string {
    return output.kind === 'read' ? showValue(output.value) : output.ok ? 'ok' : 'failed'
  },

  describeState: state => showValue(state)
}

function showValue (value: string | undefined): string {
  return value === undefined ? 'absent' : JSON.stringify(value)
}
