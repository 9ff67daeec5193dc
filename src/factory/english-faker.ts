import type { Faker, LocaleDefinition } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

/**
 * A fresh faker with faker's own English data: `en` and `base` (emoji, mime types, file names
 * live in `base`; `new Faker({ locale: [en] })` throws "The locale data for … are missing" there).
 *
 * Through `@faker-js/faker/locale/en`, not the package's index: the index loads every locale
 * (~270 ms on an idle 2-core machine, ~1 s under load), which every Vitest fork would pay at import.
 * That module exports only its instance, so a session's own (own seed stream) is made from its
 * class and its merged definitions.
 */
export function newEnglishFaker(): Faker {
  const FakerClass = english.constructor as new (options: { locale: LocaleDefinition }) => Faker;
  return new FakerClass({ locale: english.rawDefinitions });
}

/** The English definitions (en over base), for factories that draw from faker's word lists directly. */
export const englishDefinitions: LocaleDefinition = english.rawDefinitions;
