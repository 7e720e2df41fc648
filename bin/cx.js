#!/usr/bin/env node
// The `cx` command (npm link, or npm install -g from a checkout): runs bin/cli.ts through tsx's loader.
require('tsx/cjs');
require('./cli.ts');
