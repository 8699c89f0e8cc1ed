#!/usr/bin/env bash
# A real Apache Kafka cluster on loopback, for tests, benchmarks and people alike: N combined
# broker+controller nodes in KRaft mode (no ZooKeeper), from the jars scripts/install-deps.sh
# fetched from Maven Central into scripts/kafka/lib.
#
#   scripts/kafka-cluster.sh start DIR [--brokers N] [--sasl]
#       Formats storage, starts the nodes on free loopback ports, waits until all N are live,
#       prints BOOTSTRAP=host:port,... as its first line on stdout, and returns; the brokers go
#       on running, with their pids, configs and logs under DIR/node-<ID>.
#       --sasl: clients connect with SASL/SCRAM-SHA-512 and the StandardAuthorizer enforces
#       ACLs. Principals witd (read and write both topics), svc-git (write the usage topic
#       only) and audit (read both), their passwords in DIR/users.env; the brokers talk to
#       each other as the super user admin.
#   scripts/kafka-cluster.sh stop DIR            stops every node (SIGTERM, then SIGKILL)
#   scripts/kafka-cluster.sh kill DIR ID         kill -9 of node ID (its node.id, 1..N)
#   scripts/kafka-cluster.sh restart DIR ID      starts node ID again and waits until it is live
#
# Topics are created by `witd kafka create-topics`; the cluster creates none by itself
# (auto.create.topics.enable=false). KAFKA_TOPIC_PREFIX (default wit.) names the topics the
# --sasl ACLs cover. KAFKA_HEAP (default 384m) sets each node's Java heap; KAFKA_JVM_OPTS
# (default: the quick-starting C1 compiler only, as tests want) the rest of its JVM flags.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
lib="$here/kafka/lib"
prefix=${KAFKA_TOPIC_PREFIX:-wit.}
heap=${KAFKA_HEAP:-384m}
jvm_opts=${KAFKA_JVM_OPTS:--XX:TieredStopAtLevel=1}

die() { echo "kafka-cluster: $*" >&2; exit 1; }

java_run() {  # java_run MAIN ARGS...: one of Kafka's command-line tools, quietly
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$lib/*" \
    -Dlog4j.configuration="file:$dir/tools-log4j.properties" "$@"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# kcat_args: the client settings of the admin principal (SASL) or none.
kcat_args() {
  if [[ -f $dir/users.env ]]; then
    # shellcheck disable=SC1091
    source "$dir/users.env"
    echo "-X security.protocol=SASL_PLAINTEXT -X sasl.mechanisms=SCRAM-SHA-512" \
         "-X sasl.username=admin -X sasl.password=$ADMIN_PASSWORD"
  fi
}

# live_brokers prints how many brokers the cluster's metadata lists (0 if none answers).
live_brokers() {
  local out
  # shellcheck disable=SC2046
  out=$(kcat -L -b "$(cat "$dir/bootstrap")" -m 3 $(kcat_args) 2>/dev/null) || { echo 0; return; }
  sed -n 's/^ *\([0-9][0-9]*\) brokers:.*/\1/p' <<<"$out" | head -1
}

wait_live() {  # wait_live N SECONDS
  local want=$1 limit=$2 start=$SECONDS n=0
  while ((SECONDS - start < limit)); do
    n=$(live_brokers)
    [[ ${n:-0} -ge $want ]] && return 0
    sleep 1
  done
  die "only ${n:-0} of $want brokers live after ${limit}s; see $dir/node-*/server.out"
}

