#!/usr/bin/env bash
# Makes a NATS user for a new edge (or CentralHub) and rewrites accounts.conf: see `./dualhub nats-user`.
#   deploy/nats/add-user.sh edge web-3 --dir /etc/nats --seed /root/web-3.nk
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar=""
for candidate in /opt/dualhub/dualhub-cli.jar "$here/../../cli/target/dualhub-cli.jar"; do
  if [[ -f $candidate ]]; then jar=$candidate; break; fi
done
if [[ -z $jar ]]; then
  echo "add-user.sh: no dualhub-cli.jar: run ./dualhub build in the checkout, or copy cli/target/dualhub-cli.jar to /opt/dualhub" >&2
  exit 1
fi
exec java -jar "$jar" nats-user "$@"
