export { FilterError } from './ast';
export type { Clause, FilterExpectation, FilterNode, Literal, Operator, Target } from './ast';
export { compileFilter, regexText } from './match';
export type { FilterHeader, FilterRecord, RecordPredicate } from './match';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './parse';
export { printFilter } from './print';
export { MAX_PATTERN_LENGTH, REGEX_FLAGS } from './regex';
