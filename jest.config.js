// Jest runs the TypeScript sources as ES modules (NestJS 12 ships only ESM), compiled by swc.
const swcEsm = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
  },
];
// ESM-only packages that the Fastify stack require()s from CommonJS (cookie@2 via the adapter,
// content-disposition via @fastify/static for /docs): Jest on Node 20 cannot require ESM, so they
// are compiled to CommonJS.
const ESM_ONLY_REQUIRED = ['cookie', 'content-disposition'];
const swcCjs = ['@swc/jest', { module: { type: 'commonjs' }, jsc: { target: 'es2023' } }];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': swcEsm,
    [`node_modules/(${ESM_ONLY_REQUIRED.join('|')})/.+\\.js$`]: swcCjs,
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_REQUIRED.join('|')})/)`],
  roots: ['<rootDir>/src', '<rootDir>/test', '<rootDir>/policies'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
