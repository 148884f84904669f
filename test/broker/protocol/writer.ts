/** Writes Kafka's primitive types into a growing buffer, big-endian. */
export class Writer {
  private buf: Buffer;
  private len = 0;

  constructor(initial = 256) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.len + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
  }

  int8(v: number): this {
    this.room(1);
    this.buf.writeInt8(v, this.len++);
    return this;
  }

  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }

  int16(v: number): this {
    this.room(2);
    this.buf.writeInt16BE(v, this.len);
    this.len += 2;
    return this;
  }

  int32(v: number): this {
    this.room(4);
    this.buf.writeInt32BE(v, this.len);
    this.len += 4;
    return this;
  }

  int64(v: number | bigint): this {
    this.room(8);
    this.buf.writeBigInt64BE(BigInt(v), this.len);
    this.len += 8;
    return this;
  }

  uvarint(v: number): this {
    while (v >= 0x80) {
      this.int8Unsigned((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    return this.int8Unsigned(v);
  }

  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  private int8Unsigned(v: number): this {
    this.room(1);
    this.buf[this.len++] = v;
    return this;
  }

  raw(b: Buffer): this {
    this.room(b.length);
    b.copy(this.buf, this.len);
    this.len += b.length;
    return this;
  }

  string(s: string): this {
    const b = Buffer.from(s, 'utf8');
    return this.int16(b.length).raw(b);
  }

  nullableString(s: string | null | undefined): this {
    return s === null || s === undefined ? this.int16(-1) : this.string(s);
  }

  bytes(b: Buffer): this {
    return this.int32(b.length).raw(b);
  }

  nullableBytes(b: Buffer | null | undefined): this {
    return b === null || b === undefined ? this.int32(-1) : this.bytes(b);
  }

  array<T>(items: readonly T[], write: (w: this, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) {
      write(this, item);
    }
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, write: (w: this, item: T) => void): this {
    return items === null ? this.int32(-1) : this.array(items, write);
  }

  /** The bytes written so far. */
  done(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
