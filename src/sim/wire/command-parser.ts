/**
 * Incremental parser of the commands an Event Socket client sends, the way FreeSWITCH reads them:
 * a command line, `Name: value` header lines, a blank line, then `Content-Length` bytes of body.
 * `\r\n` is tolerated and blank lines before a command are skipped (so modesl's extra `\n\n`
 * after a body is harmless). Header values are split at the first `:` with leading spaces
 * removed, and are not URL-decoded.
 */

/** One command as received. Header names keep the case they were sent with. */
export interface ParsedCommand {
  readonly command: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Case-insensitive header lookup on a parsed command. */
export function headerOf(cmd: ParsedCommand, name: string): string | undefined {
  const direct = cmd.headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(cmd.headers)) {
    if (key.toLowerCase() === lower) return cmd.headers[key];
  }
  return undefined;
}

/** FreeSWITCH drops a connection that announces more than 16 MiB of body. */
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

/** Thrown when the peer sends something FreeSWITCH would drop the connection for. */
export class CommandFramingError extends Error {}

/** Accumulates bytes and yields complete commands. */
export class CommandParser {
  #buf: Buffer = Buffer.alloc(0);
  #pos = 0;
  #command: string | undefined;
  #headers: Record<string, string> = {};
  #bodyLength = -1;

  /** Feeds bytes; returns every command completed by them, in order. */
  push(chunk: Buffer): ParsedCommand[] {
    this.#buf = this.#pos < this.#buf.length ? Buffer.concat([this.#buf.subarray(this.#pos), chunk]) : chunk;
    this.#pos = 0;
    const out: ParsedCommand[] = [];
    for (;;) {
      if (this.#bodyLength >= 0) {
        if (this.#buf.length - this.#pos < this.#bodyLength) break;
        const body = this.#buf.toString('utf8', this.#pos, this.#pos + this.#bodyLength);
        this.#pos += this.#bodyLength;
        out.push(this.#finish(body));
        continue;
      }
      const nl = this.#buf.indexOf(0x0a, this.#pos);
      if (nl < 0) break;
      let end = nl;
      if (end > this.#pos && this.#buf[end - 1] === 0x0d) end--;
      const line = this.#buf.toString('utf8', this.#pos, end);
      this.#pos = nl + 1;
      const done = this.#line(line);
      if (done) out.push(done);
    }
    return out;
  }

  #line(line: string): ParsedCommand | undefined {
    if (this.#command === undefined) {
      if (line.trim() !== '') this.#command = line.replace(/\s+$/, '');
      return undefined;
    }
    if (line === '') {
      const lengthText = headerOf({ command: '', headers: this.#headers }, 'content-length');
      const length = lengthText === undefined ? 0 : Number.parseInt(lengthText, 10);
      if (length > MAX_CONTENT_LENGTH) throw new CommandFramingError('content-length too large');
      if (length > 0) {
        this.#bodyLength = length;
        return undefined;
      }
      return this.#finish(undefined);
    }
    const colon = line.indexOf(':');
    if (colon > 0) {
      this.#headers[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ +/, '');
    }
    return undefined;
  }

  #finish(body: string | undefined): ParsedCommand {
    const cmd: ParsedCommand =
      body === undefined
        ? { command: this.#command ?? '', headers: this.#headers }
        : { command: this.#command ?? '', headers: this.#headers, body };
    this.#command = undefined;
    this.#headers = {};
    this.#bodyLength = -1;
    return cmd;
  }
}
