/**
 * The FreeSWITCH endpoint of a number or a SIP URI, from the `call.dial.*` templates, with the leg variables it
 * needs: what a `<Number>` and a `<Sip>` ring, and what a call created through the API dials. Every value is checked
 * (dial-values.ts, sip-uri.ts) before it is put into a template, and the filled template is checked again.
 */
import { fillTemplate } from './endpoint-resolver.js';
import { dialNumber, endpointValue, legValue } from './dial-values.js';
import { parseSipUri } from './sip-uri.js';

/** Variables as ordered name/value pairs. */
export type VarList = ReadonlyArray<readonly [name: string, value: string]>;

/** An endpoint and the variables of its leg. */
export interface DialEndpoint {
  readonly endpoint: string;
  readonly vars: VarList;
}

/** The templates endpoints are built from (`call.dial.*`). */
export interface EndpointTemplates {
  readonly numberTemplate: string;
  readonly sipTemplate: string;
}

/**
 * The endpoint of a phone number (formatting dropped, digits with an optional leading `+`).
 * @throws AppError ERR_DIAL_NUMBER_REFUSED, ERR_DIAL_ENDPOINT_REFUSED
 */
export function numberEndpoint(text: string, templates: EndpointTemplates): DialEndpoint {
  const number = dialNumber(text);
  return { endpoint: endpointValue(fillTemplate(templates.numberTemplate, { number })), vars: [] };
}

/** SIP credentials for a `<Sip>` leg. */
export interface SipCredentials {
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/**
 * The endpoint of a `sip:`/`sips:` URI; its `X-` headers become `sip_h_X-...` variables, other headers are left out
 * and named in `dropped`.
 * @throws AppError ERR_DIAL_ENDPOINT_REFUSED
 */
export function sipEndpoint(text: string, templates: EndpointTemplates, credentials: SipCredentials = {}):
  DialEndpoint & { readonly dropped: readonly string[] } {
  const target = parseSipUri(text);
  const vars: Array<readonly [string, string]> = [];
  if (credentials.username !== undefined) vars.push(['sip_auth_username', legValue(credentials.username, 'the SIP username')]);
  if (credentials.password !== undefined) vars.push(['sip_auth_password', legValue(credentials.password, 'the SIP password')]);
  for (const [name, value] of target.headers) vars.push([`sip_h_${name}`, value]);
  return { endpoint: endpointValue(fillTemplate(templates.sipTemplate, { uri: target.uri })), vars, dropped: target.dropped };
}
