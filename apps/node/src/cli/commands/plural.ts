/** `1 peer`, `2 peers`: counts in human output. */
export function plural (count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}
