// Lint rules for every package: typescript-eslint's type-aware recommended set, and for the
// client's single-file components eslint-plugin-vue's recommended set; formatting is Prettier's
// job, so its overlapping rules are off.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import vue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.herald/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  ...vue.configs['flat/recommended'],
  {
    // The browser client: the DOM's globals, and `<script lang="ts">` parsed by typescript-eslint
    // inside vue-eslint-parser, with types from client/tsconfig.json.
    files: ['client/**/*.ts', 'client/**/*.vue'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] },
    },
    // A notification's payload is anyone's text: it is interpolated, never parsed as markup.
    rules: { 'vue/no-v-html': 'error' },
  },
  {
    // Runs in Node when Vite starts; checked with the client's Node config.
    files: ['client/vite.config.ts'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: false, project: ['./client/tsconfig.node.json'] },
    },
  },
  {
    // Tests are type-checked as one project (test/tsconfig.json), not by their packages' configs.
    files: ['**/test/**/*.ts', 'vitest.config.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: ['./test/tsconfig.json'] },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
)
