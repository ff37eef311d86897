import { MAX_TOPIC_BYTES } from './constants.js'
import { TopicNameError } from './errors.js'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const encoder = new TextEncoder()

/**
 * Throws {@link TopicNameError} unless `topic` is a non-empty, well-formed string of at most
 * `MAX_TOPIC_BYTES` UTF-8 bytes. (A lone surrogate would be sent as U+FFFD, under a different
 * name than the caller gave.)
 */
export function assertTopicName (topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || topic.length === 0) throw new TopicNameError('a topic must be a non-empty string')
  if (LONE_SURROGATE.test(topic)) throw new TopicNameError('a topic must be well-formed Unicode (it has a lone surrogate)')
  const bytes = encoder.encode(topic).byteLength
  if (bytes > MAX_TOPIC_BYTES) throw new TopicNameError(`a topic is at most ${MAX_TOPIC_BYTES} UTF-8 bytes, got ${bytes}`)
}
