#!/usr/bin/env bash
# Installs (or upgrades, or removes) a dualhub hub as a systemd service; deploy/install-edge.sh and
# deploy/install-central.sh call it with the role.
#   install-edge.sh    --nats URL[,URL...] [--id ID] [--jar FILE] [--root DIR] [--no-start]
#   install-central.sh --nats URL[,URL...] [--instance NAME] [--replicas 1|3] [--jar FILE] [--root DIR] [--no-start]
#   either, NATS auth and TLS: [--nkey SEED_FILE | --creds FILE] [--tls-ca CA_PEM]  (copied to /etc/dualhub)
#   either             --uninstall [--purge] [--root DIR]
# Layout: /opt/dualhub (jar, JVM options), /etc/dualhub/<role>.yml (kept on upgrade), /var/lib/dualhub/<role> (data,
# kept on uninstall unless --purge), /etc/systemd/system/dualhub-<role>.service, system user "dualhub".
# --root DIR stages the whole tree under DIR and touches nothing else (no user, no systemctl): packaging and tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
role=${1:?usage: install-hub.sh edge|central [flags]}; shift
case "$role" in
  # name flag, default name, heap and metaspace, unit memory cap, HTTP port, the edge's footprint flags, description
  edge) name_flag=--id; name=""; heap=64m; pretouch=""; metaspace=64m; memory_max=256M; port=8471
        lean="-Xms8m -XX:TrimNativeHeapInterval=10000 -XX:TieredStopAtLevel=1"
        description="dualhub edge agent (collects, buffers on disk, forwards to NATS JetStream)" ;;
  central) name_flag=--instance; name=main; heap=512m; pretouch=yes; metaspace=128m; memory_max=2G; port=8470; lean=""
        description="dualhub CentralHub (stores every batch once, tracks the fleet)" ;;
  *) echo "install-hub: unknown role '$role' (edge or central)" >&2; exit 1 ;;
esac
nkey="" creds="" tls_ca="" nats="" replicas="" jar="$here/../$role-hub/target/dualhub-$role.jar" root="" start=1 uninstall=0 purge=0

die() { echo "install-$role: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    "$name_flag") name=${2:?$name_flag needs a value}; shift 2 ;;
    --nats) nats=${2:?--nats needs a value}; shift 2 ;;
    --replicas) [ "$role" = central ] || die "--replicas is a CentralHub flag"; replicas=${2:?--replicas needs a value}; shift 2 ;;
    --jar) jar=${2:?--jar needs a value}; shift 2 ;;
    --root) root=${2:?--root needs a value}; shift 2 ;;
    --no-start) start=0; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --nkey) nkey=${2:?--nkey needs a value}; shift 2 ;;
    --creds) creds=${2:?--creds needs a value}; shift 2 ;;
    --tls-ca) tls_ca=${2:?--tls-ca needs a value}; shift 2 ;;
    -h|--help) sed -n '4,10p' "$here/install-hub.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (valid: $name_flag, --nats,$([ "$role" = central ] && echo ' --replicas,') --jar, --nkey, --creds, --tls-ca, --root, --no-start, --uninstall, --purge)" ;;
  esac
done

opt="$root/opt/dualhub" etc="$root/etc/dualhub" data="$root/var/lib/dualhub/$role"
config="$etc/$role.yml" unit="$root/etc/systemd/system/dualhub-$role.service"
live=0
[ -z "$root" ] && live=1
if [ "$live" = 1 ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or use --root DIR to stage)"; fi

if [ "$uninstall" = 1 ]; then
  if [ "$live" = 1 ] && command -v systemctl >/dev/null; then
    systemctl disable --now "dualhub-$role.service" 2>/dev/null || true
  fi
  rm -f "$unit" "$opt/dualhub-$role.jar" "$opt/$role.jvm.options"
  if [ ! -e "$opt/dualhub-edge.jar" ] && [ ! -e "$opt/dualhub-central.jar" ]; then rm -f "$opt/dualhub-cli.jar"; fi
  rmdir "$opt" 2>/dev/null || true
  if [ "$purge" = 1 ]; then
    rm -rf "$data" "$config"
    rmdir "$etc" "$root/var/lib/dualhub" 2>/dev/null || true
    echo "install-$role: removed, with its configuration and data"
  else
    echo "install-$role: removed; configuration kept in $config, data in $data (--purge removes them)"
  fi
  [ "$live" = 1 ] && command -v systemctl >/dev/null && systemctl daemon-reload || true
  exit 0
fi

