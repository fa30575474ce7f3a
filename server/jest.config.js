const preset = require('../jest.preset.js');

/** Unit tests sit beside the code; integration tests (real PostgreSQL and Redis) live in test/. */
module.exports = {
  // Set at the top: a per-project testTimeout does not reach beforeAll/afterAll hooks.
  testTimeout: 60_000,
  projects: [
    { ...preset, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...preset,
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
    },
  ],
};
