#!/usr/bin/env bash
# Installs what the Zabbix-server integration tests (src/monitoring/zabbix-server/zabbix.test.ts) need
# from Debian when missing, and writes the frontend's configuration file:
#   zabbix-server-pgsql  — zabbix_server and the PostgreSQL schema (/usr/share/zabbix-server-pgsql/*.sql.gz)
#   zabbix-frontend-php  — the PHP frontend with api_jsonrpc.php (/usr/share/zabbix)
#   php-cli + modules    — `php -S` serves the frontend on loopback (no web server, no php-fpm)
#   zabbix-agent         — zabbix_sender (installed by ensure-monitoring.sh too; named here as well)
# Nothing is started or left running: a policy-rc.d (exit 101) keeps the maintainer scripts from
# starting services, and where systemd runs the units the packages enable are disabled again. The tests
# start their own zabbix_server and `php -S` on free loopback ports, on a database made for the run.
# Exits non-zero when anything is still missing afterwards: the tests fail rather than skip.
set -euo pipefail

sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo=sudo

FRONTEND_CONF=/etc/zabbix/zabbix.conf.php
MARKER='kiban-zabbix-test-harness'

need=()
[[ -x /usr/sbin/zabbix_server ]] || need+=(zabbix-server-pgsql)
[[ -f /usr/share/zabbix-server-pgsql/schema.sql.gz ]] || need+=(zabbix-server-pgsql)
[[ -f /usr/share/zabbix/api_jsonrpc.php ]] || need+=(zabbix-frontend-php)
command -v zabbix_sender >/dev/null 2>&1 || need+=(zabbix-agent)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
if ! command -v php >/dev/null 2>&1; then
  need+=(php-cli php-cgi php-pgsql php-gd php-bcmath php-mbstring php-xml php-ldap)
else
  mods="$(php -m 2>/dev/null | tr 'A-Z' 'a-z')"
  for m in pgsql gd bcmath mbstring xml ldap; do
    grep -qx "$m" <<<"$mods" || need+=("php-$m")
  done
fi

if [[ ${#need[@]} -gt 0 ]]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  echo "ensure-zabbix-server: installing ${need[*]}" >&2
  # php8.2 depends on "libapache2-mod-php | php-fpm | php-cgi": php-cgi satisfies it without a web server.
  [[ " ${need[*]} " == *" zabbix-frontend-php "* ]] && need+=(php-cli php-cgi)
  export DEBIAN_FRONTEND=noninteractive
  made_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  status=0
  { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2 || status=$?
  [[ $made_policy -eq 1 ]] && $sudo rm -f /usr/sbin/policy-rc.d
  [[ $status -eq 0 ]] || { echo "ensure-zabbix-server: apt-get failed ($status)" >&2; exit 1; }
  # Where systemd runs, the packages enable their units: the tests never use them.
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    for unit in zabbix-server apache2 php8.2-fpm; do
      $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
fi

# Debian's frontend reads its configuration from one fixed path (CConfigFile::CONFIG_FILE_PATH). Ours
# takes the database and server from the environment of the `php -S` process, so each test run points
# the frontend at its own database. A configuration that is not ours is never overwritten.
if [[ ! -e "$FRONTEND_CONF" ]] || grep -q "$MARKER" "$FRONTEND_CONF"; then
  $sudo mkdir -p "$(dirname "$FRONTEND_CONF")"
  $sudo tee "$FRONTEND_CONF" >/dev/null <<'PHP'
<?php
// kiban-zabbix-test-harness: written by Kiban's scripts/ensure-zabbix-server.sh for its tests.
// Every value comes from the environment of the PHP process that serves the frontend.
$DB['TYPE']           = 'POSTGRESQL';
$DB['SERVER']         = getenv('KIBAN_ZBX_DB_HOST') ?: '127.0.0.1';
$DB['PORT']           = getenv('KIBAN_ZBX_DB_PORT') ?: '5432';
$DB['DATABASE']       = getenv('KIBAN_ZBX_DB_NAME') ?: 'zabbix';
$DB['USER']           = getenv('KIBAN_ZBX_DB_USER') ?: 'zabbix';
$DB['PASSWORD']       = getenv('KIBAN_ZBX_DB_PASSWORD') ?: '';
$DB['SCHEMA']         = '';
$DB['ENCRYPTION']     = false;
$DB['DOUBLE_IEEE754'] = true;
$ZBX_SERVER           = getenv('KIBAN_ZBX_SERVER_HOST') ?: '127.0.0.1';
$ZBX_SERVER_PORT      = getenv('KIBAN_ZBX_SERVER_PORT') ?: '10051';
$ZBX_SERVER_NAME      = 'kiban-test';
$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
PHP
else
  echo "ensure-zabbix-server: $FRONTEND_CONF exists and is not Kiban's; the Zabbix tests will fail" >&2
  exit 1
fi

missing=()
[[ -x /usr/sbin/zabbix_server ]] || missing+=(zabbix_server)
[[ -f /usr/share/zabbix/api_jsonrpc.php ]] || missing+=(api_jsonrpc.php)
for f in schema images data; do [[ -f "/usr/share/zabbix-server-pgsql/$f.sql.gz" ]] || missing+=("$f.sql.gz"); done
command -v php >/dev/null 2>&1 || missing+=(php)
command -v zabbix_sender >/dev/null 2>&1 || missing+=(zabbix_sender)
command -v psql >/dev/null 2>&1 || missing+=(psql)
if command -v php >/dev/null 2>&1; then
  mods="$(php -m 2>/dev/null | tr 'A-Z' 'a-z')"
  for m in pgsql gd bcmath mbstring xml ldap; do grep -qx "$m" <<<"$mods" || missing+=("php-$m"); done
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "ensure-zabbix-server: still missing: ${missing[*]}" >&2
  exit 1
fi
echo "ensure-zabbix-server: zabbix_server $(/usr/sbin/zabbix_server -V | head -1 | awk '{print $NF}'), frontend and php present" >&2
