/**
 * Shared Jest settings. NestJS 12 ships ESM only: swc compiles our TypeScript and those packages to
 * CommonJS so Jest on Node 20 can load them (ts-jest cannot: tsc leaves import.meta in place).
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['node_modules/(?!(@nestjs|file-type|uid|load-esm|@tokenizer|token-types|strtok3)/)'],
  moduleNameMapper: { '^@kanjian/shared$': '<rootDir>/../shared/src/index.ts' },
};
