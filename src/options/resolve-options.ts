import { RuntagError, type CodeOf } from '../errors/runtag-error.js';
import { OPTION_LIST, OPTION_NAMES, type Env, type OptionName, type OptionSpec } from './option-list.js';
import type { ExplicitOptions } from './runtag-options.js';

type DefaultOf<K extends OptionName> = (typeof OPTION_LIST)[K]['default'] extends infer D ? (D extends (env: Env) => infer R ? R : D) : never;

/** Every option with its value decided: what everything below the resolver receives, never the environment. */
export type ResolvedOptions = {
  readonly [K in OptionName]-?: NonNullable<ExplicitOptions[K]> | (undefined extends DefaultOf<K> ? undefined : never);
};

/** An option or variable with a value runtag cannot take: names it, the value, and what is allowed. */
export class InvalidOptionError extends RuntagError {
  constructor(
    readonly option: OptionName,
    /** The variable that held the value, or `the <name> option`. */
    readonly source: string,
    allowed: string,
    value: unknown,
  ) {
    super(
      'INVALID_OPTION' satisfies CodeOf<'InvalidOptionError'>,
      `runtag: ${OPTION_LIST[option].noun} must be ${allowed}, got ${JSON.stringify(value)} (from ${source}).`,
    );
  }
}

/**
 * A variable as set, or undefined: an empty one is unset, like an absent one, for every variable
 * runtag reads. The one place runtag reads its variables (the options below, and the Playwright handoff).
 */
export function readVariable(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * One option, decided by one precedence: the explicit value (an option in the config, a CLI flag,
 * the runner's own --shard) wins over the variable, which wins over the runner's default (Playwright's
 * `shared` isolation), which wins over runtag's. An explicit undefined or empty string is unset.
 */
export function resolveOption<K extends OptionName>(
  name: K,
  explicit: ExplicitOptions[K] | undefined = undefined,
  env: Env = process.env,
  runnerDefault: ResolvedOptions[K] | undefined = undefined,
): ResolvedOptions[K] {
  // Indexing the list by a generic key loses the link between an option and its type; the list's own type keeps it.
  const spec = OPTION_LIST[name] as unknown as OptionSpec<NonNullable<ExplicitOptions[K]>>;
  const checked = (value: unknown, source: string) => {
    const parsed = spec.type.parse(value, source);
    if (parsed === undefined) throw new InvalidOptionError(name, source, spec.type.allowed, value);
    return parsed as ResolvedOptions[K];
  };
  if (explicit !== undefined && explicit !== '') return checked(explicit, `the ${name} option`);
  const raw = spec.env === undefined ? undefined : readVariable(env, spec.env);
  if (raw !== undefined) return checked(raw, spec.env!);
  if (runnerDefault !== undefined) return runnerDefault;
  return (typeof spec.default === 'function' ? spec.default(env) : spec.default) as ResolvedOptions[K];
}

/**
 * Every option at once (see resolveOption for the precedence). An explicit option runtag does not
 * have (a misspelt one, from a JavaScript config the types did not check) is refused, not ignored.
 */
export function resolveOptions(explicit: ExplicitOptions = {}, env: Env = process.env, runnerDefaults: Partial<ResolvedOptions> = {}): ResolvedOptions {
  const unknown = Object.keys(explicit).filter((key) => !(OPTION_NAMES as string[]).includes(key));
  if (unknown.length > 0) {
    throw new RuntagError(
      'UNKNOWN_OPTION',
      `runtag: no option ${unknown.map((key) => `"${key}"`).join(', ')}; runtag's options are ${OPTION_NAMES.join(', ')} (see docs/configuration.md).`,
    );
  }
  const resolved = Object.fromEntries(OPTION_NAMES.map((name) => [name, resolveOption(name, explicit[name], env, runnerDefaults[name])]));
  return resolved as ResolvedOptions;
}
