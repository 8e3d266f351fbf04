/**
 * The address check of URLs that FreeSWITCH fetches itself (`<Play>` audio, Gather's nested `<Play>` included, and
 * conference hold audio): before such a URL is handed to FreeSWITCH, its host is resolved with the server's lookup
 * and every address is checked against the deny list the webhook requests follow (the same checker). A refused URL
 * is logged with ERR_CALL_MEDIA_DENIED (an address on the deny list) or ERR_CALL_MEDIA_DNS (the name did not
 * resolve) and is not played. Each host is checked once per call; the answer is forgotten with the call.
 *
 * FreeSWITCH resolves the name again when it fetches the file, so this narrows what a customer URL can reach but
 * cannot close a DNS rebinding window on its own: see README, "Hostile input".
 */
import type { LookupAddress } from 'node:dns';
import { AppError } from '../../errors.js';
import { noop, onAbort } from '../../util/abort.js';
import { Deferred } from '../../util/deferred.js';
import { DeniedAddressError, redactUrl } from '../../webhook/index.js';
import type { CallContext } from '../call-context.js';

/** The check of `host` for this call: asked once, then shared by every later media URL of the host. */
function hostCheck(ctx: CallContext, host: string): Promise<readonly LookupAddress[]> {
  const hosts = (ctx.state.mediaHosts ??= new Map<string, Promise<readonly LookupAddress[]>>());
  let check = hosts.get(host);
  if (!check) {
    check = ctx.addresses.resolve(host);
    check.catch(noop);
    hosts.set(host, check);
  }
  return check;
}

/** `promise`, or the signal's reason as soon as it aborts (a lookup cannot be cancelled, only left behind). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const aborted = new Deferred<never>();
  const off = onAbort(signal, (reason) => aborted.reject(reason));
  try {
    return await Promise.race([promise, aborted.promise]);
  } finally {
    off();
  }
}

function refusal(err: unknown, url: URL): AppError {
  if (err instanceof DeniedAddressError) {
    return new AppError('ERR_CALL_MEDIA_DENIED', `${url.hostname} resolves to ${err.address}, which is on the deny list`,
      { cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError('ERR_CALL_MEDIA_DNS', `${url.hostname} could not be resolved: ${reason}`, { cause: err });
}

/**
 * Checks the host of a media URL that FreeSWITCH will fetch. A refusal is logged (with the code, the URL without
 * credentials and the denied address) and thrown.
 * @throws AppError `ERR_CALL_MEDIA_DENIED` or `ERR_CALL_MEDIA_DNS`; the signal's reason when the call ends first.
 */
export async function requireMediaUrl(ctx: CallContext, url: URL): Promise<void> {
  try {
    await untilAborted(hostCheck(ctx, url.hostname), ctx.signal);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error = refusal(err, url);
    ctx.log.warn({ code: error.code, url: redactUrl(url), host: url.hostname,
      ...(err instanceof DeniedAddressError ? { address: err.address } : {}) }, 'media URL refused; not played');
    throw error;
  }
}

/** {@link requireMediaUrl} as a yes or no: false when the URL is refused (logged). */
export async function mediaUrlAllowed(ctx: CallContext, url: URL): Promise<boolean> {
  try {
    await requireMediaUrl(ctx, url);
    return true;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return false;
  }
}
