/**
 * Ringing nouns to the legs of one `bridge`: each `<Number>`, `<Sip>`, `<User>` and `<Device>` becomes one or more
 * endpoints with their own leg variables. A noun whose value is refused is logged with its code and left out; the
 * others still ring.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { DeviceNoun, NumberNoun, RingNoun, SipNoun, UserNoun } from '../../twiml/index.js';
import type { CallContext } from '../call-context.js';
import { dtmfArg } from '../media/fs-args.js';
import { numberEndpoint, sipEndpoint, type VarList } from './dial-endpoints.js';
import { directoryId, endpointValue } from './dial-values.js';
import { legWhisper, type LegWhisper } from './whisper-legs.js';
import { logCode } from '../../log-code.js';

export type { VarList } from './dial-endpoints.js';

/** One B-leg of the bridge. */
export interface DialLeg {
  /** The B-leg's uuid (`origination_uuid`), known before it exists: DialCallSid. */
  readonly uuid: string;
  readonly endpoint: string;
  readonly vars: VarList;
  /** The noun it comes from. */
  readonly noun: RingNoun;
  /** The document the callee hears once it answers, before the bridge (`<Number url>`, `<Sip url>`). */
  readonly whisper?: LegWhisper;
}

/** Prefix of the `execute_on_answer_*` variables this server sets (FreeSWITCH runs every one of them). */
export const ON_ANSWER = 'execute_on_answer_pivot';

function leg(noun: RingNoun, endpoint: string, vars: VarList = [], whisper?: LegWhisper): DialLeg {
  const uuid = randomUUID();
  return { uuid, endpoint: endpointValue(endpoint), vars: [['origination_uuid', uuid], ...vars], noun,
    ...(whisper === undefined ? {} : { whisper }) };
}

function numberLegs(noun: NumberNoun, ctx: CallContext): DialLeg[] {
  const { endpoint } = numberEndpoint(noun.number, ctx.settings.dial);
  const vars: Array<readonly [string, string]> = [];
  if (noun.sendDigits !== undefined && noun.sendDigits !== '') {
    vars.push([`${ON_ANSWER}_digits`, `send_dtmf ${dtmfArg(noun.sendDigits)}`]);
  }
  return [leg(noun, endpoint, vars, legWhisper(noun, ctx))];
}

function sipLegs(noun: SipNoun, ctx: CallContext): DialLeg[] {
  const target = sipEndpoint(noun.uri, ctx.settings.dial, { username: noun.username, password: noun.password });
  if (target.dropped.length > 0) {
    logCode(ctx.log, 'ERR_DIAL_ENDPOINT_REFUSED', { headers: target.dropped, line: noun.position.line },
      'only X- headers are sent on a SIP leg; the others are left out');
  }
  return [leg(noun, target.endpoint, target.vars, legWhisper(noun, ctx))];
}

async function directoryLegs(noun: UserNoun | DeviceNoun, ctx: CallContext): Promise<DialLeg[]> {
  const id = directoryId(noun.id);
  const endpoints = await ctx.settings.dial.resolver.resolve({ kind: noun.kind, id, account: ctx.identity.accountSid,
    realm: ctx.realm });
  return endpoints.map((endpoint) => leg(noun, endpoint));
}

async function legsOf(noun: RingNoun, ctx: CallContext): Promise<DialLeg[]> {
  switch (noun.kind) {
    case 'Number':
      return numberLegs(noun, ctx);
    case 'Sip':
      return sipLegs(noun, ctx);
    case 'User':
    case 'Device':
      return directoryLegs(noun, ctx);
  }
}

/** The legs of every noun that could be turned into one; refused nouns are logged and skipped. */
export async function dialLegs(nouns: readonly RingNoun[], ctx: CallContext): Promise<DialLeg[]> {
  const legs: DialLeg[] = [];
  for (const noun of nouns) {
    try {
      legs.push(...await legsOf(noun, ctx));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      ctx.log.warn({ code: err.code, twilioCode: err.twilioCode, noun: noun.kind, line: noun.position.line, err: err.message },
        'a Dial noun is refused; it does not ring');
    }
  }
  return legs;
}
