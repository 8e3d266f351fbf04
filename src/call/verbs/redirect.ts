/**
 * `<Redirect>`: requests another document (method default POST). The URL resolves against the current document
 * by RFC 3986. Nested `<Variable>`s (Kazoo Pivot) are stored first, so the request already carries them.
 */
import type { RedirectVerb } from '../../twiml/index.js';
import { resolveUrl } from '../../twiml/index.js';
import { storeVariables } from './set.js';
import { navigate, type VerbHandler } from './verb-handler.js';

/** The `<Redirect>` handler. */
export const redirect: VerbHandler<RedirectVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    storeVariables(ctx, verb.variables);
    return navigate(resolveUrl(verb.url, ctx.state.document), verb.method);
  },
};
