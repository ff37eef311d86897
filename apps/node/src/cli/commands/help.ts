import type { CommandName } from '../args.js'
import type { CliIo } from '../io.js'
import { usageText } from '../usage.js'

/** `meshwork help [command]` */
export function helpCommand (topic: CommandName | undefined, io: CliIo): void {
  io.out(usageText(topic))
}
