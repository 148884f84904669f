/** Why a value the user typed was refused. The VS Code side turns each reason into a localized message. */
export type ValidationReason =
  | 'bootstrap.empty'
  | 'bootstrap.entryEmpty'
  | 'bootstrap.whitespace'
  | 'bootstrap.missingPort'
  | 'bootstrap.badHost'
  | 'bootstrap.badPort'
  | 'username.empty'
  | 'username.instanceIdEmpty'
  | 'username.badInstanceId'
  | 'username.badCharacters'
  | 'record.json'
  | 'record.notObject'
  | 'record.value'
  | 'record.headers'
  | 'record.encoding'
  | 'record.base64'
  | 'record.nullHeader'
  | 'record.partition'
  | 'record.tooLarge'
  | 'position.empty'
  | 'position.badOffset'
  | 'position.badPartition'
  | 'position.badTimestamp'
  | 'position.unknown'
  | 'group.empty'
  | 'reset.badShift'
  | 'reset.duplicatePartition'
  | 'reset.mixedOffsets'
  | 'reset.unknown';

/** The one error type our parsers throw for bad input. Anything else escaping a parser is a bug. */
export class ValidationError extends Error {
  constructor(
    readonly reason: ValidationReason,
    /** The offending piece of input, quoted back to the user. */
    readonly value: string,
  ) {
    super(`${reason}: ${JSON.stringify(value)}`);
    this.name = 'ValidationError';
  }
}
