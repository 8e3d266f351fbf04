/**
 * Inside a measured server process (pivot-esl or the floor): what the server adds between the Event Socket and
 * HTTP, timed on the system's monotonic clock, which the load process reads too (`process.hrtime.bigint()`). The
 * load stamps what it writes: each replayed FreeSWITCH event carries its write time in the channel variable
 * `bench_sent_ns` (a placeholder of fixed width in the recording, patched in place), and each IVR response its
 * write time in the `x-bench-sent-ns` header. The probe keeps each call's latest stamp and times, against it, the
 * call's next HTTP request (eslToHttp, dtmfToAction after a DTMF event and the completion of the input application
 * that read the key, written together, httpToHttp after a response) and its next
 * Event Socket command (httpToEsl after a response, eslToEsl after an event). Loopback and the time a stamped
 * message waited in the server (behind other calls, or a garbage collection) are in it; the load generator's own
 * delays are not. Nothing in the server is changed: sockets are seen through the `net.server.socket` diagnostics
 * channel, requests through undici's.
 */
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { lastStampIn, msSince, STAMP_HEADER, stampAt } from './bench-stamp.js';

export const ADDED_KINDS = ['eslToHttp', 'httpToEsl', 'dtmfToAction', 'httpToHttp', 'eslToEsl'] as const;
export type AddedKind = (typeof ADDED_KINDS)[number];

/** The samples of one window, in ms, by kind. */
export type AddedSamples = Record<AddedKind, number[]>;

/** The request and reply of the probe over IPC. */
export interface AddedRequest { type: 'added'; reset: boolean }
export interface AddedReply { type: 'added'; samples: AddedSamples }

interface Stamp {
  readonly ns: bigint;
  from: 'esl' | 'dtmf' | 'http';
  timedHttp: boolean;
  timedEsl: boolean;
}

/** The CallSid of an undici request: in its form body, its query, or a recording's file name. */
function callSidOf(path: string, body: unknown): string | undefined {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('latin1') : '';
  const inForm = /(?:^|&)CallSid=([^&]+)/.exec(text) ?? /[?&]CallSid=([^&]+)/.exec(path);
  if (inForm?.[1]) return decodeURIComponent(inForm[1]);
  return /call_recording_(.+)_\d+\.wav$/.exec(path)?.[1];
}

export class CallsProbe {
  #samples: AddedSamples = CallsProbe.#empty();
  /** Off until the first window is asked for: a soak, which never asks, keeps no samples. */
  #recording = false;
  readonly #last = new Map<string, Stamp>();
  readonly #requests = new WeakMap<object, string>();

  constructor() {
    diagnostics.subscribe('net.server.socket', (message) => this.#watch((message as { socket: Socket }).socket));
    diagnostics.subscribe('undici:request:create', (message) => {
      const request = (message as { request: { path: string; body?: unknown } }).request;
      const callSid = callSidOf(request.path, request.body);
      if (callSid === undefined) return;
      this.#requests.set(request, callSid);
      this.#sent(callSid, 'http');
    });
    diagnostics.subscribe('undici:request:headers', (message) => {
      const { request, response } = message as { request: object; response: { headers: Array<Buffer | string> } };
      const callSid = this.#requests.get(request);
      if (callSid === undefined) return;
      const headers = response.headers;
      for (let i = 0; i + 1 < headers.length; i += 2) {
        if (String(headers[i]).toLowerCase() !== STAMP_HEADER) continue;
        const ns = stampAt(String(headers[i + 1]), 0);
        if (ns !== undefined) this.#last.set(callSid, { ns, from: 'http', timedHttp: false, timedEsl: false });
      }
    });
  }

  /** The samples of the window so far; `reset` starts a new one. */
  take(reset: boolean): AddedSamples {
    this.#recording = true;
    const samples = this.#samples;
    if (reset) this.#samples = CallsProbe.#empty();
    return samples;
  }

  static #empty(): AddedSamples {
    return { eslToHttp: [], httpToEsl: [], dtmfToAction: [], httpToHttp: [], eslToEsl: [] };
  }

  #watch(socket: Socket): void {
    let uuid = '';
    socket.prependListener('data', (chunk: Buffer) => {
      // Searched in the bytes: the probe runs inside the measured server and must not add to its garbage.
      if (uuid === '') {
        const at = chunk.indexOf('Unique-ID: ');
        if (at >= 0) uuid = chunk.toString('latin1', at + 11, chunk.indexOf('\n', at));
      }
      if (uuid === '' || !chunk.includes('"Event-Name"')) return;
      const ns = lastStampIn(chunk);
      if (ns === undefined) {
        // An event without a stamp: whatever the call does next is not timed against an older one.
        this.#last.delete(uuid);
        return;
      }
      const dtmf = chunk.includes('"Event-Name":"DTMF"');
      const last = this.#last.get(uuid);
      if (last?.ns === ns) {
        // The rest of one burst (the load stamps a burst's events alike), read in another chunk.
        if (dtmf) last.from = 'dtmf';
        return;
      }
      this.#last.set(uuid, { ns, from: dtmf ? 'dtmf' : 'esl', timedHttp: false, timedEsl: false });
    });
    socket.once('close', () => { if (uuid !== '') this.#last.delete(uuid); });
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]): boolean => {
      if (uuid !== '') this.#sent(uuid, 'esl');
      return write(...args);
    });
  }

  /** The call sent something: the first request and the first command after a stamp are timed against it. */
  #sent(callSid: string, what: 'http' | 'esl'): void {
    const stamp = this.#recording ? this.#last.get(callSid) : undefined;
    if (!stamp) return;
    if (what === 'http' ? stamp.timedHttp : stamp.timedEsl) return;
    const ms = msSince(stamp.ns);
    if (what === 'http') {
      stamp.timedHttp = true;
      this.#samples[stamp.from === 'http' ? 'httpToHttp' : stamp.from === 'dtmf' ? 'dtmfToAction' : 'eslToHttp'].push(ms);
    } else {
      stamp.timedEsl = true;
      this.#samples[stamp.from === 'http' ? 'httpToEsl' : 'eslToEsl'].push(ms);
    }
  }
}
