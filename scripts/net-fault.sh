#!/usr/bin/env bash
# Network faults for tests, on this machine only: a network namespace of the test's own, joined
# to the host by a veth pair, in which a process (a witd node) reaches the host's loopback
# services (the Kafka brokers, whose advertised listeners are 127.0.0.1:PORT) through nftables
# rules that the faults then change. Needs root, iproute2 and nftables.
#
#   scripts/net-fault.sh up PORT...
#       Makes the namespace and prints NETNS=<name> and NS_ADDR=<its address> (the host's end is
#       HOST_ADDR, also printed). Inside it, 127.0.0.1:PORT reaches the host's 127.0.0.1:PORT for
#       each PORT; a server in it that listens on NS_ADDR is reached from the host there.
#   scripts/net-fault.sh cut NAME PORT...     drops every packet from NAME to those host ports,
#                                             on open connections too (the services stay up)
#   scripts/net-fault.sh slow NAME RATE_KBIT LOSS_PERCENT
#                                             a slow, lossy link: NAME's packets leave at most
#                                             at RATE_KBIT (tc tbf) and LOSS_PERCENT of those to
#                                             the host are dropped at random (nftables). tc
#                                             netem's fixed delays need sch_netem, which not
#                                             every kernel has (this VM's has not)
#   scripts/net-fault.sh heal NAME            undoes every cut and slow
#   scripts/net-fault.sh down NAME            removes the namespace and its rules
#
# Addresses come from 10.231.N.0/30, N free when `up` runs (a lock keeps two runs apart).
set -euo pipefail

die() { echo "net-fault: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || die "needs root (network namespaces and nftables)"
command -v nft >/dev/null || die "needs nft (Debian's nftables package)"

# index_of NAME: the N of a namespace made by `up` (its name is witfault<N>).
index_of() {
  [[ $1 =~ ^witfault([0-9]+)$ ]] || die "not a namespace of net-fault.sh: $1"
  echo "${BASH_REMATCH[1]}"
}

up() {
  (($# > 0)) || die "up needs the host ports to reach"
  local ports n name host ns
  ports=$(IFS=,; echo "$*")
  exec 9>/run/wit-net-fault.lock
  flock 9
  for ((n = 1; n < 250; n++)); do
    ip netns list | grep -qw "witfault$n" || ip link show "wf${n}h" >/dev/null 2>&1 || break
  done
  ((n < 250)) || die "no free namespace index"
  name="witfault$n" host="10.231.$n.1" ns="10.231.$n.2"
  ip netns add "$name"
  ip link add "wf${n}h" type veth peer name "wf${n}n"
  ip link set "wf${n}n" netns "$name"
  ip addr add "$host/30" dev "wf${n}h"
  ip link set "wf${n}h" up
  ip -n "$name" addr add "$ns/30" dev "wf${n}n"
  ip -n "$name" link set "wf${n}n" up
  ip -n "$name" link set lo up
  # Inside: 127.0.0.1:PORT goes out to the host's end (route_localnet lets a loopback
  # destination leave lo once rewritten; masquerade gives it the namespace's source address).
  ip netns exec "$name" sysctl -qw net.ipv4.conf.all.route_localnet=1
  ip netns exec "$name" nft -f - <<EOF
table ip witfault {
  chain to_host {
    type nat hook output priority -100;
    ip daddr 127.0.0.1 tcp dport { $ports } dnat to $host
  }
  chain source {
    type nat hook postrouting priority 100;
    oifname "wf${n}n" masquerade
  }
  chain faults {
    type filter hook output priority 0;
  }
}
EOF
  # Outside: what arrives on the host's end for those ports goes on to the host's loopback.
  sysctl -qw "net.ipv4.conf.wf${n}h.route_localnet=1"
  nft -f - <<EOF
table ip witfault$n {
  chain from_ns {
    type nat hook prerouting priority -100;
    iifname "wf${n}h" ip daddr $host tcp dport { $ports } dnat to 127.0.0.1
  }
}
EOF
  echo "NETNS=$name"
  echo "NS_ADDR=$ns"
  echo "HOST_ADDR=$host"
}

cut() {
  local name=$1 n
  shift
  n=$(index_of "$name")
  (($# > 0)) || die "cut needs the host ports to cut off"
  ip netns exec "$name" nft add rule ip witfault faults ip daddr "10.231.$n.1" tcp dport "{ $(IFS=,; echo "$*") }" drop
}

slow() {
  local name=$1 n
  n=$(index_of "$name")
  ip netns exec "$name" tc qdisc replace dev "wf${n}n" root tbf rate "${2}kbit" burst 16kbit \
    latency 2000ms
  if (($3 > 0)); then
    ip netns exec "$name" nft add rule ip witfault faults ip daddr "10.231.$n.1" \
      numgen random mod 100 "<" "$3" drop
  fi
}

heal() {
  local name=$1 n
  n=$(index_of "$name")
  ip netns exec "$name" nft flush chain ip witfault faults
  ip netns exec "$name" tc qdisc del dev "wf${n}n" root 2>/dev/null || true
}

down() {
  local name=$1 n
  n=$(index_of "$name")
  ip netns del "$name" 2>/dev/null || true  # takes the veth pair with it
  ip link del "wf${n}h" 2>/dev/null || true
  nft delete table ip "witfault$n" 2>/dev/null || true
}

cmd=${1:-}
shift || true
case $cmd in
  up) up "$@" ;;
  cut) cut "$@" ;;
  slow) (($# == 3)) || die "slow NAME RATE_KBIT LOSS_PERCENT"; slow "$@" ;;
  heal) (($# == 1)) || die "heal NAME"; heal "$@" ;;
  down) (($# == 1)) || die "down NAME"; down "$@" ;;
  *) die "usage: net-fault.sh up PORT... | cut NAME PORT... | slow NAME RATE_KBIT LOSS_PERCENT | heal NAME | down NAME" ;;
esac
