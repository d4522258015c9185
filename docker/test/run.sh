#!/usr/bin/env bash
# Container test tier: builds the project's images with podman and runs them for real (docker/test/README.md).
#   1. compose: docker/compose.yaml (+ docker/test/compose.test.yaml) end to end — Kafka, topic creation, a
#      Flink JobManager running the job and a TaskManager from the CPU pipeline image, the producer sending the
#      500 sample frames and every bad frame; passes only when each frame sent came back exactly once as a
#      prediction or a dead letter (docker/test/AccountFrames.java); then down.
#   2. GPU dry run on CPU: the GPU pipeline image and the training image built with their dry-run targets
#      (each build runs DjlCudaCache verify: no CPU native jar, DJL loads the cu128 cache offline, libcudart
#      on the library path), and `train --device gpu` in the training image fails with "no GPU visible".
# No registry is reachable here, so every base image is a local stand-in (docker/test/standins/), built from a
# debootstrap root file system cached under target/container-test/. Installs and configures podman when
# missing (root). Exit 0 only when every check passed. Needs `mvn package` output (built here if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
t0=$(date +%s)
log() { echo "[container tier +$(( $(date +%s) - t0 ))s] $*" >&2; }
fail() { echo "error: $*" >&2; exit 1; }

docker/test/podman-setup.sh

if [ ! -f pipeline/target/condensenet-pipeline-job.jar ] || [ ! -f pipeline/target/condensenet-pipeline.jar ] \
   || [ ! -d pipeline/target/flink-lib ] || [ ! -f training/target/condensenet-training.jar ]; then
  log "building the jars (mvn package)"
  mvn -B -q package -DskipTests
fi

for port in 8081 9249 29092; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use on this machine; compose.yaml publishes it (stop what listens there and rerun)"
  fi
done

ns=localhost/condensenet-test
base=$ns/debian-java17:bookworm
export CONDENSENET_FLINK_IMAGE=$ns/flink:2.2.1-java17
export CONDENSENET_KAFKA_IMAGE=$ns/kafka:4.2.0
export CONDENSENET_JRE_IMAGE=$base
export CONDENSENET_PIPELINE_IMAGE=$ns/pipeline:cpu
jdk=$base
cuda=$ns/cuda:standin

log "base image (debootstrap, cached in target/container-test/)"
docker/test/base-image.sh "$base"
log "stand-in images: Flink 2.2.1, Kafka 4.2.0 (jars from Maven Central), CUDA runtime"
mvn -B -q -f docker/test/standins/pom.xml clean package
podman build -q --build-arg BASE_IMAGE="$base" -t "$CONDENSENET_FLINK_IMAGE" docker/test/standins/flink >/dev/null
podman build -q --build-arg BASE_IMAGE="$base" -t "$CONDENSENET_KAFKA_IMAGE" docker/test/standins/kafka >/dev/null
docker/test/cuda-standin.sh "$cuda" "$base"

log "pipeline image, CPU (docker/Dockerfile.pipeline)"
podman build -q -f docker/Dockerfile.pipeline --target cpu --build-arg FLINK_IMAGE="$CONDENSENET_FLINK_IMAGE" \
  --build-arg JDK_IMAGE="$jdk" -t "$CONDENSENET_PIPELINE_IMAGE" . >/dev/null
owner=$(podman run --rm --entrypoint stat "$CONDENSENET_PIPELINE_IMAGE" -c %u /flink-data)
[ "$owner" = 9999 ] || fail "/flink-data in the pipeline image is owned by uid $owner, not flink (9999)"

project=condensenet-tier
compose=(podman-compose -p "$project" -f docker/compose.yaml -f docker/test/compose.test.yaml)
down() {
  log "compose down"
  "${compose[@]}" down -t 1 >/dev/null 2>&1 || true
  podman volume rm -f "${project}_flink-data" >/dev/null 2>&1 || true
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
}
logs() { # every container's last lines (long lines cut), the producer's last: CI shows only the output's tail
  local c
  for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}' \
             | grep -v "_producer_"; echo "${project}_producer_1"); do
    echo "----- $c (last 40 lines)" >&2
    podman logs --tail 40 "$c" 2>&1 | cut -c1-400 >&2 || true
  done
}
trap down EXIT
down
# podman-compose 1.0.3 ignores depends_on conditions (service_healthy, service_completed_successfully):
# start the services in the order those conditions give, waiting for each condition here.
up() { "${compose[@]}" up -d --no-deps "$@" >>"$root/target/container-test/compose-up.log" 2>&1 \
         || { cat "$root/target/container-test/compose-up.log" >&2; fail "compose up $* failed"; }; }
