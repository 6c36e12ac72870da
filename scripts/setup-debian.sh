#!/usr/bin/env bash
# Installs the system packages myna-audit needs on Debian/Ubuntu (only those missing):
#   pcscd, libpcsclite-dev, pkgconf   to build and talk to real readers
#   vsmartcard-vpcd, opensc           for the end-to-end tests through a virtual reader
#   chromium, fonts-ipafont-gothic    the HTML report's headless-browser test (tests/html_browser.rs)
#   groff-base, man-db                to check the manual page (`myna-audit man`)
#   python3-pyscard                   for the CI example (examples/ci/, docs/ci.md)
# Uses sudo when not root. Safe to run again.
set -euo pipefail
packages=(pcscd libpcsclite-dev pkgconf vsmartcard-vpcd opensc chromium fonts-ipafont-gothic groff-base man-db python3-pyscard)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all packages present (${packages[*]})"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# pcscd's postinst may print "policy-rc.d denied execution of start" in containers: harmless.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
