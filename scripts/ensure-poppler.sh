#!/usr/bin/env bash
# Installs Debian's poppler-utils: the monthly report's test reads its PDF back with pdftotext (the
# printed labels), and pdftoppm renders pages to look at.
set -euo pipefail
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
if ! command -v pdftotext >/dev/null; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq poppler-utils >/dev/null
fi
command -v pdftotext >/dev/null || { echo "pdftotext could not be installed" >&2; exit 1; }
