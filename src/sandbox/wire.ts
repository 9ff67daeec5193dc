import { BufferReader } from 'pg-protocol/dist/buffer-reader.js';
import { Writer } from 'pg-protocol/dist/buffer-writer.js';
import { RuntagError } from '../errors/runtag-error.js';

/**
 * PostgreSQL's wire protocol (version 3) as the sandbox needs it. Messages are encoded and decoded
 * with pg-protocol (node-postgres's own codec: its Writer, BufferReader, serializer and Parser);
 * what is here is only the framing a proxy needs to pass most messages through untouched as raw
 * bytes (a DataRow is never decoded), and the few backend messages a proxy must write itself.
 *
 * pg-gateway (supabase-community) implements the server side too, but it is pre-1.0: its 0.2
 * release slices pipelined messages wrongly (`subarray(offset, length)`), it awaits a hook per
 * message, and neither release routes CancelRequest; the sandbox needs all three.
 */

/** A message as it arrived: its type byte (0 for the untyped startup-phase messages) and its bytes, header included. */
export interface RawMessage {
  readonly type: number;
  readonly raw: Buffer;
}

/** The type bytes the sandbox looks at. Frontend and backend share letters with different meanings. */
export const Frontend = {
  Query: 0x51, // Q
  Parse: 0x50, // P
  Bind: 0x42, // B
  Describe: 0x44, // D
  Execute: 0x45, // E
  Close: 0x43, // C
  Flush: 0x48, // H
  Sync: 0x53, // S
  Terminate: 0x58, // X
  Password: 0x70, // p
  CopyData: 0x64, // d
  CopyDone: 0x63, // c
  CopyFail: 0x66, // f
  FunctionCall: 0x46, // F
} as const;

export const Backend = {
  Authentication: 0x52, // R
  BackendKeyData: 0x4b, // K
  ParameterStatus: 0x53, // S
  ReadyForQuery: 0x5a, // Z
  CommandComplete: 0x43, // C
  ErrorResponse: 0x45, // E
  NoticeResponse: 0x4e, // N
  DataRow: 0x44, // D
  RowDescription: 0x54, // T
  ParseComplete: 0x31, // 1
  BindComplete: 0x32, // 2
  CloseComplete: 0x33, // 3
  NoData: 0x6e, // n
  ParameterDescription: 0x74, // t
  EmptyQueryResponse: 0x49, // I
  CopyInResponse: 0x47, // G
  CopyOutResponse: 0x48, // H
  NotificationResponse: 0x41, // A
} as const;

/** The request codes of the untyped messages a client may open a connection with. */
export const StartupCode = {
  Protocol3: 196_608,
  SslRequest: 80_877_103,
  GssEncRequest: 80_877_104,
  CancelRequest: 80_877_102,
} as const;

/**
 * Cuts a byte stream into whole messages. Before a connection's startup message, messages carry
 * no type byte (length first); after it, a type byte then the length.
 */
export class MessageFrames {
  private pending: Buffer | undefined;

  constructor(private typed: boolean) {}

  /** From now on messages carry a type byte (after the startup message). */
  startTyped(): void {
    this.typed = true;
  }

  /** The whole messages in `chunk` (with what was left of the previous one); a partial one waits for more. */
  push(chunk: Buffer, each: (message: RawMessage) => void): void {
    let buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let offset = 0;
    while (true) {
      const header = this.typed ? 5 : 4;
      if (buffer.length - offset < header) break;
      const length = buffer.readUInt32BE(offset + (this.typed ? 1 : 0));
      // A length shorter than itself is garbage (a zero-length one would never advance): the connection cannot be framed any more.
      if (length < 4) throw new RuntagError('SANDBOX_CLIENT_PROTOCOL', `invalid message length ${length}`);
      const size = length + (this.typed ? 1 : 0);
      if (buffer.length - offset < size) break;
      const raw = buffer.subarray(offset, offset + size);
      offset += size;
      // `each` may call startTyped() (after a startup message): the next iteration frames by it.
      each({ type: this.typed ? raw[0]! : 0, raw });
    }
    if (offset < buffer.length) {
      // Copied: the socket may reuse its chunk's memory.
      buffer = Buffer.from(buffer.subarray(offset));
      this.pending = buffer;
    }
  }
}

/** The body of a message: after its type byte and length (or after the length, for an untyped one). */
export function bodyOf(message: RawMessage): Buffer {
  return message.raw.subarray(message.type === 0 ? 4 : 5);
}

