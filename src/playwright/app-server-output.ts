import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';

/** What a failing test is shown of the server's output at most: its last part. */
const MAX_SHOWN = 64 * 1024;

/**
 * An app server's output (stdout and stderr, as they come), kept in a file of the run's directory
 * rather than in memory: a test shows the part written while it ran, and for the one server of the
 * whole run (started by the global setup, in another process) the workers read the same file.
 * Written synchronously, so what a test reads after a request includes what the server printed for it.
 */
export class ServerOutput {
  private fd: number | undefined;

  constructor(readonly file: string) {}

  /** Start (or continue) writing the file. */
  open(): this {
    this.fd ??= openSync(this.file, 'a', 0o600);
    return this;
  }

  append(chunk: Buffer | string): void {
    if (this.fd !== undefined) writeSync(this.fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Where the output ends now: a test remembers it when it starts. */
  size(): number {
    try {
      return statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  /** What was written after `offset`: its last 64 KiB, marked when cut. */
  since(offset: number): string {
    const end = this.size();
    const start = Math.max(offset, end - MAX_SHOWN);
    if (end <= start) return '';
    const buffer = Buffer.alloc(end - start);
    const fd = openSync(this.file, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    const text = buffer.toString('utf8');
    return start > offset ? `[… ${start - offset} bytes before this cut …]\n${text}` : text;
  }

  /** The last `lines` lines of everything written: for an error saying why the server did not start. */
  tail(lines = 20): string {
    return this.since(0).trimEnd().split('\n').slice(-lines).join('\n');
  }
}
