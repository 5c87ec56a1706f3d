#!/usr/bin/env bash
# Installs (or upgrades, or removes) the dualhub edge agent as a systemd service.
#   deploy/install-edge.sh --nats URL[,URL...] [--id ID] [--jar FILE] [--root DIR] [--no-start]
#   deploy/install-edge.sh --uninstall [--purge] [--root DIR]
# Layout: /opt/dualhub (jar, JVM options), /etc/dualhub/edge.yml (kept on upgrade), /var/lib/dualhub/edge (data,
# kept on uninstall unless --purge), /etc/systemd/system/dualhub-edge.service, system user "dualhub".
# --root DIR stages the whole tree under DIR and touches nothing else (no user, no systemctl): packaging and tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
id="" nats="" jar="$here/../edge-hub/target/dualhub-edge.jar" root="" start=1 uninstall=0 purge=0

die() { echo "install-edge: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --id) id=${2:?--id needs a value}; shift 2 ;;
    --nats) nats=${2:?--nats needs a value}; shift 2 ;;
    --jar) jar=${2:?--jar needs a value}; shift 2 ;;
    --root) root=${2:?--root needs a value}; shift 2 ;;
    --no-start) start=0; shift ;;
    --uninstall) uninstall=1; shift ;;
    --purge) purge=1; shift ;;
    --creds|--tls-ca) die "$1 is not supported yet: NATS credentials and TLS come with the security work (README, Security)" ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (valid: --id, --nats, --jar, --root, --no-start, --uninstall, --purge)" ;;
  esac
done

opt="$root/opt/dualhub" etc="$root/etc/dualhub" data="$root/var/lib/dualhub/edge"
unit="$root/etc/systemd/system/dualhub-edge.service"
live=0
[ -z "$root" ] && live=1
if [ "$live" = 1 ] && [ "$(id -u)" -ne 0 ]; then die "run as root (or use --root DIR to stage)"; fi

if [ "$uninstall" = 1 ]; then
  if [ "$live" = 1 ] && command -v systemctl >/dev/null; then
    systemctl disable --now dualhub-edge.service 2>/dev/null || true
  fi
  rm -f "$unit" "$opt/dualhub-edge.jar" "$opt/edge.jvm.options"
  rmdir "$opt" 2>/dev/null || true
  if [ "$purge" = 1 ]; then
    rm -rf "$data" "$etc/edge.yml"
    rmdir "$etc" "$root/var/lib/dualhub" 2>/dev/null || true
    echo "install-edge: removed, with its configuration and data"
  else
    echo "install-edge: removed; configuration kept in $etc/edge.yml, data in $data (--purge removes them)"
  fi
  [ "$live" = 1 ] && command -v systemctl >/dev/null && systemctl daemon-reload || true
  exit 0
fi

[ -f "$jar" ] || die "agent jar $jar not found: build it first (./dualhub build) or pass --jar FILE"
if [ -z "$id" ]; then id=$(hostname | tr -c 'A-Za-z0-9_\n-' '-' | cut -c1-64); fi
[[ "$id" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || die "--id '$id' is not a valid edge id: [A-Za-z0-9_-]{1,64}"
if [ ! -f "$etc/edge.yml" ] && [ -z "$nats" ]; then die "--nats URL[,URL...] is needed for a first install"; fi

mkdir -p "$opt" "$etc" "$data" "$(dirname "$unit")"
install -m 0644 "$jar" "$opt/dualhub-edge.jar"
# The flags every dualhub process needs (Chronicle Queue), plus a small heap for the agent.
{ grep -Ev '^\s*(#|$)' "$here/jvm.options"; echo "-Xmx64m"; echo "-XX:MaxMetaspaceSize=64m"; echo "-Xss512k"; } \
  > "$opt/edge.jvm.options"

if [ -f "$etc/edge.yml" ]; then
  echo "install-edge: keeping the existing $etc/edge.yml"
else
  servers=$(echo "$nats" | tr ',' '\n' | sed 's/^/    - /')
  cat > "$etc/edge.yml" <<YAML
# dualhub edge agent; every key and its default: README, "Edge configuration".
id: $id
nats:
  servers:
$servers
data:
  dir: /var/lib/dualhub/edge
http:
  host: 127.0.0.1
  port: 8471
YAML
  chmod 0640 "$etc/edge.yml"
fi

cat > "$unit" <<UNIT
[Unit]
Description=dualhub edge agent (collects, buffers on disk, forwards to NATS JetStream)
After=network-online.target
Wants=network-online.target

[Service]
User=dualhub
Group=dualhub
ExecStart=/usr/bin/java @/opt/dualhub/edge.jvm.options -jar /opt/dualhub/dualhub-edge.jar --config /etc/dualhub/edge.yml
Restart=always
RestartSec=2
TimeoutStopSec=20
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ProtectKernelTunables=yes
ProtectControlGroups=yes
ReadWritePaths=/var/lib/dualhub/edge
MemoryMax=256M

[Install]
WantedBy=multi-user.target
UNIT

if [ "$live" = 1 ]; then
  id dualhub >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/dualhub --shell /usr/sbin/nologin dualhub
  chown -R dualhub:dualhub "$data"
  chgrp dualhub "$etc/edge.yml"
  systemctl daemon-reload
  if [ "$start" = 1 ]; then
    systemctl enable dualhub-edge.service
    systemctl restart dualhub-edge.service
    echo "install-edge: dualhub-edge is running (journalctl -u dualhub-edge)"
  else
    echo "install-edge: installed, not started (systemctl enable --now dualhub-edge)"
  fi
else
  echo "install-edge: staged under $root"
fi
