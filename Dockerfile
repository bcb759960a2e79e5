# syntax=docker/dockerfile:1
# One image for every paygate service: the command picks it (api, watcher, dispatcher, migrate, or any
# operator command). The build stage compiles the TypeScript to JavaScript (`pnpm build`); the runtime stage
# carries only the compiled CLI and the workspace packages it runs, with their production dependencies: no
# sources, no tests, no dev tools, no TypeScript runner. docs/build.md describes it.

FROM node:24-slim AS base
# The same pnpm as CI (.ci/run, scripts/setup.sh) and the root package.json's packageManager.
RUN npm install -g pnpm@10.34.9
WORKDIR /app
# Every workspace package's manifest, so `--frozen-lockfile` sees the whole workspace the lockfile describes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/shared/package.json packages/shared/
COPY packages/api/package.json packages/api/
COPY packages/watcher/package.json packages/watcher/
COPY packages/dispatcher/package.json packages/dispatcher/
COPY packages/cli/package.json packages/cli/
COPY packages/sweep/package.json packages/sweep/
COPY packages/testkit/package.json packages/testkit/
COPY packages/devtools/package.json packages/devtools/
COPY test/package.json test/

# CI's install, lint and typecheck, then the build: an image is only ever built from code that passes them.
FROM base AS build
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm lint && pnpm typecheck
RUN pnpm build
# The CLI with the compiled workspace packages it depends on and their production dependencies, in one folder.
RUN pnpm --filter @paygate/cli deploy --prod --legacy /deploy

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    PAYGATE_ENV=production
WORKDIR /app
COPY --from=build /deploy ./
# Root owns the files; the services run as node and write nothing.
USER node
# the API's public port; every service's ops port (/readyz, /metrics) stays on the container's loopback
EXPOSE 3000
# /readyz on the ops port of whichever service this container runs (compose names the port explicitly).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "bin/healthcheck.mjs"]
ENTRYPOINT ["node", "bin/paygate.mjs"]
CMD ["api"]
