#!/usr/bin/env bash
# Installs Debian's OpenLDAP server for the directory-login tests (each test starts its own slapd on
# a free loopback port with a temporary config; the package's own instance is not used).
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
if ! [ -x /usr/sbin/slapd ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq slapd ldap-utils >/dev/null
fi
[ -x /usr/sbin/slapd ] || { echo "slapd could not be installed" >&2; exit 1; }
