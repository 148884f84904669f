import * as vscode from 'vscode';
import { hintFor } from '../../hints';
import type { FilterError, FilterExpectation, QueryError, QueryFailure, QuerySummary, StopReason } from '../../kafka/query';

/** The Message Query's words, in the user's language: the page's, and the extension's messages about it. */

/** Every text the page shows, by the key its HTML and script use. */
export function pageStrings(): Record<string, string> {
  return {
    range: vscode.l10n.t('Range'),
    last15: vscode.l10n.t('Last 15 minutes'),
    last60: vscode.l10n.t('Last hour'),
    last1440: vscode.l10n.t('Last 24 hours'),
    time: vscode.l10n.t('From – to time'),
    offsets: vscode.l10n.t('From – to offset'),
    newest: vscode.l10n.t('Newest N per partition'),
    from: vscode.l10n.t('From'),
    to: vscode.l10n.t('To'),
    timeHint: vscode.l10n.t('ISO (2026-11-24T08:00:00+08:00), local time without a zone, or "2 hours ago"; To empty: up to the newest'),
    offsetHint: vscode.l10n.t('Offsets on every partition read; To empty: up to the newest'),
    perPartition: vscode.l10n.t('Per partition'),
    perPartitionHint: vscode.l10n.t('0:10-20, 2:5- (wins over From – To on those partitions)'),
    count: vscode.l10n.t('Count'),
    partitions: vscode.l10n.t('Partitions'),
    allPartitions: vscode.l10n.t('All'),
    filter: vscode.l10n.t('Filter'),
    filterHint: vscode.l10n.t('e.g. status = "paid" and key contains "order-" (empty: every record)'),
    budget: vscode.l10n.t('Budget'),
    records: vscode.l10n.t('Records to scan'),
    seconds: vscode.l10n.t('Seconds'),
    results: vscode.l10n.t('Results kept'),
    run: vscode.l10n.t('Run'),
    cancel: vscode.l10n.t('Cancel'),
    running: vscode.l10n.t('Reading…'),
    sort: vscode.l10n.t('Sort'),
    offsetAsc: vscode.l10n.t('Offset, oldest first'),
    offsetDesc: vscode.l10n.t('Offset, newest first'),
    timeAsc: vscode.l10n.t('Time, oldest first'),
    timeDesc: vscode.l10n.t('Time, newest first'),
    exportJsonl: vscode.l10n.t('Export JSON Lines…'),
    exportCsv: vscode.l10n.t('Export CSV…'),
    resend: vscode.l10n.t('Re-send…'),
    rowsCount: vscode.l10n.t('{0} rows'),
    selectedCount: vscode.l10n.t('{0} selected'),
    colPartition: vscode.l10n.t('Partition'),
    colOffset: vscode.l10n.t('Offset'),
    colTimestamp: vscode.l10n.t('Timestamp'),
    colKey: vscode.l10n.t('Key'),
    colValue: vscode.l10n.t('Value'),
    colSize: vscode.l10n.t('Size'),
    colHeaders: vscode.l10n.t('Headers'),
    results_label: vscode.l10n.t('Results'),
    noRows: vscode.l10n.t('No records yet: choose a range and Run.'),
    detail: vscode.l10n.t('Record'),
    noDetail: vscode.l10n.t('Select a row to see its record.'),
    copyKey: vscode.l10n.t('Copy Key'),
    copyValue: vscode.l10n.t('Copy Value'),
    copyRecord: vscode.l10n.t('Copy as JSON'),
    openEditor: vscode.l10n.t('Open in Editor'),
    copyLink: vscode.l10n.t('Copy Link'),
    headerName: vscode.l10n.t('Name'),
    headerValue: vscode.l10n.t('Value'),
    noHeaders: vscode.l10n.t('No headers'),
    nullValue: vscode.l10n.t('(null)'),
    binaryValue: vscode.l10n.t('Not UTF-8: shown as hex'),
    partitionProgress: vscode.l10n.t('Partition {0}: {1} of {2} offsets'),
    keyboardHelp: vscode.l10n.t('Arrows move, Shift+arrows extend the selection, Space marks a row, Enter shows it'),
  };
}

export function perPartitionHelp(): string {
  return vscode.l10n.t('Write spans per partition as partition:from-to, separated by commas, each partition once (e.g. 0:10-20, 2:5-).');
}

export function panelTitle(cluster: string, topic: string): string {
  return vscode.l10n.t('{0}/{1} — Messages', cluster, topic);
}

