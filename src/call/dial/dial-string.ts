/**
 * The argument of `bridge`: `{originate variables}[leg variables]endpoint,[leg variables]endpoint`. Legs separated
 * by `,` ring at once and the first to answer wins. Every customer value was checked before it got here
 * (dial-values.ts); this module only refuses what would still break the string, as a last line of defence.
 */
import { AppError } from '../../errors.js';
import type { DialLeg, VarList } from './dial-legs.js';

const VAR_NAME = /^[A-Za-z0-9_-]+$/;
/** A variable value may hold spaces (`send_dtmf 1234`) but nothing that ends a list or expands. */
const UNSAFE_VALUE = /[,|^'"`\\[\]{}<>$\r\n\u0000-\u001f\u007f-\u009f]/;

function varList(vars: VarList): string {
  return vars.map(([name, value]) => {
    if (!VAR_NAME.test(name) || value === '' || UNSAFE_VALUE.test(value)) {
      throw new AppError('ERR_INTERNAL', `dial variable ${name} cannot be written safely`);
    }
    return `${name}=${value}`;
  }).join(',');
}

/** Builds the dial string of legs ringing at once, with variables for every leg (`{}`) and per leg (`[]`). */
export function dialString(global: VarList, legs: readonly DialLeg[]): string {
  const head = global.length === 0 ? '' : `{${varList(global)}}`;
  return head + legs.map((leg) => (leg.vars.length === 0 ? leg.endpoint : `[${varList(leg.vars)}]${leg.endpoint}`)).join(',');
}
