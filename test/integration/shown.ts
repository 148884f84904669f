/** `partition:offset:value` of every record line among a consumer's lines, in the default text format. */
export function shownRecords(lines: readonly string[]): string[] {
  return lines
    .map((l) => /^Topic:\[[^\]]+\] Partition:\[(\d+)\] Offset:\[(\d+)\] .* Value:\[(.*)\]$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]}:${m[3]}`);
}
