#!/bin/bash
# Kernel and user time per copy of the thread that sends the fan-out, for the relay or for
# GStreamer's multiudpsink, with call graphs kept for kernel_per_copy.py (BENCHMARKS.md,
# "Relay fan-out, session 10").
#
# Usage (root, from the repository root):
#   benchmarks/scripts/kernel_per_copy.sh LABEL JAR relay|gstreamer [JVM options...]
# One 9 s run of RelayFanOutHarness (200 subscribers, 500 packets/s in, 1 fan-out thread, reader
# at nice 19). perf samples the sending thread (the relay's I/O thread, or gst-launch's
# udpsrc0:src streaming thread, which also runs multiudpsink) at 4 kHz with call graphs from
# 3.5 s to 7.5 s into the run: 400 000 copies. Keeps $OUT/TIME-LABEL-MODE.{data,txt}
# (OUT defaults to /tmp/kernel-per-copy) and prints one line.
# With -Dharness.sink=ifb among the JVM options (both modes) the copies go to a device that drops
# them (RelayFanOutHarness's Javadoc); the harness deletes it at the end, and so does this script
# if the run was killed before it could.
set -uo pipefail
label=$1
jar=$2
mode=$3
shift 3
out=${OUT:-/tmp/kernel-per-copy}
mkdir -p "$out"
tag=$(date +%H%M%S)-$label-$mode
java -Dharness.readerNice=19 "$@" -cp "$jar" io.smoothcast.benchmarks.transport.RelayFanOutHarness 200 500 9 "$mode" 1 \
    > "$out/$tag.txt" 2>&1 &
jvm=$!
sleep 3.5
tid=""
if [ "$mode" = gstreamer ]; then
  # java -> timeout -> gst-launch-1.0
  gst=$(pgrep -P "$(pgrep -P $jvm timeout | head -1)" gst-launch | head -1)
  for task in /proc/$gst/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in udpsrc*) tid=${task##*/} ;; esac
  done
else
  for task in /proc/$jvm/task/*; do
    case "$(cat "$task/comm" 2>/dev/null)" in smoothcast-rela*) tid=${task##*/} ;; esac
  done
fi
if [ -z "$tid" ]; then
  echo "no sending thread found under process $jvm" >&2
  wait $jvm
  exit 1
fi
perf record -q -g -e cpu-clock -F 4000 -t "$tid" -o "$out/$tag.data" -- sleep 4 > /dev/null 2>&1
wait $jvm
if [ -e /sys/class/net/sc-sink0 ]; then
  ip link del sc-sink0 && echo "deleted sc-sink0, left by the run" >&2
fi
perf script -i "$out/$tag.data" -G -F ip 2> /dev/null | awk -v label="$label/$mode" '
  NF { n++; if (substr($1, 1, 4) == "ffff") k++ }
  END { printf "%s samples=%d kernel=%.3f us user=%.3f us per copy", label, n, k / 4000 / 400000 * 1e6,
            (n - k) / 4000 / 400000 * 1e6 }'
echo " | $(grep -o '[0-9]* packets [a-z]* per CPU second' "$out/$tag.txt") load $(cut -d' ' -f1 /proc/loadavg)" \
    "$(date +%T) [$out/$tag.data]"