[ -f "$jar" ] || die "jar $jar not found: build it first (./dualhub build) or pass --jar FILE"
if [ -z "$name" ]; then name=$(hostname | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-64); fi
[[ "$name" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || die "$name_flag '$name' is not a valid name: [A-Za-z0-9_-]{1,64}"
[ -z "$replicas" ] || [[ "$replicas" =~ ^[13]$ ]] || die "--replicas '$replicas' must be 1 (one server) or 3 (a 3-node cluster)"
if [ ! -f "$config" ] && [ -z "$nats" ]; then die "--nats URL[,URL...] is needed for a first install"; fi
[ -z "$nkey" ] || [ -z "$creds" ] || die "--nkey and --creds are two ways to authenticate: give one"
for f in "$nkey" "$creds" "$tls_ca"; do [ -z "$f" ] || [ -r "$f" ] || die "$f cannot be read"; done

mkdir -p "$opt" "$etc" "$data" "$(dirname "$unit")"
install -m 0644 "$jar" "$opt/dualhub-$role.jar"
# The operator commands (status, edge-status, backup, nats-user), when built beside the hub's jar:
# java -jar /opt/dualhub/dualhub-cli.jar status
cli_jar="$(dirname "$jar")/../../cli/target/dualhub-cli.jar"
if [ -f "$cli_jar" ]; then install -m 0644 "$cli_jar" "$opt/dualhub-cli.jar"; fi
# The flags every dualhub process needs (Chronicle Queue), plus the role's heap. The CentralHub's heap is taken and
# touched whole at start, so the heap's share of its RSS is there from the start instead of creeping up as the old
# generation fills before a full collection. The edge's heap starts small instead (-Xms8m): without it the JVM starts
# with 1/64 of the host's memory, which on any host over 4 GB is the whole 64 MB, committed before the agent needs it
# (12-16 MB of its RSS, ./dualhub bench footprint); and it hands freed native memory back every 10 s instead of every
# minute (the later -XX:TrimNativeHeapInterval wins over jvm.options'), so the JIT's start-up scratch memory is gone
# by the time the agent has run 30 s (it held 20-45 MB more until its first trim at 60 s); and it compiles with C1
# only (-XX:TieredStopAtLevel=1): 12-19 MB less RSS and a third less CPU at 10,000 points/s, for a peak ingest still
# over 1 M points/s (./dualhub bench ingest footprint measures the edge on these flags). docs/performance-log.md.
{ grep -Ev '^\s*(#|$)' "$here/jvm.options"; echo "-Xmx$heap"; [ -z "$pretouch" ] || printf '%s\n' "-Xms$heap" -XX:+AlwaysPreTouch
  echo "-XX:MaxMetaspaceSize=$metaspace"; echo "-Xss512k"; for flag in $lean; do echo "$flag"; done; } > "$opt/$role.jvm.options"

# Credentials and the CA go next to the config, readable by root and the service's group only; a second run with
# them replaces the files (rotation) and keeps the config.
nats_auth=""
copy_secret() {  # source, name under /etc/dualhub, config line
  install -m 0640 "$1" "$etc/$2"
  nats_auth+="$3"$'\n'
  if [ -f "$config" ] && ! grep -q "/etc/dualhub/$2" "$config"; then
    echo "install-$role: copied $2, but the existing $config does not use it: add to its nats: section:"
    echo "$3"
  fi
}
[ -z "$nkey" ] || copy_secret "$nkey" nats.nk "  nkey: file:/etc/dualhub/nats.nk"
[ -z "$creds" ] || copy_secret "$creds" nats.creds "  creds: /etc/dualhub/nats.creds"
[ -z "$tls_ca" ] || copy_secret "$tls_ca" nats-ca.pem "  tls:"$'\n'"    ca: /etc/dualhub/nats-ca.pem"

if [ -f "$config" ]; then
  echo "install-$role: keeping the existing $config"
else
  servers=$(echo "$nats" | tr ',' '\n' | sed 's/^/    - /')
  {
    echo "# dualhub $role; every key and its default: docs/configuration.md, \"$([ "$role" = edge ] && echo Edge || echo CentralHub) configuration\"."
    if [ "$role" = edge ]; then echo "id: $name"; else echo "instance: $name"; fi
    printf 'nats:\n  servers:\n%s\n%s' "$servers" "$nats_auth"
    printf 'data:\n  dir: /var/lib/dualhub/%s\nhttp:\n  host: 127.0.0.1\n  port: %s\n' "$role" "$port"
    if [ -n "$replicas" ]; then printf 'stream:\n  replicas: %s\n' "$replicas"; fi
  } > "$config"
  chmod 0640 "$config"
fi

cat > "$unit" <<UNIT
[Unit]
Description=$description
After=network-online.target
Wants=network-online.target

[Service]
User=dualhub
Group=dualhub
ExecStart=/usr/bin/java @/opt/dualhub/$role.jvm.options -jar /opt/dualhub/dualhub-$role.jar --config /etc/dualhub/$role.yml
Restart=always
RestartSec=2
TimeoutStopSec=20
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectControlGroups=yes
ReadWritePaths=/var/lib/dualhub/$role
MemoryMax=$memory_max

[Install]
WantedBy=multi-user.target
UNIT

if [ "$live" = 1 ]; then
  id dualhub >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/dualhub --shell /usr/sbin/nologin dualhub
  chown -R dualhub:dualhub "$data"
  chgrp dualhub "$config" "$etc"/nats.nk "$etc"/nats.creds "$etc"/nats-ca.pem 2>/dev/null || true
  systemctl daemon-reload
  if [ "$start" = 1 ]; then
    systemctl enable "dualhub-$role.service"
    systemctl restart "dualhub-$role.service"
    echo "install-$role: dualhub-$role is running (journalctl -u dualhub-$role)"
  else
    echo "install-$role: installed, not started (systemctl enable --now dualhub-$role)"
  fi
else
  echo "install-$role: staged under $root"
fi
