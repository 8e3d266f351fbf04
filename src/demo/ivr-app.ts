/**
 * The sample TwiML web application of the demo: a small IVR on 127.0.0.1 (a free port). It greets the caller and
 * offers a menu (Say, Gather); 1 stores the department (Set/Variable) and moves to the sales line (Redirect), 2
 * goes to voicemail (Record), whose recording it accepts by HTTP PUT, and it thanks the caller and says goodbye.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the app received. */
export interface IvrRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Form (POST) or query (GET) parameters. */
  readonly params: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
}

/** A recording the app received by PUT. */
export interface IvrRecording {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly bytes: number;
}

/** The running sample app. */
export interface IvrApp {
  /** The absolute URL of `path` (the entry point is `/ivr`). */
  url(path: string): string;
  readonly requests: readonly IvrRequest[];
  readonly recordings: readonly IvrRecording[];
  close(): Promise<void>;
}

function twiml(verbs: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n${verbs}\n</Response>\n`;
}

/** The documents, by path. */
const PAGES: Readonly<Record<string, (params: Readonly<Record<string, string>>) => string>> = {
  '/ivr': () => twiml([
    '  <Say voice="alice">Thank you for calling Pivot Widgets.</Say>',
    '  <Gather action="/ivr/menu" numDigits="1" timeout="5">',
    '    <Say>For sales, press 1. To leave us a message, press 2.</Say>',
    '  </Gather>',
    '  <Say>We did not hear a choice. Goodbye.</Say>',
    '  <Hangup/>',
  ].join('\n')),
  '/ivr/menu': (params) => {
    if (params['Digits'] === '1') {
      return twiml('  <Set><Variable key="department" value="sales"/></Set>\n  <Redirect>/ivr/sales</Redirect>');
    }
    if (params['Digits'] === '2') return twiml('  <Redirect>/ivr/voicemail</Redirect>');
    return twiml('  <Say>Sorry, that is not an option.</Say>\n  <Redirect>/ivr</Redirect>');
  },
  '/ivr/sales': () => twiml([
    '  <Say>All of our sales people are busy.</Say>',
    '  <Gather action="/ivr/menu" numDigits="1" timeout="5">',
    '    <Say>Press 2 to leave them a message.</Say>',
    '  </Gather>',
    '  <Say>Goodbye.</Say>',
    '  <Hangup/>',
  ].join('\n')),
  '/ivr/voicemail': () => twiml([
    '  <Say>Please leave a message after the beep. Press the pound key when you are done.</Say>',
    '  <Record action="/ivr/recorded" recordingUrl="/recordings" maxLength="30" timeout="3" finishOnKey="#"/>',
    '  <Say>We did not get a message. Goodbye.</Say>',
    '  <Hangup/>',
  ].join('\n')),
  '/ivr/recorded': (params) => {
    const seconds = params['RecordingDuration'] ?? '0';
    const who = params['department'] === undefined ? 'us' : `our ${params['department']} team`;
    return twiml(`  <Say>Thank you. Your ${seconds} second message for ${who} has been saved. Goodbye.</Say>\n  <Hangup/>`);
  },
};

function paramsOf(req: IncomingMessage, url: URL, body: Buffer): Record<string, string> {
  const form = req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  return Object.fromEntries(form ? new URLSearchParams(body.toString('utf8')) : url.searchParams);
}

/** Starts the sample app on 127.0.0.1 and a free port. */
export async function startIvrApp(): Promise<IvrApp> {
  const requests: IvrRequest[] = [];
  const recordings: IvrRecording[] = [];
  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const params = paramsOf(req, url, body);
    requests.push({ method: req.method ?? '', path: url.pathname, params, bodyBytes: body.length });
    if (req.method === 'PUT' && url.pathname.startsWith('/recordings/')) {
      recordings.push({ path: url.pathname, contentType: req.headers['content-type'], bytes: body.length });
      res.writeHead(201, { 'content-type': 'text/plain' }).end('stored');
      return;
    }
    const page = req.method === 'GET' || req.method === 'POST' ? PAGES[url.pathname] : undefined;
    if (page === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(page(params));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    recordings,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
