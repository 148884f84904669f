import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: 'error',
      curly: 'error',
    },
  },
  {
    files: ['src/kafka/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/kafka/ must not depend on VS Code.' }] }],
    },
  },
  {
    files: ['src/clusters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../views/*', '**/views/*'], message: 'src/clusters/ must not depend on src/views/: pass what it needs, or fire an event the view listens to.' }] }],
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    ignores: ['src/commands/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['./*'], message: 'A command does not import another command: move what they share to clusters/, consumers/, views/ or kafka/.' }] }],
    },
  },
);
