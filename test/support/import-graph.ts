/**
 * The import graph of the sources, read with the TypeScript compiler's parser: for each file, the files it imports
 * (`import`, `export ... from`, `import()`), and whether each import is erased at run time (`import type`) or loaded
 * later (`import()`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import of a file. `to` is a path relative to the root (`src/call/run-call.ts`). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** `import type` / `export type`, or only type names: erased from the compiled module. */
  readonly typeOnly: boolean;
  /** `import()`: loaded when the code runs, not when the importing module is loaded. */
  readonly dynamic: boolean;
}

/** Every `.ts` file under `dir`, as paths relative to `root` with forward slashes. */
export function sourceFiles(root: string, dir: string): string[] {
  const files: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(join(root, dir));
  return files.sort();
}

/** The relative imports of one file's text; `file` is its path (forward slashes), used to resolve them. */
export function importsOf(file: string, text: string): ImportEdge[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean): void => {
    if (!specifier || !ts.isStringLiteralLike(specifier) || !specifier.text.startsWith('.')) return;
    const to = posix.normalize(posix.join(posix.dirname(file), specifier.text)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to, typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const onlyTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined &&
        ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, onlyTypes, false);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const onlyTypes = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 &&
        clause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier, onlyTypes, false);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The imports of every `.ts` file under `dir` of `root`. */
export function importGraph(root: string, dir: string): ImportEdge[] {
  return sourceFiles(root, dir).flatMap((file) => importsOf(file, readFileSync(join(root, file), 'utf8')));
}

/**
 * The cycles of modules that load each other (imports erased at run time and `import()` left out), each as the
 * list of its files, sorted; one list per strongly connected set of two files or more, or a file importing itself.
 */
export function loadCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (edge.typeOnly || edge.dynamic) continue;
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)?.add(edge.to);
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || next.get(v)?.has(v)) cycles.push(component.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return cycles;
}
