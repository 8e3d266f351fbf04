/**
 * `<Pay>`, `<Refer>` and `<Connect>`: Twilio verbs this server does not carry out. Skipping them changes where the
 * call goes, so each one has its own outcome, chosen so that the application is never misled:
 * - `<Pay>`: nothing is asked of the caller and nothing is charged. With an `action`, it is requested with
 *   `Result=internal-error` (Twilio's result when Pay fails on its side), so the application takes its failure
 *   path; without one the script ends there (the call is hung up): the verbs after it never run as if a payment
 *   had been taken.
 * - `<Refer>`: the call is not transferred and stays here. With an `action`, it is requested with
 *   `ReferCallStatus=failed`; without one the next verb runs.
 * - `<Connect>`: nothing is connected, as if the connection had ended at once: its `action` is requested (without
 *   further parameters), or the next verb runs.
 * Each is logged with ERR_TWIML_SKIPPED when it is reached.
 */
import { resolveUrl, type SkippedVerb } from '../../twiml/index.js';
import type { Params } from '../../webhook/index.js';
import { CONTINUE, END, navigate, type VerbHandler, type VerbOutcome } from './verb-handler.js';
import { logCode } from '../../log-code.js';

/** What a skipped verb adds to its action request, and what happens when it has no action. */
const OUTCOMES: { readonly [K in SkippedVerb['kind']]: { readonly extra: Params; readonly withoutAction: VerbOutcome; readonly says: string } } = {
  Pay: {
    extra: [['Result', 'internal-error']],
    withoutAction: END,
    says: 'nothing was charged; its action gets Result=internal-error, without one the script ends',
  },
  Refer: {
    extra: [['ReferCallStatus', 'failed']],
    withoutAction: CONTINUE,
    says: 'the call is not transferred; its action gets ReferCallStatus=failed, without one the next verb runs',
  },
  Connect: {
    extra: [],
    withoutAction: CONTINUE,
    says: 'nothing is connected; its action is requested, without one the next verb runs',
  },
};

/** The handler of every skipped verb that is kept in the document. */
export const skipped: VerbHandler<SkippedVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    const outcome = OUTCOMES[verb.kind];
    logCode(ctx.log, 'ERR_TWIML_SKIPPED', { verb: verb.kind, line: verb.position.line, action: verb.action !== undefined },
      `<${verb.kind}> is not supported: ${outcome.says}`);
    if (verb.action === undefined) return outcome.withoutAction;
    return navigate(resolveUrl(verb.action, ctx.state.document), verb.method, { extra: outcome.extra });
  },
};
