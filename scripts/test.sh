#!/usr/bin/env bash
# Kiban's whole test suite: `npm test`. Installs what the tests need when it is missing (Debian's
# chromium and Japanese fonts, the Go toolchain and govmomi for vcsim), makes sure the local
# PostgreSQL server runs, builds the web UI, then runs every test twice: once on embedded PGlite and
# once on a PostgreSQL database created for the run. A missing component fails the run; nothing skips.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

APT_PKGS=(chromium fonts-ipaexfont fonts-ipaexfont-gothic fonts-noto-cjk postgresql)
missing=()
for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "Installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "FAILED: could not install ${missing[*]}"; exit 1; }
fi

# Optional components brought by modules (each script installs its own Debian packages).
for s in scripts/ensure-*.sh; do
  [ -e "$s" ] || continue
  log "Preparing: $s"
  bash "$s" || { echo "FAILED: $s"; exit 1; }
done

PG_URL="${KIBAN_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  log "Starting the local PostgreSQL server"
  for v in $(ls /etc/postgresql 2>/dev/null); do $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "FAILED: PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }

log "Type check"
npx tsc -p . || { echo "FAILED: type errors"; exit 1; }

log "Building the web UI"
npx vite build --config web/vite.config.ts --logLevel warn || { echo "FAILED: web build"; exit 1; }

mkdir -p .test-results
status=0
log "Tests on embedded PGlite"
KIBAN_TEST_DB=pglite npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/pglite.json || status=1
log "Tests on the PostgreSQL server (a database created for this run)"
KIBAN_TEST_DB=postgres KIBAN_TEST_PG_URL="$PG_URL" npx vitest run --exclude 'e2e/**' --exclude 'src/cli/**' --exclude 'src/db/crash.test.ts' --reporter=default --reporter=json --outputFile.json=.test-results/postgres.json || status=1

node -e '
const fs = require("fs");
let p = 0, f = 0;
for (const n of ["pglite", "postgres"]) {
  try {
    const r = JSON.parse(fs.readFileSync(`.test-results/${n}.json`, "utf8")); p += r.numPassedTests; f += r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
    // Name every failure at the end, where a truncated log still shows it.
    for (const file of r.testResults ?? []) {
      if (file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed")) console.log(`FAILED (${n}) ${file.name}: ${(file.message ?? "").split("\n")[0]}`);
      for (const a of file.assertionResults ?? []) if (a.status === "failed") console.log(`FAILED (${n}) ${file.name} › ${a.fullName}\n    ${(a.failureMessages ?? []).join(" ").split("\n").slice(0, 3).join("\n    ")}`);
    }
  }
  catch { f += 1; console.log(`no results for ${n}`); }
}
console.log(`\n${p} passed, ${f} failed`);
'
[ $status -eq 0 ] && echo "ALL TESTS PASSED" || echo "TESTS FAILED"
exit $status
