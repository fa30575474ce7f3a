const preset = require('../jest.preset.js');

/** The end-to-end test against the real hub (test/); the unit tests (jest.config.js) never pick it up. */
module.exports = { ...preset, displayName: 'simulator-e2e', rootDir: __dirname, testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testTimeout: 400_000 };
