import { MessageValidationError } from '../errors.js'

/**
 * A broadcast whose signed envelope names another topic: a message signed for something else
 * (a pub/sub topic) replayed as a broadcast. An honest relay checks the topic before it
 * forwards, so the peer that handed it over is at fault.
 */
export class WrongTopicError extends MessageValidationError {
  override readonly penalise = true
}
