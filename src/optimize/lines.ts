/** Lines longer than this (bytes) are skipped and counted, never held whole: a log line is a few hundred bytes. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Splits a byte stream into lines, chunk by chunk, with memory bounded by one chunk plus one line.
 * Lines end at LF; a CR before it is dropped. A line longer than `maxLineBytes` is skipped (its bytes
 * are dropped as they arrive) and counted in `overlongLines`, so any input, a gzip bomb of zeros
 * included, streams in flat memory.
 *
 * Why not `readline`: it decodes every chunk, then splits with a regular expression and queues each line
 * through an async iterator, which made it most of optimize's time; it also holds a line of any length.
 * Here each line is handed to `onLine` synchronously as the bytes it lies in and its start and end there
 * (end excludes the LF and a CR before it), with no decoding and no copy, so a caller can read it in
 * place; only a line cut by a chunk boundary is copied once into a buffer of its own.
 */
export class LineSplitter {
  overlongLines = 0;
  /** The start of a line whose end has not arrived yet. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside an over-long line: drop bytes up to its end. */
  private skipping = false;

  constructor(
    private readonly onLine: (bytes: Buffer, start: number, end: number) => void,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    const firstEnd = chunk.indexOf(10);
    if (firstEnd < 0) {
      this.hold(chunk);
      return;
    }
    let from = 0;
    if (this.skipping) {
      this.skipping = false;
      from = firstEnd + 1;
    } else if (this.pendingBytes > 0) {
      // The first line completes what is pending from earlier chunks.
      if (this.pendingBytes + firstEnd > this.maxLineBytes) this.overlongLines++;
      else this.emit(Buffer.concat([...this.pending, chunk.subarray(0, firstEnd)]));
      this.pending = [];
      this.pendingBytes = 0;
      from = firstEnd + 1;
    }
    const lastEnd = chunk.lastIndexOf(10);
    for (let start = from; start <= lastEnd;) {
      const end = chunk.indexOf(10, start);
      this.emitSlice(chunk, start, end);
      start = end + 1;
    }
    this.hold(chunk.subarray(lastEnd + 1));
  }

  /** The last line, when the input does not end with a newline. */
  end(): void {
    if (this.pendingBytes > 0 && !this.skipping) this.emit(Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
    this.skipping = false;
  }

  private hold(bytes: Buffer): void {
    if (bytes.length === 0 || this.skipping) return;
    if (this.pendingBytes + bytes.length > this.maxLineBytes) {
      this.overlongLines++;
      this.skipping = true;
      this.pending = [];
      this.pendingBytes = 0;
      return;
    }
    // A copy: the stream may reuse the chunk's memory once we return.
    this.pending.push(Buffer.from(bytes));
    this.pendingBytes += bytes.length;
  }

  private emitSlice(bytes: Buffer, start: number, end: number): void {
    if (end - start > this.maxLineBytes) {
      this.overlongLines++;
      return;
    }
    const cr = end > start && bytes[end - 1] === 13 ? 1 : 0;
    this.onLine(bytes, start, end - cr);
  }

  private emit(line: Buffer): void {
    this.emitSlice(line, 0, line.length);
  }
}
