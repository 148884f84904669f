import { ValidationError } from './validation';

/** Where a new consumer starts reading a topic. */
export type StartPosition =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** From `offset` on every partition, or on `partition` only (the other partitions are then not read). */
  | { kind: 'offset'; offset: number; partition?: number }
  /** From the first record at or after `timestamp` (epoch milliseconds) on every partition. */
  | { kind: 'timestamp'; timestamp: number };

/** What commands accept for a start position: `'earliest'`, `'latest'`, `{ offset, partition? }` or `{ timestamp }`. */
export type StartPositionArg = 'earliest' | 'latest' | { offset: number | string; partition?: number | string } | { timestamp: string | number };

const MAX_PARTITION = 2 ** 31 - 1;

function parseCount(text: string, reason: 'position.badOffset' | 'position.badPartition', max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) {
    throw new ValidationError(reason, text);
  }
  return n;
}

/**
 * Parses an offset as typed: `42` (every partition) or `2:42` (partition 2 only). Spaces around the
 * numbers are allowed.
 */
export function parseOffsetSpec(text: string): { offset: number; partition?: number } {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new ValidationError('position.empty', text);
  }
  const colon = trimmed.indexOf(':');
  if (colon < 0) {
    return { offset: parseCount(trimmed, 'position.badOffset', Number.MAX_SAFE_INTEGER) };
  }
  const partition = parseCount(trimmed.slice(0, colon).trim(), 'position.badPartition', MAX_PARTITION);
  const offset = parseCount(trimmed.slice(colon + 1).trim(), 'position.badOffset', Number.MAX_SAFE_INTEGER);
  return { partition, offset };
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  秒: 1000,
  秒钟: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  分: 60_000,
  分钟: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  小时: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  天: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
  周: 604_800_000,
};

const RELATIVE = /^(\d+(?:\.\d+)?)\s*([a-z]+)\s+ago$/i;
const RELATIVE_ZH = /^(\d+(?:\.\d+)?)\s*(秒钟?|分钟?|小时|天|周)前$/;
/** `2026-11-24`, `2026-11-24T08:00`, `2026-11-24 08:00:00.000+08:00`, `…Z`. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses a point in time: an ISO date-time (local time unless it carries `Z` or an offset; a date alone
 * is local midnight), epoch milliseconds, or a relative time such as `10 minutes ago`, `2h ago` or `10分钟前`.
 * Returns epoch milliseconds.
 */
export function parseTimestamp(text: string, now: number = Date.now()): number {
  const trimmed = text.trim();
  if (trimmed === '') {
    throw new ValidationError('position.empty', text);
  }
  const relative = RELATIVE.exec(trimmed) ?? RELATIVE_ZH.exec(trimmed);
  if (relative) {
    const unit = UNIT_MS[relative[2].toLowerCase()];
    if (unit === undefined) {
      throw new ValidationError('position.badTimestamp', text);
    }
    return epochTime(now - Number(relative[1]) * unit, text);
  }
  if (/^\d{12,13}$/.test(trimmed)) {
    return Number(trimmed);
  }
  const iso = ISO.exec(trimmed);
  if (!iso) {
    throw new ValidationError('position.badTimestamp', text);
  }
  const [year, month, day, hour, minute, second] = iso.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const ms = iso[7] === undefined ? 0 : Math.floor(Number(`0.${iso[7]}`) * 1000);
  const zone = iso[8];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw new ValidationError('position.badTimestamp', text);
  }
  let time: number;
  if (zone === undefined) {
    // setFullYear, because the Date constructor reads years 0-99 as 1900-1999.
    const local = new Date(2000, 0, 1, hour, minute, second, ms);
    local.setFullYear(year, month - 1, day);
    if (local.getDate() !== day) {
      throw new ValidationError('position.badTimestamp', text);
    }
    time = local.getTime();
  } else {
    const utc = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
    utc.setUTCFullYear(year, month - 1, day);
    if (utc.getUTCDate() !== day) {
      throw new ValidationError('position.badTimestamp', text);
    }
    time = utc.getTime() - zoneOffsetMs(zone, text);
  }
  return epochTime(time, text);
}

/**
 * A time as whole epoch milliseconds. Times before 1970 become 0: Kafka reads negative timestamps in a
 * ListOffsets request as "latest" (-1) or "earliest" (-2), never as a time. Times beyond what a number holds
 * exactly are refused.
 */
function epochTime(ms: number, text: string): number {
  const whole = Math.round(ms);
  if (!Number.isSafeInteger(whole)) {
    throw new ValidationError('position.badTimestamp', text);
  }
  return Math.max(0, whole);
}

/** The argument as text for an error message, whatever it is (JSON.stringify throws on a BigInt). */
function describeArg(arg: unknown): string {
  try {
    return typeof arg === 'string' ? arg : (JSON.stringify(arg) ?? String(arg));
  } catch {
    return Object.prototype.toString.call(arg);
  }
}

/** An offset or partition given as a number or text; anything else is refused. */
function countText(value: unknown, reason: 'position.badOffset' | 'position.badPartition'): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return String(value);
  }
  throw new ValidationError(reason, describeArg(value));
}

function zoneOffsetMs(zone: string, text: string): number {
  if (zone.toUpperCase() === 'Z') {
    return 0;
  }
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) {
    throw new ValidationError('position.badTimestamp', text);
  }
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/** Turns a command argument into a start position; garbage gives a ValidationError. */
export function startPositionFrom(arg: unknown, now: number = Date.now()): StartPosition {
  if (arg === undefined || arg === 'latest') {
    return { kind: 'latest' };
  }
  if (arg === 'earliest') {
    return { kind: 'earliest' };
  }
  if (typeof arg === 'object' && arg !== null) {
    const given = arg as { offset?: unknown; partition?: unknown; timestamp?: unknown };
    if (given.offset !== undefined) {
      const offset = countText(given.offset, 'position.badOffset');
      const text = given.partition === undefined ? offset : `${countText(given.partition, 'position.badPartition')}:${offset}`;
      return { kind: 'offset', ...parseOffsetSpec(text) };
    }
    if (typeof given.timestamp === 'number' && Number.isFinite(given.timestamp)) {
      return { kind: 'timestamp', timestamp: epochTime(given.timestamp, String(given.timestamp)) };
    }
    if (typeof given.timestamp === 'string') {
      return { kind: 'timestamp', timestamp: parseTimestamp(given.timestamp, now) };
    }
  }
  throw new ValidationError('position.unknown', describeArg(arg));
}
