import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Pure protocol code runs in the browser and in Node alike: no I/O, no platform-only modules. */
const PURE = ['src/sip/**', 'src/krb/**', 'src/sipae/**', 'src/hopsec/**', 'src/envelope/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: PURE,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...['fs', 'net', 'tls', 'http', 'https', 'crypto', 'ws', 'os', 'path', 'child_process', 'dgram'].map((name) => ({ name, message: 'Pure protocol code does no I/O and uses no Node-only modules.' })),
            ...['react', 'react-dom', 'jssip', 'zustand'].map((name) => ({ name, message: 'Pure protocol code has no UI or UA dependencies.' })),
          ],
          patterns: [{ group: ['node:*'], message: 'Pure protocol code does no I/O and uses no Node-only modules.' }],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'localStorage', 'indexedDB', 'fetch', 'WebSocket'],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
