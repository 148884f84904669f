import { ErrorCode } from '../protocol/errors';
import { Writer } from '../protocol/writer';
import { Api } from './api';

/** The table every ApiVersions response carries; filled in by apis/index.ts. */
export const advertised: Api[] = [];

function versionsTable(w: Writer, without: string[]): Writer {
  return w.array(
    advertised.filter((api) => !without.includes(api.name)),
    (w, api) => w.int16(api.key).int16(api.min).int16(api.max),
  );
}

export const apiVersions: Api = {
  key: 18,
  name: 'ApiVersions',
  min: 0,
  max: 2,
  beforeAuth: true,
  handle: (ctx) => {
    const w = new Writer().int16(ErrorCode.NONE);
    versionsTable(w, ctx.cluster.options.withoutApis);
    if (ctx.version >= 1) {
      w.int32(0);
    }
    return w.done();
  },
};

/** The answer to an ApiVersions version we do not speak: v0 form, UNSUPPORTED_VERSION, and our table. */
export function unsupportedApiVersions(without: string[]): Buffer {
  return versionsTable(new Writer().int16(ErrorCode.UNSUPPORTED_VERSION), without).done();
}
