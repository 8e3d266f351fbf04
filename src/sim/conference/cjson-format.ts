/**
 * cJSON's formatted printer, which FreeSWITCH uses for `conference <name> json_list`:
 * objects break lines and indent members with tabs, `"key":\tvalue`; arrays stay on one line
 * with `, ` between items (esl-captures/more/conference-endconf-caller-hangup, json_list).
 */

/** A JSON value as the printer accepts it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Prints `value` like cJSON_Print at nesting `depth`. */
export function printCJsonFormatted(value: JsonValue, depth = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '[' + value.map((v) => printCJsonFormatted(v, depth + 1)).join(', ') + ']';
  const pad = '\t'.repeat(depth + 1);
  const members = Object.entries(value).map(([k, v]) => pad + JSON.stringify(k) + ':\t' + printCJsonFormatted(v, depth + 1));
  return '{\n' + members.join(',\n') + (members.length ? '\n' : '') + '\t'.repeat(depth) + '}';
}
