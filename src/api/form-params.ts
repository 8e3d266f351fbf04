/**
 * The parameters of a Calls API request: a form-encoded body (POST) or the query string (GET), read with a size
 * limit. A name may repeat (`StatusCallbackEvent`); `get` gives its first value.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors.js';

/** The parameters of one request, by name, in the order given. */
export class FormParams {
  readonly #values = new Map<string, string[]>();

  constructor(search: URLSearchParams) {
    for (const [name, value] of search) {
      const list = this.#values.get(name);
      if (list) list.push(value);
      else this.#values.set(name, [value]);
    }
  }

  /** The first value of `name`, undefined when it is absent. */
  get(name: string): string | undefined {
    return this.#values.get(name)?.[0];
  }

  /** Every value of `name`, in order. */
  all(name: string): readonly string[] {
    return this.#values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** The names given. */
  names(): IterableIterator<string> {
    return this.#values.keys();
  }
}

const FORM_TYPE = 'application/x-www-form-urlencoded';

/**
 * Reads a form-encoded request body of at most `maxBytes`. A body of another content type is refused
 * (ERR_API_BODY_INVALID), and so is one that is not UTF-8; an empty body may come without a content type. A larger
 * body is refused as soon as its Content-Length, or what has arrived, says so (ERR_API_BODY_TOO_LARGE).
 */
export async function readFormBody(req: IncomingMessage, maxBytes: number): Promise<FormParams> {
  const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (size === 0 && contentType === '') return new FormParams(new URLSearchParams());
  if (contentType !== FORM_TYPE) {
    throw new AppError('ERR_API_BODY_INVALID',
      `the body must be ${FORM_TYPE}, not ${contentType === '' ? 'of no declared type' : contentType}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError('ERR_API_BODY_INVALID', 'the body is not UTF-8 text');
  }
  return new FormParams(new URLSearchParams(text));
}

function tooLarge(maxBytes: number): AppError {
  return new AppError('ERR_API_BODY_TOO_LARGE', `the body is larger than ${maxBytes} bytes`);
}
