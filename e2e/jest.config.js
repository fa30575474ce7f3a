const preset = require('../jest.preset.js');

/**
 * `unit`: the helpers of the suite (fast, no services). `e2e`: the built hub started as a real process with
 * its own database and Redis prefix, fed live, and the built wallboard driven in Debian's Chromium.
 */
module.exports = {
  projects: [
    { ...preset, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...preset, displayName: 'e2e', rootDir: __dirname, testMatch: ['<rootDir>/src/**/*.e2e.ts'], testTimeout: 180_000, slowTestThreshold: 60 },
  ],
};
