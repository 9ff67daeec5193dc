// The setup file a user names in vitest.config ('runtag/vitest/setup'), from the source.
import '../src/vitest/setup.js';
