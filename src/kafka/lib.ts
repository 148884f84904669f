import type * as KafkaJs from 'kafkajs';
import { CodecTable, registerCodecs } from './codecs';

let loaded: typeof KafkaJs | undefined;

/**
 * kafkajs, loaded the first time a cluster is used rather than when the extension activates: evaluating
 * the library takes about 100 ms, which activation must not pay. Modules import its types only. Loading
 * it puts every Kafka compression codec into its codec table; the codecs load their own code on first use.
 */
export function kafkajs(): typeof KafkaJs {
  if (!loaded) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy, see above
    const library = require('kafkajs') as typeof KafkaJs;
    registerCodecs(library.CompressionCodecs as unknown as CodecTable);
    loaded = library;
  }
  return loaded;
}
