// TypeDoc names each entry point by its path (`tensor/src`); the reference is read by package, so name each
// module for its package (`@nn/tensor`) and open it with the package's one-line description.
import { readFileSync } from 'node:fs';
import { Comment, Converter } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.children ?? []) {
      const dir = /^(\w+)\/src$/.exec(mod.name)?.[1];
      if (!dir) continue;
      const pkg = JSON.parse(readFileSync(new URL(`../packages/${dir}/package.json`, import.meta.url), 'utf8'));
      mod.name = pkg.name;
      mod.comment = new Comment([{ kind: 'text', text: pkg.description }]);
    }
  });
}
