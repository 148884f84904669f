import * as vscode from 'vscode';
import { BINARY_ENCODINGS, BinaryEncoding, DEFAULT_FORMAT, FormatOptions, RECORD_FORMATS, RecordFormat } from '../kafka/format';
import { DEFAULT_MAX_BYTES } from '../kafka/output';

/** The `ckafka.consumer.*` settings, read with their defaults and bounds. */
export interface ConsumerSettings {
  format: FormatOptions;
  maxLines: number;
  /** Bytes a channel keeps, at 2 bytes per UTF-16 code unit (see OutputBuffer). */
  maxBytes: number;
}

export const DEFAULT_MAX_LINES = 10_000;
/** The smallest `ckafka.consumer.maxBytes` taken; below it (or not a number) the default applies. */
const MIN_MAX_BYTES = 1024 * 1024;

export function consumerSettings(): ConsumerSettings {
  const config = vscode.workspace.getConfiguration('ckafka.consumer');
  const format = config.get<string>('format', 'text');
  const encoding = config.get<string>('binaryEncoding', 'base64');
  const maxValueLength = config.get<number>('maxValueLength', DEFAULT_FORMAT.maxValueLength);
  const maxLines = config.get<number>('maxLines', DEFAULT_MAX_LINES);
  const maxBytes = config.get<number>('maxBytes', DEFAULT_MAX_BYTES);
  return {
    format: {
      format: RECORD_FORMATS.includes(format as RecordFormat) ? (format as RecordFormat) : 'text',
      showHeaders: config.get<boolean>('showHeaders', false) === true,
      binaryEncoding: BINARY_ENCODINGS.includes(encoding as BinaryEncoding) ? (encoding as BinaryEncoding) : 'base64',
      maxValueLength: Number.isFinite(maxValueLength) && maxValueLength >= 1 ? Math.floor(maxValueLength) : DEFAULT_FORMAT.maxValueLength,
      truncatedNote: (length, unit) => (unit === 'bytes' ? vscode.l10n.t('… (truncated, {0} bytes)', length) : vscode.l10n.t('… (truncated, {0} characters)', length)),
    },
    maxLines: Number.isFinite(maxLines) && maxLines >= 100 ? Math.floor(maxLines) : DEFAULT_MAX_LINES,
    maxBytes: Number.isFinite(maxBytes) && maxBytes >= MIN_MAX_BYTES ? Math.floor(maxBytes) : DEFAULT_MAX_BYTES,
  };
}
