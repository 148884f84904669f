import type * as KafkaJs from 'kafkajs';

let loaded: typeof KafkaJs | undefined;

/**
 * kafkajs, loaded the first time a cluster is used rather than when the extension activates: evaluating
 * the library takes about 100 ms, which activation must not pay. Modules import its types only.
 */
export function kafkajs(): typeof KafkaJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
  loaded ??= require('kafkajs') as typeof KafkaJs;
  return loaded;
}
