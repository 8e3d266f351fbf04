import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { AppError, CallEndedError, EslError, toAppError } from '../errors.js';
import { after, raceTimeout } from '../util/abort.js';
import { Deferred } from '../util/deferred.js';
import { callEndFields, callEndLevel, outcomeOf } from './call-outcome.js';
import { EslChannel, type ChannelTimings } from './channel.js';
import { type ChannelData, parseChannelData } from './channel-data.js';
import type { EslEvent } from './event.js';
import type { FrameParserOptions } from './frame-parser.js';
import type { OutboundConnection } from './outbound-connection.js';
import { logCode } from '../log-code.js';

/** Runs one call; returns when the call's script is done. The connection is torn down afterwards. */
export type CallHandler = (channel: EslChannel) => Promise<void>;

export interface ConnectionOptions extends ChannelTimings {
  lingerSeconds: number;
  /** How long FreeSWITCH may take to answer `connect` before the socket is dropped. */
  connectTimeoutMs: number;
  /** After the handler: how long to wait for CHANNEL_HANGUP_COMPLETE before `exit`. */
  hangupCompleteTimeoutMs: number;
  /** After `exit`: how long FreeSWITCH may take to close before the socket is destroyed. */
  exitTimeoutMs: number;
  /** The cause used to hang up calls still up when the server shuts down. */
  shutdownHangupCause: string;
  /**
   * How long a call handler may go on once its connection has closed (the requests a call still owes after a
   * hangup, such as a recording's upload and action) before it is reported as stuck.
   */
  handlerGraceMs: number;
  frameLimits: FrameParserOptions;
  /** Fields bound to every log line of a call besides its uuid (the ids the application knows it by). */
  logBindings?: (data: ChannelData) => Record<string, string>;
}

/**
 * The life of one outbound connection: wait for the reply to `connect` (sent by the connection itself), subscribe,
 * hand the channel to the call handler, then end cleanly: hang up a call still up, wait for
 * CHANNEL_HANGUP_COMPLETE, send `exit`, close. Resolves once the socket is closed; never rejects.
 */
export async function runOutboundCall(conn: OutboundConnection, deps: {
  options: ConnectionOptions;
  log: Logger;
  handler: CallHandler;
  onChannel: (channel: EslChannel) => () => void;
}): Promise<void> {
  const { options, log } = deps;
  const socket = conn.rawSocket;
  // Read now: a closed socket no longer knows its peer.
  const peer = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
  const closed = new Deferred<void>();
  let channel: EslChannel | undefined;
  socket.once('close', () => {
    channel?.connectionClosed();
    closed.resolve();
  });
  conn.sink = {
    message: (message) => {
      if (channel) channel.handleMessage(message);
      else logCode(log, 'ERR_ESL_PROTOCOL', { contentType: message.contentType }, 'message before the connect reply');
    },
    protocolError: (err) => log.error({ code: err.code, err: err.message }, 'event socket protocol error; connection dropped'),
    socketError: (err) => {
      if (socket.bytesRead === 0) {
        log.debug({ ...peer, err: err.message }, 'event socket error before the peer sent anything');
      } else logCode(log, 'ERR_ESL_DISCONNECTED', { err: err.message }, 'event socket error');
    },
  };

  const reply = await waitForConnectReply(conn, closed.promise, options.connectTimeoutMs);
  if (reply instanceof AppError) {
    // A peer that connects and closes without a byte is a TCP health probe, not a FreeSWITCH that failed.
    if (reply.code === 'ERR_ESL_DISCONNECTED' && socket.bytesRead === 0) {
      log.debug(peer, 'connection closed before sending anything');
    } else {
      log.error({ code: reply.code, err: reply.message }, 'no usable reply to connect; connection dropped');
    }
    socket.destroy();
    return closed.promise;
  }
  let untrack = (): void => {};
  let callLog = log;
  try {
    const data = parseChannelData(reply);
    conn.channelData = null;
    callLog = log.child({ uuid: data.uuid, ...options.logBindings?.(data) });
    channel = new EslChannel(conn, data, callLog, options);
  } catch (err) {
    const appErr = toAppError(err);
    log.error({ code: appErr.code, err: appErr.message }, 'bad reply to connect; connection dropped');
    socket.destroy();
    return closed.promise;
  }
  untrack = deps.onChannel(channel);
  options.observer?.callStarted();
  const started = Date.now();
  callLog.info({ from: channel.data.callerIdNumber, to: channel.data.destinationNumber,
    answerState: channel.data.answerState }, 'call started');
  try {
    await channel.subscribe(options.lingerSeconds);
    if (!channel.signal.aborted) await runHandler(deps.handler, channel, closed.promise, options.handlerGraceMs);
  } catch (err) {
    logCallError(callLog, err);
  } finally {
    // What ended the script (nothing: it ran out), before our own hangup sets a reason.
    const endedBy = channel.signal.reason as AppError | undefined;
    await endCall(channel, socket, options, closed.promise);
    untrack();
    const hangup = await channel.hangupComplete;
    const reason = channel.signal.reason as CallEndedError | undefined;
    options.observer?.callEnded(outcomeOf(endedBy));
    callLog[callEndLevel(endedBy)]({ durationMs: Date.now() - started,
      hangupCause: hangup?.header('Hangup-Cause') ?? reason?.hangupCause, ...callEndFields(endedBy) }, 'call ended');
  }
}

