import type { TopicMessageAnswer } from '../../admin/gossip-answers.js'
import { SubscriptionEndedError } from '../../errors.js'
import { connectAdmin } from '../admin-target.js'
import type { SubscribeCommand } from '../args.js'
import type { ClientCommandDeps } from './client-deps.js'
import { plural } from './plural.js'

/**
 * `meshwork subscribe <topic> [--count N]`: the running node subscribes to the topic and this
 * command prints each message as it arrives — its text, or with `--json` the whole message as a
 * JSON line — until N messages (then exit 0) or until interrupted. A note that the subscription
 * is up goes to stderr, so stdout holds only messages. The node unsubscribes when the command
 * ends. If the node ends the stream first (it stopped), the command exits 1 with
 * SubscriptionEndedError.
 */
export async function subscribeCommand (command: SubscribeCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const subscription = await admin.subscribe(command.topic)
  let received = 0
  try {
    const until = command.count === undefined ? 'printing messages until interrupted' : `exiting after ${plural(command.count, 'message')}`
    deps.io.err(`subscribed to "${command.topic}" on ${admin.url}; ${until}`)
    for await (const message of subscription.messages) {
      deps.io.out(command.options.json ? JSON.stringify(message) : messageText(message))
      received++
      if (received === command.count) return
    }
  } catch (err) {
    throw new SubscriptionEndedError(command.topic, received, { cause: err })
  } finally {
    subscription.close()
  }
  throw new SubscriptionEndedError(command.topic, received)
}

/** The text of a message; bytes that are not UTF-8 as base64, marked. */
function messageText (message: TopicMessageAnswer): string {
  return message.data ?? `(${plural(message.bytes, 'byte')}, not UTF-8, base64) ${message.dataBase64}`
}