start_node() {  # start_node ID
  local id=$1 node="$dir/node-$1"
  [[ -f $node/server.properties ]] || die "no node $id in $dir"
  if [[ -f $node/pid ]] && kill -0 "$(cat "$node/pid")" 2>/dev/null; then
    die "node $id is running already (pid $(cat "$node/pid"))"
  fi
  local jaas=()
  [[ -f $node/jaas.conf ]] && jaas=(-Djava.security.auth.login.config="$node/jaas.conf")
  # setsid: the node outlives this script and the shell that ran it.
  # shellcheck disable=SC2086
  setsid java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC $jvm_opts -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$dir/log4j.properties" -Dkafka.logs.dir="$node" "${jaas[@]}" \
    -cp "$lib/*" kafka.Kafka "$node/server.properties" >"$node/server.out" 2>&1 </dev/null &
  echo $! >"$node/pid"
}

write_configs() {  # write_configs N SASL
  local n=$1 sasl=$2 voters="" bootstrap="" i
  local -a client internal controller
  for ((i = 1; i <= n; i++)); do
    client[i]=$(free_port); internal[i]=$(free_port); controller[i]=$(free_port)
    voters+="${voters:+,}$i@127.0.0.1:${controller[i]}"
    bootstrap+="${bootstrap:+,}127.0.0.1:${client[i]}"
  done
  echo "$bootstrap" >"$dir/bootstrap"
  local rf=$((n < 3 ? n : 3)) isr=$((n < 3 ? 1 : 2))
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
EOF
  printf 'log4j.rootLogger=ERROR, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\nlog4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n' \
    >"$dir/tools-log4j.properties"
  for ((i = 1; i <= n; i++)); do
    local node="$dir/node-$i"
    mkdir -p "$node/data"
    local client_proto=PLAINTEXT
    [[ $sasl == 1 ]] && client_proto=SASL_PLAINTEXT
    cat >"$node/server.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=CLIENT://127.0.0.1:${client[i]},INTERNAL://127.0.0.1:${internal[i]},CONTROLLER://127.0.0.1:${controller[i]}
advertised.listeners=CLIENT://127.0.0.1:${client[i]},INTERNAL://127.0.0.1:${internal[i]}
listener.security.protocol.map=CLIENT:$client_proto,INTERNAL:$client_proto,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
log.dirs=$node/data
num.partitions=3
default.replication.factor=$rf
min.insync.replicas=1
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
unclean.leader.election.enable=false
num.network.threads=2
num.io.threads=2
background.threads=2
log.flush.interval.messages=9223372036854775807
EOF
    if [[ $sasl == 1 ]]; then
      cat >>"$node/server.properties" <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS
EOF
      cat >"$node/jaas.conf" <<EOF
KafkaServer {
  org.apache.kafka.common.security.scram.ScramLoginModule required
  username="admin" password="$ADMIN_PASSWORD";
};
EOF
    fi
  done
}

add_acls() {
  local admin="$dir/admin.properties" b
  b=$(cat "$dir/bootstrap")
  cat >"$admin" <<EOF
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$ADMIN_PASSWORD";
EOF
  acl() { java_run kafka.admin.AclCommand --bootstrap-server "$b" --command-config "$admin" --add "$@" >/dev/null; }
  # witd: both topics (read, write, and the configs it checks at start), its reader's groups.
  acl --allow-principal User:witd --operation Read --operation Write --operation Describe \
    --operation DescribeConfigs --topic "$prefix" --resource-pattern-type prefixed
  acl --allow-principal User:witd --operation Read --group witd- --resource-pattern-type prefixed
  acl --allow-principal User:witd --operation IdempotentWrite --cluster
  # svc-git: may publish uses, nothing else.
  acl --allow-principal User:svc-git --operation Write --operation Describe \
    --topic "${prefix}tokens.usage"
  # audit: reads both topics.
  acl --allow-principal User:audit --operation Read --operation Describe \
    --operation DescribeConfigs --topic "$prefix" --resource-pattern-type prefixed
  acl --allow-principal User:audit --operation Read --group wit-audit --resource-pattern-type prefixed
}

cmd_start() {
  local n=3 sasl=0
  while (($#)); do
    case $1 in
      --brokers) n=$2; shift 2 ;;
      --sasl) sasl=1; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  [[ $n =~ ^[1-9]$ ]] || die "--brokers takes 1..9"
  ls "$lib"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no Kafka jars in $lib: run scripts/install-deps.sh"
  command -v kcat >/dev/null || die "kcat is missing: run scripts/install-deps.sh"
  if [[ -d $dir ]] && compgen -G "$dir/node-*/pid" >/dev/null; then
    for p in "$dir"/node-*/pid; do
      kill -0 "$(cat "$p")" 2>/dev/null && die "a cluster is running in $dir already"
    done
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local scram=()
  if [[ $sasl == 1 ]]; then
    ADMIN_PASSWORD=$(openssl rand -hex 16)
    local witd svc audit
    witd=$(openssl rand -hex 16); svc=$(openssl rand -hex 16); audit=$(openssl rand -hex 16)
    cat >"$dir/users.env" <<EOF
# SASL/SCRAM-SHA-512 principals of this cluster (scripts/kafka-cluster.sh --sasl).
ADMIN_USER=admin
ADMIN_PASSWORD=$ADMIN_PASSWORD
WITD_USER=witd
WITD_PASSWORD=$witd
SVC_GIT_USER=svc-git
SVC_GIT_PASSWORD=$svc
AUDIT_USER=audit
AUDIT_PASSWORD=$audit
EOF
    chmod 600 "$dir/users.env"
    for u in "admin=$ADMIN_PASSWORD" "witd=$witd" "svc-git=$svc" "audit=$audit"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${u%%=*},password=${u#*=}]")
    done
  fi
  write_configs "$n" "$sasl"
  local cluster_id i
  cluster_id=$(java_run kafka.tools.StorageTool random-uuid)
  for ((i = 1; i <= n; i++)); do
    java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/node-$i/server.properties" \
      "${scram[@]}" >/dev/null || die "cannot format node $i"
  done
  for ((i = 1; i <= n; i++)); do start_node "$i"; done
  echo "$n" >"$dir/size"
  wait_live "$n" 120
  [[ $sasl == 1 ]] && add_acls
  echo "BOOTSTRAP=$(cat "$dir/bootstrap")"
  local what="$n brokers live in $dir"
  [[ $sasl == 1 ]] && what+=" (SASL/SCRAM-SHA-512 and ACLs; principals in $dir/users.env)"
  echo "kafka-cluster: $what" >&2
}

cmd_stop() {
  local p pid
  for p in "$dir"/node-*/pid; do
    [[ -f $p ]] || continue
    pid=$(cat "$p")
    kill "$pid" 2>/dev/null || true
  done
  for p in "$dir"/node-*/pid; do
    [[ -f $p ]] || continue
    pid=$(cat "$p")
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$p"
  done
}

cmd_kill() {
  local p="$dir/node-$1/pid"
  [[ -f $p ]] || die "node $1 is not running"
  kill -9 "$(cat "$p")" 2>/dev/null || true
  while kill -0 "$(cat "$p")" 2>/dev/null; do sleep 0.1; done
  rm -f "$p"
}

cmd_restart() {
  start_node "$1"
  # The node itself must answer: until its session times out, the others still list a killed
  # broker as live.
  local port start=$SECONDS
  port=$(sed -n 's/^listeners=CLIENT:\/\/127.0.0.1:\([0-9]*\),.*/\1/p' "$dir/node-$1/server.properties")
  # shellcheck disable=SC2046
  # (Only this node is waited for: others may still be down, as a test that killed two wants.)
  until kcat -L -b "127.0.0.1:$port" -m 2 $(kcat_args) 2>/dev/null | grep -q "broker $1 at"; do
    ((SECONDS - start < 120)) || die "node $1 did not come back; see $dir/node-$1/server.out"
    sleep 1
  done
}

(($# >= 2)) || die "usage: $0 start|stop|kill|restart DIR [...]"
action=$1 dir=$2
shift 2
case $action in
  start) cmd_start "$@" ;;
  stop) cmd_stop ;;
  kill) (($# == 1)) || die "usage: $0 kill DIR ID"; cmd_kill "$1" ;;
  restart) (($# == 1)) || die "usage: $0 restart DIR ID"; dir=$(cd "$dir" && pwd); cmd_restart "$1" ;;
  *) die "unknown command $action" ;;
esac