/**
 * Runs the call handler, but stops waiting for it once the socket has closed: a handler that ignores its signal
 * must not hold the connection's clean-up.
 */
async function runHandler(handler: CallHandler, channel: EslChannel, closed: Promise<void>, graceMs: number):
  Promise<void> {
  const running = handler(channel);
  const finished = await Promise.race([running.then(() => true), closed.then(() => false)]);
  if (finished) return;
  // The close has rejected everything pending: a handler that listens to its signal ends within a few ticks.
  running.catch(() => undefined);
  const settled = await raceTimeout(running.then(() => true, () => true), graceMs);
  if (!settled) logCode(channel.log, 'ERR_INTERNAL', {}, 'the call handler was still running after its connection closed');
}

async function waitForConnectReply(conn: OutboundConnection, closed: Promise<void>, timeoutMs: number):
  Promise<EslEvent | AppError> {
  const result = new Deferred<EslEvent | AppError>();
  const onReady = (): void => {
    const data = conn.channelData;
    result.resolve(data ?? new EslError('ERR_ESL_PROTOCOL', 'the reply to connect is not CHANNEL_DATA'));
  };
  conn.onReady = onReady;
  const dispose = after(timeoutMs, () => result.resolve(new EslError('ERR_ESL_TIMEOUT', `no reply to connect in ${timeoutMs} ms`)));
  closed.then(() => result.resolve(new EslError('ERR_ESL_DISCONNECTED', 'closed before replying to connect')), () => {});
  try {
    return await result.promise;
  } finally {
    dispose();
    conn.onReady = undefined;
  }
}

async function endCall(channel: EslChannel, socket: Socket, options: ConnectionOptions, closed: Promise<void>): Promise<void> {
  const reason = channel.signal.reason as AppError | undefined;
  if (!channel.closed && (reason === undefined || reason.code === 'ERR_SHUTDOWN')) {
    // The script ended (or the server is stopping) with the call still up: hang it up, as Twilio does.
    const cause = reason ? options.shutdownHangupCause : 'NORMAL_CLEARING';
    await channel.hangup(cause).catch((err: unknown) => channel.log.warn({ code: toAppError(err).code }, 'hangup failed'));
  }
  if (!channel.closed && options.lingerSeconds > 0) {
    await raceTimeout(channel.hangupComplete, options.hangupCompleteTimeoutMs);
  }
  if (!channel.closed) {
    await channel.command('exit', undefined, { timeoutMs: options.exitTimeoutMs }).catch(() => undefined);
    socket.end();
  }
  if (!(await raceTimeout(closed.then(() => true), options.exitTimeoutMs))) socket.destroy();
  await closed;
}

function logCallError(log: Logger, err: unknown): void {
  const appErr = toAppError(err);
  if (appErr instanceof CallEndedError) {
    log.info({ ...callEndFields(appErr), hangupCause: appErr.hangupCause }, 'call ended during its script');
  } else if (appErr.code === 'ERR_INTERNAL') {
    log.error({ code: appErr.code, err }, 'call script failed');
  } else {
    log.warn({ code: appErr.code, err: appErr.message }, 'call script failed');
  }
}
