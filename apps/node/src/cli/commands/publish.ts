import { connectAdmin } from '../admin-target.js'
import type { PublishCommand } from '../args.js'
import type { ClientCommandDeps } from './client-deps.js'
import { plural } from './plural.js'

/**
 * `meshwork publish <topic> <text>`: the running node publishes the text (UTF-8) on a topic.
 * Nobody subscribed within reach exits 1 with NoSubscribersError (409).
 */
export async function publishCommand (command: PublishCommand, deps: ClientCommandDeps): Promise<void> {
  const admin = await connectAdmin(command.options, deps)
  const answer = await admin.publish(command.topic, command.text)
  deps.io.out(command.options.json
    ? JSON.stringify(answer)
    : `published ${plural(answer.bytes, 'byte')} on "${answer.topic}" to ${plural(answer.recipients.length, 'peer')}, message id ${answer.id}`)
}
