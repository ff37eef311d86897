/** Plain-text tables for human output: a header row, columns padded to their widest cell. */
export function formatTable (headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map(row => (row[column] ?? '').length)))
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => column === cells.length - 1 ? cell : cell.padEnd(widths[column])).join('  ').trimEnd()
  return [line(headers), ...rows.map(line)]
}

/** Aligned `label  value` lines; a value with several lines continues under the first. */
export function formatFields (fields: ReadonlyArray<readonly [string, string | readonly string[]]>): string[] {
  const width = Math.max(...fields.map(([label]) => label.length))
  return fields.flatMap(([label, value]) => {
    const values = typeof value === 'string' ? [value] : value.length === 0 ? ['-'] : value
    return values.map((text, index) => `${(index === 0 ? label : '').padEnd(width)}  ${text}`)
  })
}
