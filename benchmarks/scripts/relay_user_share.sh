#!/bin/bash
# The relay thread's user-space and kernel time per copy, from perf samples instead of the
# harness's ThreadMXBean split (which swings several-fold between runs of the same jar; see
# BENCHMARKS.md, "Relay fan-out, session 7").
#
# Usage (root, from the repository root):
#   benchmarks/scripts/relay_user_share.sh LABEL JAR [top]
# One 9 s run of RelayFanOutHarness (200 subscribers, 500 packets/s in, 1 fan-out thread, reader
# at nice 19). perf samples the relay thread at 4 kHz from 3.5 s to 7.5 s into the run (after the
# JIT has settled, before the end); a sample whose address starts with ffff is kernel time. The
# 4 s window holds 400 000 copies (200 x 500 x 4). With "top", the JVM writes its JIT symbol map
# and the 25 user-space symbols with the most samples are listed as shares of the relay thread's
# samples. Extra JVM options (e.g. -XX:CompileCommand=dontinline,...) go in $JOPTS.
set -euo pipefail
label=$1
jar=$2
top=${3:-}
harness=io.smoothcast.benchmarks.transport.RelayFanOutHarness
work=$(mktemp -d /tmp/relay-user-share.XXXX)
trap 'rm -rf "$work"' EXIT
map_opts=""
if [ -n "$top" ]; then
  map_opts="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
fi
# shellcheck disable=SC2086 # JOPTS and map_opts are lists of options
java $map_opts -Dharness.readerNice=19 ${JOPTS:-} -cp "$jar" $harness 200 500 9 relay 1 > "$work/out.txt" 2>&1 &
jvm=$!
sleep 3.5
tid=""
for task in /proc/$jvm/task/*; do
  case "$(cat "$task/comm" 2>/dev/null)" in smoothcast-rela*) tid=${task##*/} ;; esac
done
if [ -z "$tid" ]; then
  echo "no relay thread found in process $jvm" >&2
  exit 1
fi
perf record -q -e cpu-clock -F 4000 -t "$tid" -o "$work/p.data" -- sleep 4 > /dev/null 2>&1
wait $jvm
perf script -i "$work/p.data" -F ip,sym,dso 2> /dev/null > "$work/samples.txt"
awk -v label="$label" '
  { n++; if (substr($1, 1, 4) == "ffff") k++; else u++ }
  END { copies = 4 * 100000
        printf "%s samples=%d user=%.3f us kernel=%.3f us per copy (user share %.1f %%)", label, n,
            u / 4000 / copies * 1e6, k / 4000 / copies * 1e6, 100 * u / n }' "$work/samples.txt"
echo " | $(grep -o '[0-9]* packets forwarded per CPU second' "$work/out.txt")" \
    "$(grep -o 'p50=[0-9.]* ms p99=[0-9.]* ms' "$work/out.txt" | head -1)" \
    "load $(cut -d' ' -f1 /proc/loadavg) $(date +%T)"
if [ -n "$top" ]; then
  awk '{ n++; if (substr($1, 1, 4) == "ffff") next; $1 = ""; share[$0]++ }
    END { for (s in share) printf "%6.2f %% %s\n", 100 * share[s] / n, s }' "$work/samples.txt" \
    | sort -rn | head -25
fi
