/**
 * The soak layer (`npm run test:soak`, not part of `npm test`): the chaos round trip of the integration
 * layer with CHAOS_RECORDS records, 250,000 unless set (test/run.ts sets it for this layer).
 */
import '../integration/chaos.test';