/** A reader over a message's body. */
export function readerOf(message: RawMessage): BufferReader {
  const reader = new BufferReader();
  reader.setBuffer(0, bodyOf(message));
  return reader;
}

/** ReadyForQuery with a transaction status: I (idle), T (in a transaction block), E (in a failed one). */
export function readyForQuery(status: TransactionStatus): Buffer {
  return new Writer().addString(status).flush(Backend.ReadyForQuery);
}

export type TransactionStatus = 'I' | 'T' | 'E';

export function commandComplete(tag: string): Buffer {
  return new Writer().addCString(tag).flush(Backend.CommandComplete);
}

export interface NoticeFields {
  severity: 'ERROR' | 'FATAL' | 'WARNING' | 'NOTICE';
  code: string;
  message: string;
  detail?: string | undefined;
  hint?: string | undefined;
}

/** An ErrorResponse (or, with a WARNING/NOTICE severity, a NoticeResponse) as PostgreSQL writes one. */
export function errorResponse(fields: NoticeFields): Buffer {
  const writer = new Writer();
  writer.addString('S').addCString(fields.severity);
  writer.addString('V').addCString(fields.severity);
  writer.addString('C').addCString(fields.code);
  writer.addString('M').addCString(fields.message);
  if (fields.detail) writer.addString('D').addCString(fields.detail);
  if (fields.hint) writer.addString('H').addCString(fields.hint);
  writer.add(Buffer.from([0]));
  return writer.flush(fields.severity === 'ERROR' || fields.severity === 'FATAL' ? Backend.ErrorResponse : Backend.NoticeResponse);
}

export function authenticationRequest(code: number): Buffer {
  return new Writer().addInt32(code).flush(Backend.Authentication);
}

export function parameterStatus(name: string, value: string): Buffer {
  return new Writer().addCString(name).addCString(value).flush(Backend.ParameterStatus);
}

export function backendKeyData(pid: number, secret: number): Buffer {
  return new Writer().addInt32(pid).addInt32(secret).flush(Backend.BackendKeyData);
}

/** A message with no body: ParseComplete, BindComplete, CloseComplete, NoData, EmptyQueryResponse. */
export function emptyMessage(type: number): Buffer {
  return Buffer.from([type, 0, 0, 0, 4]);
}

/** ParameterDescription with no parameters: what Describe of a statement without any answers first. */
export function noParameters(): Buffer {
  return new Writer().addInt16(0).flush(Backend.ParameterDescription);
}

/** The C string at `offset` in `buffer`, and the offset after its NUL. */
export function cstringAt(buffer: Buffer, offset: number): { value: string; end: number } {
  const nul = buffer.indexOf(0, offset);
  return { value: buffer.toString('utf8', offset, nul), end: nul + 1 };
}

/**
 * A message rebuilt with some of its leading C strings replaced (statement and portal names, which
 * Parse, Bind, Describe, Close and Execute carry first): `leadBytes` are kept before them (the
 * 'S'/'P' of Describe and Close), the rest of the body after them is kept as it was.
 */
export function withLeadingStrings(message: RawMessage, leadBytes: number, replace: (values: string[]) => string[], count: number): Buffer {
  const body = bodyOf(message);
  const values: string[] = [];
  let offset = leadBytes;
  for (let i = 0; i < count; i++) {
    const { value, end } = cstringAt(body, offset);
    values.push(value);
    offset = end;
  }
  const replaced = replace(values);
  const writer = new Writer();
  if (leadBytes > 0) writer.add(body.subarray(0, leadBytes));
  for (const value of replaced) writer.addCString(value);
  writer.add(body.subarray(offset));
  return writer.flush(message.type);
}

/** The text of a ReadyForQuery's status byte. */
export function statusOf(message: RawMessage): TransactionStatus {
  return String.fromCharCode(message.raw[5]!) as TransactionStatus;
}

/** The fields of an ErrorResponse or NoticeResponse, by their one-letter codes. */
export function noticeFieldsOf(message: RawMessage): Map<string, string> {
  const fields = new Map<string, string>();
  const body = bodyOf(message);
  let offset = 0;
  while (offset < body.length && body[offset] !== 0) {
    const code = String.fromCharCode(body[offset]!);
    const { value, end } = cstringAt(body, offset + 1);
    fields.set(code, value);
    offset = end;
  }
  return fields;
}
