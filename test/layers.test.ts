/**
 * The layers of src/ point one way: configuration and the metrics observer at the bottom, then the Event Socket
 * layer and the TwiML parser, the webhook client, the call engine, and on top what builds and runs the server
 * (server/, cli/, admin/, park/, the simulator and the demo). Checked on the sources' import graph.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importGraph, importsOf, loadCycles, type ImportEdge } from './support/import-graph.js';

/** The repository, from dist/test. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The rule table: a module may import from its own layer and from layers of a lower rank only. Two layers of the
 * same rank do not import each other. What the table does not name (src/server/, src/cli/, src/admin/, src/park/,
 * src/sim/, src/demo/, src/index.ts...) is above every layer: it may import anything, and no layer imports it.
 */
const LAYERS: ReadonlyArray<{ readonly layer: string; readonly rank: number; readonly paths: readonly string[] }> = [
  { layer: 'base', rank: 0, paths: ['src/util/', 'src/errors.ts', 'src/log.ts', 'src/log-code.ts'] },
  { layer: 'config', rank: 1, paths: ['src/config/'] },
  { layer: 'metrics', rank: 1, paths: ['src/metrics/'] },
  { layer: 'esl', rank: 2, paths: ['src/esl/'] },
  { layer: 'twiml', rank: 2, paths: ['src/twiml/'] },
  { layer: 'webhook', rank: 3, paths: ['src/webhook/'] },
  { layer: 'call', rank: 4, paths: ['src/call/'] },
];

/**
 * Cycles allowed to stand: none. (The verbs that run documents of their own, Dial and Enqueue, reach the verb
 * handlers through the call's context, not through an import.) A cycle not in this list fails the test.
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [];

function layerOf(file: string): { readonly layer: string; readonly rank: number } {
  const entry = LAYERS.find(({ paths }) => paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  return entry ?? { layer: 'top', rank: Number.POSITIVE_INFINITY };
}

/** The imports that break the rule table, as `from -> to (layer -> layer)`. */
function upwardImports(edges: readonly ImportEdge[]): string[] {
  return edges.flatMap(({ from, to }) => {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a.layer === b.layer || b.rank < a.rank) return [];
    return [`${from} -> ${to} (${a.layer} -> ${b.layer})`];
  });
}

describe('layers of src/', () => {
  const edges = importGraph(ROOT, 'src');

  it('reads the import graph: every kind of import, type-only ones and import() told apart', () => {
    const found = importsOf('src/a/b.ts', [
      "import { x } from './x.js';",
      "import type { Y } from '../y/y.js';",
      "import { type Z } from './z.js';",
      "export { w } from './w.js';",
      "export type { V } from './v.js';",
      "import 'node:fs';",
      "const m = await import('../m.js');",
    ].join('\n'));
    assert.deepEqual(found.map((e) => [e.to, e.typeOnly, e.dynamic]), [
      ['src/a/x.ts', false, false],
      ['src/y/y.ts', true, false],
      ['src/a/z.ts', true, false],
      ['src/a/w.ts', false, false],
      ['src/a/v.ts', true, false],
      ['src/m.ts', false, true],
    ]);
    // The sources' own graph is read: the call engine imports the Event Socket layer.
    assert.ok(edges.some((e) => e.from.startsWith('src/call/') && e.to.startsWith('src/esl/')));
  });

  it('the rule table flags an import of a higher layer, or of a peer of the same rank', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, typeOnly: true, dynamic: false });
    assert.deepEqual(upwardImports([
      edge('src/config/index.ts', 'src/esl/server.ts'),
      edge('src/metrics/a.ts', 'src/call/index.ts'),
      edge('src/esl/a.ts', 'src/twiml/index.ts'),
      edge('src/call/a.ts', 'src/server/compose.ts'),
      edge('src/call/a.ts', 'src/webhook/index.ts'),
      edge('src/server/compose.ts', 'src/call/index.ts'),
      edge('src/webhook/a.ts', 'src/config/index.ts'),
    ]), [
      'src/config/index.ts -> src/esl/server.ts (config -> esl)',
      'src/metrics/a.ts -> src/call/index.ts (metrics -> call)',
      'src/esl/a.ts -> src/twiml/index.ts (esl -> twiml)',
      'src/call/a.ts -> src/server/compose.ts (call -> top)',
    ]);
  });

  it('no module imports a layer above its own (config, metrics < esl, twiml < webhook < call < the rest)', () => {
    assert.deepEqual(upwardImports(edges), []);
  });

  it('finds a cycle of modules, and not one made of type imports or import()', () => {
    const edge = (from: string, to: string, typeOnly = false, dynamic = false): ImportEdge => ({ from, to, typeOnly, dynamic });
    assert.deepEqual(loadCycles([
      edge('a', 'b'), edge('b', 'c'), edge('c', 'a'),
      edge('d', 'e'), edge('e', 'd', true),
      edge('f', 'g'), edge('g', 'f', false, true),
    ]), [['a', 'b', 'c']]);
  });

  it('no modules load each other in a cycle', () => {
    const known = new Set(KNOWN_CYCLES.map((cycle) => [...cycle].sort().join(' ')));
    const cycles = loadCycles(edges).map((cycle) => cycle.join(' ')).filter((cycle) => !known.has(cycle));
    assert.deepEqual(cycles, []);
  });
});
