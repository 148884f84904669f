import * as vscode from 'vscode';
import { config } from '../config';
import { BINARY_ENCODINGS, BinaryEncoding, DEFAULT_FORMAT, FormatOptions, RECORD_FORMATS, RecordFormat } from '../kafka/format';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES } from '../kafka/lineLimits';

/** The `ckafka.consumer.*` settings, read with their defaults and bounds. */
export interface ConsumerSettings {
  format: FormatOptions;
  maxLines: number;
  /** Bytes a channel keeps, at 2 bytes per UTF-16 code unit (see ChannelLinesOptions.maxBytes). */
  maxBytes: number;
}

/** The smallest `ckafka.consumer.maxBytes` taken; below it (or not a number) the default applies. */
const MIN_MAX_BYTES = 1024 * 1024;

export function consumerSettings(): ConsumerSettings {
  const { format, binaryEncoding: encoding, maxValueLength, maxLines, maxBytes, showHeaders } = config.consumer();
  return {
    format: {
      format: RECORD_FORMATS.includes(format as RecordFormat) ? (format as RecordFormat) : 'text',
      showHeaders,
      binaryEncoding: BINARY_ENCODINGS.includes(encoding as BinaryEncoding) ? (encoding as BinaryEncoding) : 'base64',
      maxValueLength: Number.isFinite(maxValueLength) && maxValueLength >= 1 ? Math.floor(maxValueLength) : DEFAULT_FORMAT.maxValueLength,
      truncatedNote: { chars: vscode.l10n.t('… (truncated, {0} characters)', '{0}'), bytes: vscode.l10n.t('… (truncated, {0} bytes)', '{0}') },
    },
    maxLines: Number.isFinite(maxLines) && maxLines >= 100 ? Math.floor(maxLines) : DEFAULT_MAX_LINES,
    maxBytes: Number.isFinite(maxBytes) && maxBytes >= MIN_MAX_BYTES ? Math.floor(maxBytes) : DEFAULT_MAX_BYTES,
  };
}
