#!/usr/bin/env bash
# One-time set-up for a fresh machine, safe to run again: pnpm and the locked dependencies, Chromium for the
# checkout-page browser test, and PostgreSQL + Redis answering on their local ports.
# Used by the README's two commands and by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "pnpm and dependencies"
if ! command -v pnpm >/dev/null 2>&1; then
  # corepack's signature check fails on some machines; the npm package works everywhere
  npm install -g pnpm@10
fi
pnpm install --frozen-lockfile

step "Chromium (browser test of the checkout page)"
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium)" >&2
  fi
fi

step "PostgreSQL and Redis"
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 ping 2>/dev/null)" = "PONG" ]; }
if ! pg_up || ! redis_up; then
  if docker compose version >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    docker compose up -d postgres redis
  fi
fi
if ! pg_up && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  # shellcheck disable=SC2046 # one cluster version directory is expected
  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
fi
if ! redis_up && command -v redis-server >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
for _ in $(seq 60); do
  if pg_up && redis_up; then break; fi
  sleep 0.5
done
if ! pg_up || ! redis_up; then
  echo "PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) is not answering." >&2
  echo "Start them with 'docker compose up -d postgres redis', or install Debian's postgresql and redis-server." >&2
  exit 1
fi
echo "PostgreSQL and Redis answer"
