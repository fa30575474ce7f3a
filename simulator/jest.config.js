const preset = require('../jest.preset.js');

/** Unit tests only: offline, no hub, no services. */
module.exports = { ...preset, displayName: 'simulator', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] };
