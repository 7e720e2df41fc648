import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { relativeImports, sourceFiles } from '../support/source-files';

/**
 * The layout as rules: the domain's contexts import each other only downward (the order below, as README's
 * Layout section draws it), the domain imports neither views, adapters, shared code nor handlers, views never
 * reach adapters, and no files import each other in a circle.
 */
const ROOT = resolve(__dirname, '../../..');
const LAMBDAS = join(ROOT, 'lambdas');
/** Bottom to top: a context may import only those before it (and itself). */
const CONTEXTS = ['kernel', 'comments', 'people', 'surveys', 'scoring', 'loop', 'intake', 'outreach', 'insight', 'destinations'] as const;

const files = sourceFiles(LAMBDAS);
const graph = new Map(files.map((f) => [f, relativeImports(f)]));
const area = (file: string) => relative(LAMBDAS, file).split('/');
const contextOf = (file: string) => (area(file)[0] === 'domain' ? (area(file)[1] as (typeof CONTEXTS)[number]) : undefined);
const name = (file: string) => relative(ROOT, file);

describe('the layout', () => {
  it('has every domain file in one of the contexts, none of them over 15 files', () => {
    const domainFiles = files.filter((f) => area(f)[0] === 'domain');
    expect(domainFiles.filter((f) => !CONTEXTS.includes(contextOf(f)!)).map(name)).toEqual([]);
    for (const context of CONTEXTS) {
      const count = readdirSync(join(LAMBDAS, 'domain', context)).length;
      expect({ context, atMost15: count <= 15 }).toEqual({ context, atMost15: true });
    }
  });

  it('lets a context import only itself and the contexts below it', () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = contextOf(file);
      if (!from) continue;
      for (const target of targets) {
        if (area(target)[0] === 'pipeline.ts') continue;
        const to = contextOf(target);
        if (!to || CONTEXTS.indexOf(to) > CONTEXTS.indexOf(from)) upward.push(`${name(file)} -> ${name(target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keeps markup in views, AWS in adapters: views import no adapter or handler, adapters no view or handler', () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((target) => (area(file)[0] === 'views' && ['adapters', 'handlers', 'shared'].includes(area(target)[0])) || (area(file)[0] === 'adapters' && ['views', 'handlers', 'shared'].includes(area(target)[0])))
        .map((target) => `${name(file)} -> ${name(target)}`),
    );
    expect(crossing).toEqual([]);
  });

  it('has no import circle of more than two files', () => {
    // Tarjan's strongly connected components over the import graph.
    let index = 0;
    const stack: string[] = [];
    const state = new Map<string, { index: number; low: number; onStack: boolean }>();
    const circles: string[][] = [];
    const visit = (file: string) => {
      state.set(file, { index, low: index, onStack: true });
      index += 1;
      stack.push(file);
      for (const target of graph.get(file) ?? []) {
        if (!graph.has(target)) continue;
        if (!state.has(target)) {
          visit(target);
          state.get(file)!.low = Math.min(state.get(file)!.low, state.get(target)!.low);
        } else if (state.get(target)!.onStack) state.get(file)!.low = Math.min(state.get(file)!.low, state.get(target)!.index);
      }
      if (state.get(file)!.low === state.get(file)!.index) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          state.get(member)!.onStack = false;
          component.push(name(member));
        } while (member !== file);
        if (component.length > 2) circles.push(component);
      }
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
