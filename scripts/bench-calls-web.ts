/**
 * The customer web app of `npm run bench:calls` and `npm run soak`, on loopback: a realistic IVR.
 *
 * /ivr          Say a welcome, Gather one key behind a Say prompt (action /ivr/menu)
 * /ivr/menu     Play a sound, Record one second (no beep, no silence detection; action /ivr/recorded)
 * PUT /ivr/recorded/call_recording_<CallSid>_<n>.wav   the recording: 201
 * /ivr/recorded Redirect to /ivr/bye
 * /ivr/bye      Hangup
 * /park         Pause for an hour (the parked calls of the memory figure)
 *
 * Every request and every written response is reported to an observer with the call's CallSid, so that the load
 * side can time what the server adds between the Event Socket and HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { STAMP_HEADER, stampNow } from './bench-stamp.js';

/** Told of each request as it arrives and of each response once written. */
export interface WebObserver {
  request(callSid: string, method: string, path: string): void;
  responded(callSid: string): void;
}

const XML = { 'content-type': 'text/xml; charset=utf-8' };

const DOCUMENTS: Readonly<Record<string, string>> = {
  '/ivr': '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Thank you for calling the ' +
    'benchmark line.</Say><Gather numDigits="1" timeout="5" action="/ivr/menu"><Say voice="alice">For sales, ' +
    'press 1.</Say></Gather><Say>We did not get your choice.</Say></Response>',
  '/ivr/menu': '<?xml version="1.0" encoding="UTF-8"?><Response><Play>/media/sales.wav</Play>' +
    '<Record maxLength="1" timeout="0" playBeep="false" action="/ivr/recorded"/></Response>',
  '/ivr/recorded': '<?xml version="1.0" encoding="UTF-8"?><Response><Redirect>/ivr/bye</Redirect></Response>',
  '/ivr/bye': '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>',
  '/park': '<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="3600"/></Response>',
};

/** The CallSid of a request: in the form body, or in a recording's file name. */
function callSidOf(path: string, body: string): string {
  const at = body.indexOf('CallSid=');
  if (at >= 0) {
    const end = body.indexOf('&', at);
    return decodeURIComponent(body.slice(at + 8, end < 0 ? undefined : end));
  }
  return /call_recording_(.+)_\d+\.wav$/.exec(path)?.[1] ?? '';
}

/** The IVR web app; `observer` may be set or replaced at any time. */
export class IvrWebApp {
  observer: WebObserver | undefined;
  /** Recordings received (their bytes are dropped; the last one is kept). */
  uploads = 0;
  lastUpload: Buffer = Buffer.alloc(0);
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #port = 0;

  private constructor() {
    this.#server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.#onRequest(req, res));
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<IvrWebApp> {
    const app = new IvrWebApp();
    await new Promise<void>((resolve) => app.#server.listen(0, '127.0.0.1', resolve));
    app.#port = (app.#server.address() as AddressInfo).port;
    return app;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  /** Closes the keep-alive connections no request is using (so that an idle server holds no socket to us). */
  closeIdleConnections(): void {
    this.#server.closeIdleConnections();
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = req.method ?? 'GET';
      const callSid = callSidOf(path, method === 'PUT' ? '' : body.toString('latin1'));
      this.observer?.request(callSid, method, path);
      // The moment the response is written, for the server's probe (bench-calls-probe.ts).
      res.setHeader(STAMP_HEADER, stampNow());
      if (method === 'PUT') {
        this.uploads++;
        this.lastUpload = body;
        res.writeHead(201).end();
      } else {
        const document = DOCUMENTS[path];
        if (document === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        else res.writeHead(200, XML).end(document);
      }
      this.observer?.responded(callSid);
    });
  }
}
