#!/usr/bin/env bash
# Installs, upgrades or removes the dualhub edge as a systemd service: see deploy/install-hub.sh (--help).
exec "$(dirname "${BASH_SOURCE[0]}")/install-hub.sh" edge "$@"
