/**
 * Where `<User>` and `<Device>` ids ring. The default resolver fills the configured templates
 * (`call.dial.userTemplate`, `call.dial.deviceTemplate`) with the id, the account id and the realm; a resolver that
 * looks the id up in a directory (Kazoo's user and device documents, a registrar) can replace it without touching
 * the Dial verb. Whatever a resolver returns is still checked before it reaches FreeSWITCH.
 */

/** What a resolver knows about the call. */
export interface ResolveRequest {
  readonly kind: 'User' | 'Device';
  /** The checked id. */
  readonly id: string;
  /** The call's account id ('' when unknown). */
  readonly account: string;
  /** The realm of the call (configured, else ecallmgr_Realm, else the SIP To host; '' when unknown). */
  readonly realm: string;
}

/** Turns a User or Device id into FreeSWITCH endpoints (a user may have several devices; none means unreachable). */
export interface EndpointResolver {
  resolve(request: ResolveRequest): Promise<readonly string[]>;
}

/** The templates of the default resolver. */
export interface DirectoryTemplates {
  readonly user: string;
  readonly device: string;
}

/** Fills `{placeholder}`s of an endpoint template; unknown placeholders stay as they are. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The default resolver: one endpoint per id, from its template. */
export class TemplateResolver implements EndpointResolver {
  readonly #templates: DirectoryTemplates;

  constructor(templates: DirectoryTemplates) {
    this.#templates = templates;
  }

  async resolve(request: ResolveRequest): Promise<readonly string[]> {
    const template = request.kind === 'User' ? this.#templates.user : this.#templates.device;
    return [fillTemplate(template, { id: request.id, account: request.account, realm: request.realm })];
  }
}
