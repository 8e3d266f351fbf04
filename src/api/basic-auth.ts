/**
 * HTTP Basic authentication of the Calls API, as Twilio's clients send it: the username is the AccountSid
 * (`AC` + 32 hex digits) and the password that account's auth token. The token is the account's own from
 * `webhook.accountAuthTokens` (listed as `AC<hex>` or as the bare 32-hex Kazoo id), else `webhook.authToken`; an
 * account with neither cannot use the API. Tokens are compared in constant time (both hashed, then
 * timingSafeEqual), and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/index.js';
import { AppError } from '../errors.js';
import { accountHex } from './sids.js';

/** The realm of the WWW-Authenticate challenge. */
export const AUTH_REALM = 'pivot-esl';

/** The auth token of an account (`AC` + 32 hex), or undefined when it has none. */
export type TokenLookup = (accountSid: string) => string | undefined;

/** The token lookup of a configuration: the account's own token, else the default one, else none. */
export function apiTokenLookup(webhook: Readonly<Config['webhook']>): TokenLookup {
  return (accountSid) => {
    const hex = accountHex(accountSid);
    if (hex === undefined) return undefined;
    const own = webhook.accountAuthTokens.find((entry) => accountHex(entry.accountSid) === hex);
    if (own) return own.authToken;
    return webhook.authToken === '' ? undefined : webhook.authToken;
  };
}

/** `AC` + 32 hex digits, as a path or a username must write an account. */
const ACCOUNT_SID = /^AC[0-9a-f]{32}$/i;

/**
 * The account a request may act for: the one in its path, when the Authorization header names that account with
 * its token. Anything else throws ERR_API_AUTH (401, Twilio 20003).
 */
export function authenticate(authorization: string | undefined, pathAccountSid: string, tokenFor: TokenLookup): string {
  const credentials = basicCredentials(authorization);
  if (!credentials || !ACCOUNT_SID.test(credentials.username)) throw authError();
  const account = `AC${credentials.username.slice(2).toLowerCase()}`;
  const token = tokenFor(account);
  // Compared even when the account has no token, so that the time taken does not tell which accounts have one.
  const matches = sameSecret(credentials.password, token ?? '');
  if (token === undefined || !matches) throw authError();
  if (account !== `AC${pathAccountSid.slice(2).toLowerCase()}`) throw authError();
  return account;
}

/** The username and password of a Basic Authorization header, or undefined when it is not one. */
export function basicCredentials(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Equal secrets, compared in a time that depends on neither. */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected !== '';
}

function authError(): AppError {
  return new AppError('ERR_API_AUTH', 'Authentication Error - invalid username or password for this account');
}
