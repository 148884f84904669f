/**
 * Message Query: find records of one topic by time or offset range, partitions and filter, in a worker
 * thread, within a budget. What a viewer needs is here; the VS Code side only renders and asks.
 */
export { csvRow, CSV_COLUMNS, jsonLine, toCsv, toJsonLines } from './export';
export { FilterError, parseFilter, printFilter } from './filter';
export type { FilterExpectation } from './filter';
export type { QueryHeader, QueryRecord } from './records';
export { PREVIEW_CHARS, QueryResults, recordDocument, recordMessage, rowMessage } from './results';
export type { RecordMessage, ResultOrder, RowMessage } from './results';
export { runQuery } from './run';
export type { QueryListener, QueryRun, RunOptions } from './run';
export { checkQuery, DEFAULT_BUDGET, MAX_RESULTS, QueryError, resolveBudget } from './spec';
export type { PartitionProgress, QueryBudget, QueryConnection, QueryFailure, QueryProgress, QueryRange, QuerySpec, QuerySummary, SkippedBatch, StopReason } from './spec';
