import * as zlib from 'zlib';

/**
 * zstd through Node's own zlib where the runtime has it (Node 22.15 and later, so VS Code's recent
 * extension hosts), else decoding with fzstd, a pure-JavaScript decoder loaded on first use. Encoding needs
 * Node's zlib: there is no small pure-JavaScript zstd encoder.
 */

interface NodeZstd {
  zstdCompressSync?(data: Buffer): Buffer;
  zstdDecompressSync?(data: Buffer, options?: { maxOutputLength?: number }): Buffer;
}

const native = zlib as NodeZstd;

/** Thrown when zstd compression is asked for on a runtime without a zstd encoder. */
export class CodecUnavailableError extends Error {
  constructor(readonly codec: string) {
    super(`${codec} compression needs a VS Code whose Node.js has zstd (Node 22.15 or later; this one is ${process.versions.node})`);
    this.name = 'CodecUnavailableError';
  }
}

export function zstdDecompress(data: Buffer, maxLength: number): Buffer {
  if (native.zstdDecompressSync) {
    return native.zstdDecompressSync(data, { maxOutputLength: maxLength });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first zstd batch
  const fzstd = require('fzstd') as typeof import('fzstd');
  const bytes = fzstd.decompress(data);
  if (bytes.byteLength > maxLength) {
    throw new Error(`zstd: ${bytes.byteLength} bytes exceed the limit of ${maxLength}`);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function zstdCompress(data: Buffer): Buffer {
  if (!native.zstdCompressSync) {
    throw new CodecUnavailableError('zstd');
  }
  return native.zstdCompressSync(data);
}

export const canCompressZstd = (): boolean => native.zstdCompressSync !== undefined;
