// Every integration file's hooks and tests: emulators start and bundles build on a shared, sometimes loaded
// machine, so none relies on jest's 5 s default (a file may still set its own, longer one).
jest.setTimeout(120_000);
