/** Thrown when a request's bytes do not decode; the server closes that one connection. */
export class MalformedRequest extends Error {}

/** Reads Kafka's primitive types from a buffer, big-endian, moving forward. */
export class Reader {
  offset = 0;

  constructor(readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new MalformedRequest(`need ${n} bytes at ${this.offset}, have ${this.remaining}`);
    }
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.offset++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  /** An int64 as a JavaScript number; offsets and timestamps fit in 53 bits. */
  int64n(): number {
    return Number(this.int64());
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.offset++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        return value;
      }
      shift += 7;
      if (shift > 63) {
        throw new MalformedRequest('varint too long');
      }
    }
  }

  /** A zig-zag varint or varlong. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return b;
  }

  string(): string {
    const s = this.nullableString();
    if (s === null) {
      throw new MalformedRequest('null where a string is required');
    }
    return s;
  }

  nullableString(): string | null {
    const n = this.int16();
    return n < 0 ? null : this.bytes(n).toString('utf8');
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    return n < 0 ? null : this.bytes(n);
  }

  /** A non-null array; a null array (length -1) reads as null. */
  array<T>(item: (r: Reader) => T): T[] | null {
    const n = this.int32();
    if (n < 0) {
      return null;
    }
    if (n > this.remaining) {
      throw new MalformedRequest(`array of ${n} items in ${this.remaining} bytes`);
    }
    const out: T[] = [];
    for (let i = 0; i < n; i++) {
      out.push(item(this));
    }
    return out;
  }

  /** An array that must be present; null reads as empty. */
  list<T>(item: (r: Reader) => T): T[] {
    return this.array(item) ?? [];
  }
}