await() { # await SECONDS WHAT COMMAND...
  local until=$(( $(date +%s) + $1 )) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$until" ] || { logs; fail "$what not within the time limit"; }
    sleep 2
  done
}
: > "$root/target/container-test/compose-up.log"
log "compose up: Kafka"
up kafka
await 90 "Kafka healthy" podman exec "${project}_kafka_1" /opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server kafka:9092
log "compose up: kafka-init (topics)"
up kafka-init
rc=$(timeout 120 podman wait "${project}_kafka-init_1") || { logs; fail "kafka-init did not finish"; }
[ "$rc" = 0 ] || { logs; fail "kafka-init exited with $rc"; }
log "compose up: JobManager (standalone-job) and TaskManager"
up jobmanager taskmanager
await 180 "the job's tasks running" sh -c "curl -sf http://127.0.0.1:8081/jobs/overview | grep -q '\"state\":\"RUNNING\"'"
log "compose up: producer, consumer"
up producer consumer
producer=${project}_producer_1
rc=$(timeout 300 podman wait "$producer") || { logs; fail "the producer did not finish within 300 s"; }
[ "$rc" = 0 ] || { logs; fail "the producer exited with $rc"; }
sent=$(podman logs "$producer" 2>&1 | sed -n 's/.*sent \([0-9][0-9]*\) frames.*/\1/p')
[ "$(echo "$sent" | wc -l)" = 2 ] || { logs; fail "could not read both producer counts from its log"; }
samples=$(echo "$sent" | sed -n 1p); bad=$(echo "$sent" | sed -n 2p)
log "producer sent $samples sample frames and $bad bad frames; reading predictions and dead letters"
if ! java -cp pipeline/target/condensenet-pipeline.jar docker/test/AccountFrames.java localhost:29092 240 \
     "sample=$samples" "bad=$bad"; then
  logs; fail "not every frame sent came back exactly once"
fi
for svc in jobmanager taskmanager; do
  state=$(podman inspect -f '{{.State.Status}}' "${project}_${svc}_1")
  [ "$state" = running ] || { logs; fail "$svc is $state after the run"; }
  # What Prometheus scrapes (metrics.reporter.prom.port): every metric the Kubernetes dashboard and alert
  # rules use must be among the names the running job exports.
  podman exec "${project}_${svc}_1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9249; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3' \
    > "$root/target/container-test/metrics-$svc.txt"
done
log "TaskManager memory (the job running, $samples+$bad frames done): $(podman stats --no-stream --format '{{.MemUsage}}' "${project}_taskmanager_1")"
missing=""
for m in $(grep -ohE 'flink_[A-Za-z0-9_]+' k8s/base/monitoring/*.json k8s/base/monitoring/*.yaml | sort -u); do
  grep -qE "^${m}(\{| )" "$root"/target/container-test/metrics-*.txt || missing="$missing $m"
done
[ -z "$missing" ] || fail "metrics used by k8s/base/monitoring but not exported by the running job:$missing"
down
trap - EXIT

log "GPU dry run: pipeline image, target gpu-dry-run (the build runs DjlCudaCache verify)"
podman build -q -f docker/Dockerfile.pipeline --target gpu-dry-run \
  --build-arg FLINK_IMAGE="$CONDENSENET_FLINK_IMAGE" --build-arg JDK_IMAGE="$jdk" --build-arg CUDA_IMAGE="$cuda" \
  -t "$ns/pipeline:gpu-dry-run" . >/dev/null
podman run --rm --entrypoint java "$ns/pipeline:gpu-dry-run" -cp "/opt/flink/lib/*:/opt/condensenet/tools" DjlCudaCache verify

log "GPU dry run: training image, target dry-run"
podman build -q -f docker/Dockerfile.training --target dry-run \
  --build-arg CUDA_RUNTIME_IMAGE="$cuda" --build-arg JDK_IMAGE="$jdk" -t "$ns/training:gpu-dry-run" . >/dev/null
set +e
out=$(podman run --rm "$ns/training:gpu-dry-run" train --preset fmnist-26 --dataset fashion-mnist --epochs 1 \
      --device gpu --out /tmp/m 2>&1)
rc=$?
set -e
echo "$out" | tail -n 3 >&2
[ "$rc" = 2 ] || fail "train --device gpu without a GPU exited $rc, expected 2"
echo "$out" | grep -q "no GPU visible" || fail "train --device gpu without a GPU did not say \"no GPU visible\""
echo "$out" | grep -q "Exception\|\sat [a-z]" && fail "train --device gpu printed a stack trace"

log "container tier passed"
