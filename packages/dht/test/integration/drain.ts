/** Consume an async iterable, ignoring its values (kad-dht's queries are event streams). */
export async function drain (source: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of source) { /* consume */ }
}
