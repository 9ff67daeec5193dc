// runtag's setup module, as a user's vitest.config names it ('runtag/vitest/setup'), from the source.
import '../src/vitest/setup.js';
