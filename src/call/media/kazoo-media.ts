/**
 * Kazoo media ids in `<Play>` (Kazoo Pivot plays a bare id from the account's media documents). They are played
 * from `call.kazooMediaUrl`, a URL template with `{id}` and optionally `{account}` (the call's AccountSid), e.g.
 * `http://kazoo:8000/v2/accounts/{account}/media/{id}/raw`. The template is the operator's configuration and the id
 * is 32 hex digits, so the URL is not put through the address check customer URLs get (Kazoo's API is usually on
 * a private address). Without a template, or with `{account}` and no account id, the audio is skipped
 * (ERR_CALL_KAZOO_MEDIA) rather than fetched as a URL relative to the document.
 */
import type { CallContext } from '../call-context.js';
import { fillTemplate } from '../dial/endpoint-resolver.js';
import { logCode } from '../../log-code.js';

/** The URL a Kazoo media id is played from, or undefined (reported) when it cannot be played. */
export function kazooMediaUrl(ctx: CallContext, id: string): URL | undefined {
  const template = ctx.settings.media.kazooMediaUrl ?? '';
  const account = ctx.identity.accountSid;
  if (template === '' || (template.includes('{account}') && account === '')) {
    const missing = template === '' ? 'kazooMediaUrl' : 'accountSid';
    const reason = template === '' ? 'call.kazooMediaUrl is not set' : 'the call has no account id for {account}';
    logCode(ctx.log, 'ERR_CALL_KAZOO_MEDIA', { mediaId: id, missing }, `Kazoo media id not played: ${reason}; skipped`);
    return undefined;
  }
  return new URL(fillTemplate(template, { id: encodeURIComponent(id), account: encodeURIComponent(account) }));
}
