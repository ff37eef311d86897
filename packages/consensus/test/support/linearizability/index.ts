/**
 * A linearizability checker for test histories (Wing & Gong search with Lowe's memoization, as
 * Porcupine does), with the register-per-key model of the replicated key-value store and a
 * recorder that turns client calls into a history.
 */
export { checkLinearizability } from './checker.js'
export type { CheckOptions, CheckResult } from './checker.js'
export { describeOperation } from './explanation.js'
export { ILLEGAL, legal } from './model.js'
export type { Model, StepResult } from './model.js'
export { outcomeUnknown, validateHistory } from './operation.js'
export type { Operation } from './operation.js'
export { kvRegisterModel } from './kv-register-model.js'
export type { KvInput, KvOperation, KvOutput, RegisterState } from './kv-register-model.js'
export { HistoryRecorder } from './history-recorder.js'
export type { PendingOperation } from './history-recorder.js'
export { assertKvLinearizable } from './assert-linearizable.js'
