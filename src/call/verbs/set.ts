/**
 * `<Set>` with any number of `<Variable key value/>` (Kazoo Pivot): each pair is sent as a parameter on every
 * later request of the call. A later value replaces an earlier one; a pair named like a standard parameter is
 * kept but never sent in its place.
 */
import type { SetVerb, VariableNoun } from '../../twiml/index.js';
import type { CallContext } from '../call-context.js';
import { CONTINUE, type VerbHandler } from './verb-handler.js';

/** Stores variables for the later requests of the call; a Variable without a key is ignored. */
export function storeVariables(ctx: CallContext, variables: readonly VariableNoun[]): void {
  for (const variable of variables) {
    const key = variable.key.trim();
    if (key === '') continue;
    ctx.state.variables.delete(key);
    ctx.state.variables.set(key, variable.value);
  }
}

/** The `<Set>` handler. */
export const set: VerbHandler<SetVerb> = {
  needsAnswer: false,
  async run(verb, ctx) {
    storeVariables(ctx, verb.variables);
    return CONTINUE;
  },
};
