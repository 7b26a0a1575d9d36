#!/usr/bin/env -S node --max-semi-space-size=64
// The flag: server/src/nodeFlags.ts.
import '../dist/cli/main.js';
