import * as vscode from 'vscode';
import { BINARY_ENCODINGS, BinaryEncoding, DEFAULT_FORMAT, FormatOptions, RECORD_FORMATS, RecordFormat } from '../kafka/format';

/** The `ckafka.consumer.*` settings, read with their defaults and bounds. */
export interface ConsumerSettings {
  format: FormatOptions;
  maxLines: number;
}

export const DEFAULT_MAX_LINES = 10_000;

export function consumerSettings(): ConsumerSettings {
  const config = vscode.workspace.getConfiguration('ckafka.consumer');
  const format = config.get<string>('format', 'text');
  const encoding = config.get<string>('binaryEncoding', 'base64');
  const maxValueLength = config.get<number>('maxValueLength', DEFAULT_FORMAT.maxValueLength);
  const maxLines = config.get<number>('maxLines', DEFAULT_MAX_LINES);
  return {
    format: {
      format: RECORD_FORMATS.includes(format as RecordFormat) ? (format as RecordFormat) : 'text',
      showHeaders: config.get<boolean>('showHeaders', false) === true,
      binaryEncoding: BINARY_ENCODINGS.includes(encoding as BinaryEncoding) ? (encoding as BinaryEncoding) : 'base64',
      maxValueLength: Number.isFinite(maxValueLength) && maxValueLength >= 1 ? Math.floor(maxValueLength) : DEFAULT_FORMAT.maxValueLength,
      truncatedNote: (length, unit) => (unit === 'bytes' ? vscode.l10n.t('… (truncated, {0} bytes)', length) : vscode.l10n.t('… (truncated, {0} characters)', length)),
    },
    maxLines: Number.isFinite(maxLines) && maxLines >= 100 ? Math.floor(maxLines) : DEFAULT_MAX_LINES,
  };
}
