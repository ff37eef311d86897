/** A promise with its resolve and reject (`Promise.withResolvers`, which the ES2023 lib lacks). */
export function deferred<T> (): { promise: Promise<T>, resolve: (value: T) => void, reject: (error: unknown) => void } {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((resolveWith, rejectWith) => { resolve = resolveWith; reject = rejectWith })
  return { promise, resolve, reject }
}
