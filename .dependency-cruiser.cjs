/**
 * The import rules of runtag's sources, checked by `npm run lint` (`npx depcruise src test bench`).
 *
 * The layers of src/, lowest first. A folder may import its own files and any folder of a lower
 * layer; never a higher layer, and never a sibling of its own layer (except the few pairs allowed
 * below). The foundations (layer 0) may import each other; the circle rule keeps them from
 * importing each other both ways.
 */
const layers = [
  // 0 foundations: run ids, keys, tags and schema names; connections and the embedded server; CI detection; OS helpers;
  // the error base; the options resolver (every option and RUNTAG_* variable, read in one place).
  ['run', 'db', 'ci', 'util', 'errors', 'options'],
  // 1 what a run owns: the catalog, tagged rows, the scope role that owns a file's schema.
  ['ownership', 'sandbox'],
  // 2 the leak verifier; the factories (they only insert and track: nothing of schemas or runs).
  ['leaks', 'factory'],
  // 3 the reference domain's factories; the run registry (runs, scopes, leases, journals, sweep of dead runs).
  ['domain', 'registry'],
  // 4 schemas per file: migration replay, extensions, templates, the pool, per-test transactions.
  ['isolation'],
  // 5 a run and a scope from start to end; what `runtag doctor`, `runs` and `leaks` read from a server.
  ['lifecycle', 'diagnostics'],
  // 6 what users call: the runner adapters, the toolkit, the CLI, the example entry.
  ['vitest', 'playwright', 'toolkit', 'cli', 'example'],
  // 7 the runtag/advanced entry: like src/index.ts (the main entry, above all), it only re-exports the parts below.
  ['advanced'],
];

/**
 * Imports between siblings of one layer that are part of the design:
 * - vitest adds the toolkit's snapshot serializer to every file (the toolkit never imports a runner adapter);
 * - example is the reference domain's factories bound to both runner adapters.
 */
const siblingsAllowed = {
  vitest: ['toolkit'],
  example: ['vitest', 'playwright'],
};

const folders = (names) => `^src/(${names.join('|')})/`;

const layerRules = layers.flatMap((layer, index) => {
  const higher = layers.slice(index + 1).flat();
  const rules = [
    {
      name: `layer-${index}-not-up`,
      comment: `src/{${layer.join(',')}}/ must not import a higher layer (${higher.join(', ') || 'none'}) or src/index.ts: move the shared part down, or pass it in.`,
      severity: 'error',
      from: { path: folders(layer) },
      to: { path: higher.length > 0 ? [folders(higher), '^src/index\\.ts$'] : '^src/index\\.ts$' },
    },
  ];
  if (index === 0) return rules;
  for (const folder of layer) {
    const forbidden = layer.filter((other) => other !== folder && !(siblingsAllowed[folder] ?? []).includes(other));
    if (forbidden.length === 0) continue;
    rules.push({
      name: `layer-${index}-${folder}-not-sideways`,
      comment: `src/${folder}/ must not import its sibling(s) ${forbidden.join(', ')} of layer ${index}: they are independent of each other.`,
      severity: 'error',
      from: { path: folders([folder]) },
      to: { path: folders(forbidden) },
    });
  }
  return rules;
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import circles, anywhere: one of the two modules holds a part the other needs; move it to a module of its own below both.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'layer-unknown-folder',
      comment: 'Every folder of src/ has its place in the layers at the top of .dependency-cruiser.cjs: add a new one there.',
      severity: 'error',
      from: { path: '^src/', pathNot: [folders(layers.flat()), '^src/index\\.ts$'] },
      to: {},
    },
    {
      name: 'toolkit-runner-neutral',
      comment:
        'The toolkit (race, chaos helpers, query budgets, snapshots) is used from Vitest and Playwright alike: it takes the scope as an argument, ' +
        'so it imports neither runner adapter nor a test runner (a type-only import is erased and loads nothing; assertQuery loads ' +
        "Vitest's expect with import() when called without one of the test's own, and from Playwright it is given one).",
      severity: 'error',
      from: { path: '^src/toolkit/' },
      to: { path: ['^src/(vitest|playwright)/', '^node_modules/(vitest|@vitest|@playwright/test)/'], dependencyTypesNot: ['type-only', 'dynamic-import'] },
    },
    {
      name: 'core-runner-free',
      comment: 'Below the adapters nothing loads a test runner: the same core serves Vitest, Playwright and the CLI.',
      severity: 'error',
      from: {
        path: `^src/(${layers
          .slice(
            0,
            layers.findIndex((layer) => layer.includes('vitest')),
          )
          .flat()
          .join('|')})/`,
      },
      to: { path: '^node_modules/(vitest|@vitest|@playwright/test)/', dependencyTypesNot: ['type-only'] },
    },
    ...[
      ['vitest', '@playwright/test'],
      ['playwright', 'vitest|@vitest'],
    ].map(([adapter, other]) => ({
      name: `${adapter}-adapter-keeps-to-its-runner`,
      comment: 'Each runner adapter loads only its own runner: a user installs only the runner they use (both are optional peers).',
      severity: 'error',
      from: { path: `^src/${adapter}/` },
      to: { path: `^node_modules/(${other})/`, dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'src-not-to-tests',
      comment: "The published sources never import the repository's tests, benchmarks or examples (they are not in the package).",
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
    {
      name: 'src-not-to-dev-dependency',
      comment:
        'What src/ loads must be a dependency or peer dependency in package.json: a devDependency is missing from a user install. ' +
        '(vitest, @playwright/test, drizzle-orm and postgres are peers, and dev dependencies only so this repository can run.)',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only', 'npm-peer'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import of a file or package that does not exist.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // examples/blog and examples/chat are projects of their own (installed from the packed package), not this tree's modules.
    exclude: { path: '^(examples/(blog|chat)|bench/suite-cost/project|test/compat/project)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
