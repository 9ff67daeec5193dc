import { createRequire } from 'node:module';
import type { Faker, LocaleDefinition } from '@faker-js/faker';

type EnglishModule = typeof import('@faker-js/faker/locale/en');

const MODULE = '@faker-js/faker/locale/en';
let loaded: EnglishModule | undefined;

/**
 * Load faker's English data ahead of need: the scope runtime calls this while it waits for its
 * schema, so the ~20–40 ms of parsing overlaps the network instead of delaying the first build.
 * Without it, the first session to draw a value loads it synchronously (require() of an ES module,
 * which Node ≥ 20.19 does).
 *
 * `@faker-js/faker/locale/en`, not the package's index: the index loads every locale (~270 ms on
 * an idle 2-core machine, ~1 s under load), in every Vitest fork.
 */
export async function preloadEnglishFaker(): Promise<void> {
  loaded ??= (await import(MODULE)) as EnglishModule;
}

function englishModule(): EnglishModule {
  return (loaded ??= createRequire(import.meta.url)(MODULE) as EnglishModule);
}

/**
 * A fresh faker with faker's own English data: `en` over `base` (emoji, mime types and file names
 * live in `base`; `new Faker({ locale: [en] })` throws "The locale data for … are missing" there).
 * The locale module exports only its instance, so a session's own (own seed stream) is made from
 * that instance's class and merged definitions.
 */
export function newEnglishFaker(): Faker {
  const english = englishModule().faker;
  const FakerClass = english.constructor as new (options: { locale: LocaleDefinition }) => Faker;
  return new FakerClass({ locale: english.rawDefinitions });
}

/** The English definitions (en over base), for factories that draw from faker's word lists directly. */
export function englishDefinitions(): LocaleDefinition {
  return englishModule().faker.rawDefinitions;
}
