#!/usr/bin/env bash
# Installs what the monitoring engine's tests (and a real deployment) need from Debian when missing:
#   zabbix-agent  — zabbix_agentd, a real passive-check agent for src/monitoring/zabbix/agent.test.ts,
#                   and zabbix_sender, a real client for the sender-protocol server tests (Debian has no
#                   separate zabbix-sender package: zabbix-agent provides it)
#   fping         — batch ICMP echo (one process per batch of hosts) for the alive check
# Exits non-zero when anything is still missing afterwards: the tests fail rather than skip.
set -euo pipefail

need=()
command -v zabbix_agentd >/dev/null 2>&1 || [[ -x /usr/sbin/zabbix_agentd ]] || need+=(zabbix-agent)
command -v zabbix_sender >/dev/null 2>&1 || need+=(zabbix-agent)
command -v fping >/dev/null 2>&1 || [[ -x /usr/bin/fping ]] || need+=(fping)

if [[ ${#need[@]} -gt 0 ]]; then
  echo "ensure-monitoring: installing ${need[*]}" >&2
  sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >&2
  # sort -u: zabbix-agent may be named twice (agent and sender both come from it).
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# Where an init system runs, the package also starts a system agent on 10050; the tests never use it
# (each starts its own zabbix_agentd on a free loopback port).
for bin in zabbix_agentd zabbix_sender fping; do
  if ! command -v "$bin" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$bin" ]]; then
    echo "ensure-monitoring: $bin is still missing" >&2
    exit 1
  fi
done
echo "ensure-monitoring: zabbix_agentd, zabbix_sender and fping present" >&2
