/**
 * The messages between the Message Query page and the extension. Everything the page sends is checked
 * here before it is used: a page is never trusted, whatever it is. No `vscode` import: plain data only.
 */

export type Order = 'offset' | 'time';

/** The range as the user typed it; the extension turns it into a QueryRange. */
export type PageRange =
  | { kind: 'last'; minutes: number }
  | { kind: 'time'; from: string; to: string }
  /** `perPartition`: spans of single partitions, `0:10-20, 2:5-`, which win over from–to there. */
  | { kind: 'offsets'; from: string; to: string; perPartition?: string }
  | { kind: 'newest'; count: string };

export interface PageQuery {
  range: PageRange;
  /** The chosen partitions; empty for all. */
  partitions: number[];
  filter: string;
  budget: { records: string; seconds: string; results: string };
}

/** Rows of the results, by their place in the table's order. */
export interface PageSelection {
  order: Order;
  descending: boolean;
  /** Places in that order; undefined for every result. */
  positions?: number[];
}

export type FromPage =
  | { type: 'ready' }
  | { type: 'run'; query: PageQuery }
  | { type: 'cancel' }
  | { type: 'rows'; start: number; count: number; order: Order; descending: boolean }
  | { type: 'detail'; index: number }
  | { type: 'copy'; index: number; what: 'key' | 'value' | 'record' }
  | { type: 'openRecord'; index: number }
  | { type: 'link'; index: number }
  | { type: 'export'; format: 'jsonl' | 'csv'; selection: PageSelection }
  | { type: 'resend'; selection: PageSelection };

/** Presets of the time range, in minutes: 15 minutes, 1 hour, 24 hours. */
export const PRESETS = [15, 60, 1440] as const;
/** At most this many rows in one page of the table. */
export const MAX_PAGE_ROWS = 1000;
const MAX_TEXT = 10_000;
const MAX_INDEX = 100_000;

type Obj = Record<string, unknown>;

class Refused extends Error {}

function fail(what: string): never {
  throw new Refused(what);
}

function obj(value: unknown, what: string): Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : fail(what);
}

function text(value: unknown, what: string): string {
  return typeof value === 'string' && value.length <= MAX_TEXT ? value : fail(what);
}

function whole(value: unknown, what: string, min: number, max: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : fail(what);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  return allowed.includes(value as T) ? (value as T) : fail(what);
}

function bool(value: unknown, what: string): boolean {
  return typeof value === 'boolean' ? value : fail(what);
}

function range(value: unknown): PageRange {
  const r = obj(value, 'range');
  switch (r.kind) {
    case 'last':
      return { kind: 'last', minutes: PRESETS[PRESETS.indexOf(r.minutes as (typeof PRESETS)[number])] ?? fail('range.minutes') };
    case 'time':
      return { kind: r.kind, from: text(r.from, 'range.from'), to: text(r.to, 'range.to') };
    case 'offsets': {
      const span = { kind: r.kind, from: text(r.from, 'range.from'), to: text(r.to, 'range.to') } as const;
      return r.perPartition === undefined ? span : { ...span, perPartition: text(r.perPartition, 'range.perPartition') };
    }
    case 'newest':
      return { kind: 'newest', count: text(r.count, 'range.count') };
    default:
      return fail('range.kind');
  }
}

function query(value: unknown): PageQuery {
  const q = obj(value, 'query');
  const partitions = Array.isArray(q.partitions) && q.partitions.length <= 100_000 ? q.partitions.map((p) => whole(p, 'partitions', 0, 2 ** 31 - 1)) : fail('partitions');
  const b = obj(q.budget, 'budget');
  return {
    range: range(q.range),
    partitions,
    filter: text(q.filter, 'filter'),
    budget: { records: text(b.records, 'budget.records'), seconds: text(b.seconds, 'budget.seconds'), results: text(b.results, 'budget.results') },
  };
}

function selection(value: unknown): PageSelection {
  const s = obj(value, 'selection');
  const positions = s.positions === undefined ? undefined : Array.isArray(s.positions) && s.positions.length <= MAX_INDEX ? s.positions.map((p) => whole(p, 'positions', 0, MAX_INDEX - 1)) : fail('positions');
  const checked: PageSelection = { order: oneOf(s.order, ['offset', 'time'], 'order'), descending: bool(s.descending, 'descending') };
  return positions === undefined ? checked : { ...checked, positions };
}

/** `0:10-20, 2:5-` as spans by partition (an empty To: up to the newest); undefined when it cannot be read. */
export function perPartition(text: string): Record<number, { from: number; to?: number }> | undefined {
  const spans: Record<number, { from: number; to?: number }> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^(\d+)\s*:\s*(\d+)\s*(?:-\s*(\d*))?$/.exec(part);
    if (!m || Number(m[1]) in spans) {
      return undefined;
    }
    spans[Number(m[1])] = m[3] === undefined || m[3] === '' ? { from: Number(m[2]) } : { from: Number(m[2]), to: Number(m[3]) };
  }
  return spans;
}

/** The message, checked and copied field by field; undefined (and why) when it is not one the page may send. */
export function checkPageMessage(message: unknown): { message?: FromPage; refused?: string } {
  try {
    const m = obj(message, 'message');
    const index = () => whole(m.index, 'index', 0, MAX_INDEX - 1);
    switch (m.type) {
      case 'ready':
      case 'cancel':
        return { message: { type: m.type } };
      case 'run':
        return { message: { type: 'run', query: query(m.query) } };
      case 'rows':
        return {
          message: {
            type: 'rows',
            start: whole(m.start, 'start', 0, MAX_INDEX),
            count: whole(m.count, 'count', 1, MAX_PAGE_ROWS),
            order: oneOf(m.order, ['offset', 'time'], 'order'),
            descending: bool(m.descending, 'descending'),
          },
        };
      case 'detail':
      case 'openRecord':
      case 'link':
        return { message: { type: m.type, index: index() } };
      case 'copy':
        return { message: { type: 'copy', index: index(), what: oneOf(m.what, ['key', 'value', 'record'], 'what') } };
      case 'export':
        return { message: { type: 'export', format: oneOf(m.format, ['jsonl', 'csv'], 'format'), selection: selection(m.selection) } };
      case 'resend':
        return { message: { type: 'resend', selection: selection(m.selection) } };
      default:
        return fail('type');
    }
  } catch (error) {
    if (error instanceof Refused) {
      return { refused: error.message };
    }
    throw error;
  }
}
