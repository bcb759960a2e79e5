# syntax=docker/dockerfile:1
# One image for every paygate service: the command picks it (api, watcher, dispatcher, migrate, or any
# operator command). Services run from the TypeScript sources with tsx (a production dependency of the CLI),
# so there is no build step: the image carries sources and production dependencies only.

FROM node:20-slim AS base
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
COPY packages/devtools/package.json packages/devtools/
COPY test/package.json test/

# CI's install, lint and typecheck. The runtime stage takes its sources from here, so an image is only ever
# built from code that passes them.
FROM base AS check
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm lint && pnpm typecheck

# The dev tools (pnpm dev, demo, pay: Anvil, the Bitcoin simulator) are a workspace package of their own: left out,
# with their dependencies, so the image carries no Anvil binary.
FROM base AS prod-deps
RUN pnpm install --frozen-lockfile --prod --filter "!@paygate/devtools"

FROM node:20-slim AS runtime
ENV NODE_ENV=production \
    PAYGATE_ENV=production
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=check /app/packages/shared/src packages/shared/src
COPY --from=check /app/packages/api/src packages/api/src
COPY --from=check /app/packages/watcher/src packages/watcher/src
COPY --from=check /app/packages/dispatcher/src packages/dispatcher/src
COPY --from=check /app/packages/cli/src packages/cli/src
COPY --from=check /app/packages/cli/bin packages/cli/bin
# Root owns the files; the services run as node and only write to /tmp (tsx's cache).
USER node
EXPOSE 3000 3001 3002
# /readyz of whichever service this container runs (compose names the port explicitly).
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "packages/cli/bin/healthcheck.mjs"]
ENTRYPOINT ["node", "packages/cli/bin/paygate.mjs"]
CMD ["api"]
