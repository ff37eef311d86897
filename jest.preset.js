// Shared Jest preset: native ESM (libp2p ships only `import` exports), ts-jest transpiling
// each file alone (tsconfig's isolatedModules) without
// type checking (typecheck is its own target), and sibling packages resolved from source.
const major = Number(process.versions.node.split('.')[0])
if (major < 22) {
  throw new Error(
    `Meshwork tests need Node >= 22 (libp2p v3 uses Promise.withResolvers); this is Node ${process.versions.node}. ` +
      'Run them through `npm test` or `npx nx test <name>`, which put node_modules/.bin (Node 24) first on PATH.'
  )
}

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  testEnvironmentOptions: { customExportConditions: ['@meshwork/source', 'node'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 30000
}
