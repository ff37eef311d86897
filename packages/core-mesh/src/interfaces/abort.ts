/** Options every async Meshwork API accepts: abort the call with `signal`. */
export interface AbortOptions {
  signal?: AbortSignal
}
