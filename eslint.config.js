// Lint rules for the whole workspace. The Nx module-boundary rule keeps the architecture
// visible: a package may import only core-mesh of ours; only apps/node imports them all.
import nx from '@nx/eslint-plugin'
import tseslint from 'typescript-eslint'

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', 'packages/core-mesh/src/wire/control.ts', 'packages/core-mesh/src/wire/flood.ts', 'packages/dht/src/wire/signed-record.ts', 'packages/gossip/src/wire/*.ts', '**/test/wire/*.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        allow: [],
        depConstraints: [
          { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
          { sourceTag: 'type:package', onlyDependOnLibsWithTags: ['scope:core'] },
          { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['scope:core'] },
          { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['scope:core', 'type:package'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['scope:core', 'type:package'] }
        ]
      }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error'
    }
  },
  {
    files: ['**/test/**/*.ts', '**/bin/**/*.ts', '**/cli/commands/**/*.ts', 'tools/**/*.ts'],
    rules: { 'no-console': 'off' }
  },
  {
    // a package's examples import it by name, as its users do, and print what they do
    files: ['packages/*/examples/**/*.ts'],
    rules: { 'no-console': 'off', '@nx/enforce-module-boundaries': 'off' }
  }
]
