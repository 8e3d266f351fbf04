/**
 * The part of FreeSWITCH's XML dialplan (mod_dialplan_xml) the simulator routes channels with: `<context>`s of
 * `<extension>`s, each a list of `<condition field expression>` that must all match (the default break="on-false"),
 * whose `<action>`s run in order, the first matching extension of the context winning (continue="false"). A
 * condition's field is a caller profile field (`destination_number`, `caller_id_number`, `context`...) or a
 * `${variable}` expanded on the channel; a condition without a field always matches. Action data is expanded when
 * the action runs, as switch_core_session_execute_application does (`${var}`; `$${global}` is left alone).
 * Not modelled: anti-actions, regex="any|all|xor", break="never", inline actions, time conditions.
 */
import { XMLParser } from 'fast-xml-parser';
import { expandVariables, type VarLookup } from '../util/expand-vars.js';

/** One action of a matching extension, its data not yet expanded. */
export interface DialplanAction {
  readonly application: string;
  readonly data: string;
}

interface Condition {
  readonly field: string | undefined;
  readonly expression: RegExp;
  readonly actions: readonly DialplanAction[];
}

interface Extension {
  readonly name: string;
  readonly conditions: readonly Condition[];
}

/** What a condition may test: the caller profile's fields and the channel's variables. */
export interface RoutedChannel {
  readonly fields: Readonly<Record<string, string>>;
  readonly variables: VarLookup;
}

type Node = Record<string, unknown>;

function list(value: unknown): Node[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Node[];
}

function attr(node: Node, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? value : undefined;
}

/** Every `<context>` in the document, wherever it is (`<include>`, `<section name="dialplan">`...). */
function findContexts(node: unknown, out: Node[] = []): Node[] {
  if (typeof node !== 'object' || node === null) return out;
  for (const [key, value] of Object.entries(node as Node)) {
    if (key === 'context') out.push(...list(value));
    else if (!key.startsWith('@_')) for (const child of list(value)) findContexts(child, out);
  }
  return out;
}

function readExtension(node: Node): Extension {
  return {
    name: attr(node, 'name') ?? '',
    conditions: list(node['condition']).map((c) => ({
      field: attr(c, 'field'),
      expression: new RegExp(attr(c, 'expression') ?? ''),
      actions: list(c['action']).map((a) => ({ application: attr(a, 'application') ?? '', data: attr(a, 'data') ?? '' })),
    })),
  };
}

/** A dialplan of XML contexts. */
export class XmlDialplan {
  readonly #contexts = new Map<string, Extension[]>();

  /** Reads the contexts of `xml` (a dialplan file as FreeSWITCH's configuration holds it). */
  constructor(xml: string) {
    const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: () => false }).parse(xml) as unknown;
    for (const context of findContexts(tree)) {
      const name = attr(context, 'name') ?? '';
      const extensions = this.#contexts.get(name) ?? [];
      extensions.push(...list(context['extension']).map(readExtension));
      this.#contexts.set(name, extensions);
    }
  }

  /** Whether the dialplan has the context `name`. */
  has(name: string): boolean {
    return this.#contexts.has(name);
  }

  /** The actions of the first extension of `context` that matches the channel; undefined when none does. */
  route(context: string, channel: RoutedChannel): readonly DialplanAction[] | undefined {
    for (const extension of this.#contexts.get(context) ?? []) {
      const actions: DialplanAction[] = [];
      const matches = extension.conditions.every((condition) => {
        if (condition.field !== undefined) {
          const value = condition.field.includes('${') ? expandVariables(condition.field, channel.variables)
            : channel.fields[condition.field] ?? channel.variables.get(condition.field) ?? '';
          if (!condition.expression.test(value)) return false;
        }
        actions.push(...condition.actions);
        return true;
      });
      if (matches) return actions;
    }
    return undefined;
  }
}

/** Expands an action's data on the channel, as FreeSWITCH does when it runs the action. */
export function expandAction(action: DialplanAction, variables: VarLookup): DialplanAction {
  return { application: action.application, data: expandVariables(action.data, variables) };
}
