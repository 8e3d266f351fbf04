/**
 * The argument of `bridge`: `{originate variables}[leg variables]endpoint,[leg variables]endpoint`. Legs separated
 * by `,` ring at once and the first to answer wins. Every customer value was checked before it got here
 * (dial-values.ts); values are escaped for their list (var-list-value.ts), and what still cannot be written is
 * refused, as a last line of defence.
 */
import { AppError } from '../../errors.js';
import type { DialLeg, VarList } from './dial-legs.js';
import { escapeListValue, uncarriable, type VarListKind } from './var-list-value.js';

const VAR_NAME = /^[A-Za-z0-9_-]+$/;

function varList(vars: VarList, kind: VarListKind): string {
  return vars.map(([name, value]) => {
    const why = uncarriable(value, kind);
    if (!VAR_NAME.test(name) || why !== undefined) {
      throw new AppError('ERR_INTERNAL', `dial variable ${name} cannot be written safely: ${why ?? 'a bad name'}`);
    }
    return `${name}=${escapeListValue(value, kind)}`;
  }).join(',');
}

/** Builds the dial string of legs ringing at once, with variables for every leg (`{}`) and per leg (`[]`). */
export function dialString(global: VarList, legs: ReadonlyArray<Pick<DialLeg, 'endpoint' | 'vars'>>): string {
  const head = global.length === 0 ? '' : `{${varList(global, 'global')}}`;
  return head + legs.map((leg) => (leg.vars.length === 0 ? leg.endpoint : `[${varList(leg.vars, 'leg')}]${leg.endpoint}`)).join(',');
}
