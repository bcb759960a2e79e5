#!/usr/bin/env node
// Runs the compiled CLI (`pnpm build` writes packages/*/dist; the image carries only that).
await import("../dist/main.js");