const EXPECTED: Record<FilterExpectation, () => string> = {
  target: () => vscode.l10n.t('key, value, header.<name> or a field name'),
  operator: () => vscode.l10n.t('contains, not contains, matches, not matches, =, !=, <, <=, >, >=, exists or not exists'),
  textOperator: () => vscode.l10n.t('contains, not contains, matches, not matches, =, !=, exists or not exists'),
  literal: () => vscode.l10n.t('a string, a number, true, false or null'),
  text: () => vscode.l10n.t('a string or a number'),
  regex: () => vscode.l10n.t('a regular expression /…/ or a string'),
  name: () => vscode.l10n.t('a name'),
  closeParen: () => '")"',
  closeBracket: () => '"]"',
  andOr: () => vscode.l10n.t('and, or, or the end of the filter'),
  stringEnd: () => vscode.l10n.t('the closing quote'),
  regexEnd: () => vscode.l10n.t('the closing "/"'),
  escape: () => vscode.l10n.t('a valid escape'),
  validRegex: () => vscode.l10n.t('a valid regular expression'),
  safeRegex: () => vscode.l10n.t('a regular expression without nested repetition or back-references'),
  regexFlags: () => vscode.l10n.t('flags among i, m, s, u'),
  smaller: () => vscode.l10n.t('a shorter filter'),
};

export function filterErrorText(error: FilterError): string {
  const found = error.found === '' ? vscode.l10n.t('the end of the filter') : JSON.stringify(error.found);
  const text = vscode.l10n.t('Filter, column {0}: expected {1}, found {2}.', error.position + 1, EXPECTED[error.expected](), found);
  return error.detail ? `${text} (${error.detail})` : text;
}

export function queryErrorText(error: QueryError): string {
  switch (error.reason) {
    case 'notWholeNumber':
      return vscode.l10n.t('{0} must be a whole number (found {1}).', fieldName(error.field), error.value);
    case 'outOfBounds':
      return vscode.l10n.t('{0} is out of bounds ({1}).', fieldName(error.field), error.value);
    case 'fromAfterTo':
      return vscode.l10n.t('The range ends before it starts ({0}).', error.value);
    case 'duplicate':
      return vscode.l10n.t('Partition {0} is chosen twice.', error.value);
    case 'empty':
      return vscode.l10n.t('{0} is empty.', fieldName(error.field));
  }
}

export function fieldName(field: string): string {
  switch (field) {
    case 'budget.records':
      return vscode.l10n.t('Records to scan');
    case 'budget.seconds':
      return vscode.l10n.t('Seconds');
    case 'budget.results':
      return vscode.l10n.t('Results kept');
    case 'partitions':
      return vscode.l10n.t('Partitions');
    case 'topic':
      return 'Topic';
    default:
      return vscode.l10n.t('Range');
  }
}

function stopText(stopped: StopReason, error: QueryFailure | undefined): string {
  switch (stopped) {
    case 'range':
      return vscode.l10n.t('the range is done');
    case 'records':
      return vscode.l10n.t('the records budget was reached');
    case 'seconds':
      return vscode.l10n.t('the time budget was reached');
    case 'results':
      return vscode.l10n.t('the results budget was reached');
    case 'cancel':
      return vscode.l10n.t('cancelled');
    case 'error':
      return vscode.l10n.t('an error: {0}', failureText(error));
  }
}

export function failureText(error: QueryFailure | undefined): string {
  if (!error || error.cause === 'other') {
    return error?.detail ?? vscode.l10n.t('unknown');
  }
  if (error.cause === 'unknownPartition') {
    return vscode.l10n.t('the topic has no such partition');
  }
  return hintFor(error.cause);
}

/** The completeness line: scanned, matched, kept, and why the scan stopped. */
export function summaryLine(summary: QuerySummary): string {
  const line = vscode.l10n.t(
    'Scanned {0} records, {1} matched, {2} kept in {3} s; stopped: {4}.',
    summary.scanned.toLocaleString(),
    summary.matched.toLocaleString(),
    summary.kept.toLocaleString(),
    (summary.elapsedMs / 1000).toFixed(1),
    stopText(summary.stopped, summary.error),
  );
  const skipped = summary.skipped.length === 0 ? '' : ` ${vscode.l10n.t('{0} batches could not be decoded and were skipped (see the CKafka log).', summary.skipped.length)}`;
  return line + skipped;
}
