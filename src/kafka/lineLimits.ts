/** What a consumer's channel holds at most, shared by the queue of lines waiting for it and the channel itself. */

/** What a channel holds at most: lines, and bytes counted as JavaScript holds text (see ChannelLinesOptions.maxBytes). */
export interface Limits {
  maxLines: number;
  maxBytes?: number;
}

/** `ckafka.consumer.maxBytes`'s default: 20 MiB. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
/** `ckafka.consumer.maxLines`'s default. */
export const DEFAULT_MAX_LINES = 10_000;
/** The smallest byte limit honoured; a smaller one is raised to it. */
export const MIN_MAX_BYTES = 1024;

/** maxLines as honoured: at least 10 lines. */
export function lineLimit(maxLines: number): number {
  return Math.max(10, Math.floor(maxLines));
}

/** maxBytes in characters (UTF-16 code units). */
export function charLimit(maxBytes: number | undefined): number {
  return Math.floor(Math.max(MIN_MAX_BYTES, maxBytes ?? DEFAULT_MAX_BYTES) / 2);
}
