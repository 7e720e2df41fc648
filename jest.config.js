// Projects so each kind of test can run alone: `npx jest --selectProjects unit`.
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  // middy is ESM-only; ts-jest (allowJs) transpiles it for jest's CommonJS runtime.
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }] },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], setupFiles: ['<rootDir>/test/unit/setup-env.ts'] },
    { ...shared, displayName: 'cdk', testMatch: ['<rootDir>/test/cdk/**/*.test.ts'] },
    // The comment analyzer measured on the held-out parts of the labelled sets (test/eval/SOURCES.md).
    { ...shared, displayName: 'eval', testMatch: ['<rootDir>/test/eval/**/*.test.ts'] },
    // Emulators start and bundles build on a shared, sometimes loaded machine: no file may rely on jest's 5 s default.
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/test/integration/timeouts.ts'] },
  ],
};
