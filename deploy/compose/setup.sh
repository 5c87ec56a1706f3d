#!/bin/sh
# Makes the secrets the compose stack runs on, in deploy/compose/secrets/ (or DIR): NKey users for both CentralHubs
# and the edge with the NATS servers' accounts.conf (./dualhub nats-user), and the API's viewer and operator tokens.
# Run it once from the checkout's root before `docker compose up`; running it again keeps what it made.
#   deploy/compose/setup.sh [DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/secrets}
root=$(cd "$here/../.." && pwd)
mkdir -p "$out/nats"
user() {  # role name: an NKey user, unless its seed is there already
  [ -s "$out/$2.nk" ] || "$root/dualhub" nats-user "$1" "$2" --dir "$out/nats" --seed "$out/$2.nk"
}
user central central-a
user central central-b
user edge compose-edge
for role in viewer operator; do
  [ -s "$out/api-$role.token" ] || (umask 077 && openssl rand -hex 16 > "$out/api-$role.token")
done
# The hubs run as uid 10001 in their containers and read these through bind mounts.
if [ "$(id -u)" = 0 ]; then
  chown 10001:10001 "$out"/*.nk "$out"/*.token
else
  echo "setup.sh: not root: the seeds and tokens stay yours (mode 600); the containers (uid 10001) can read them" \
       "only after: sudo chown 10001:10001 $out/*.nk $out/*.token" >&2
fi
echo "compose secrets in $out: docker compose -f deploy/compose/compose.yml up --build"
