#!/usr/bin/env node
// The `devhost` command: the compiled command line (npm run build writes dist/).
require('../dist/src/cli.js');
