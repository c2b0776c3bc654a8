#!/usr/bin/env bash
# Installs the build into a temporary prefix, builds tests/package against it with
# find_package(vitals), and runs the result. Usage: consumer_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/package" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
output=$("$work/build/consumer")
grep -q 'vitals_check_up{check="ping"} 1' <<<"$output" || {
  echo "consumer did not report its check as up:"
  echo "$output"
  exit 1
}
echo "installed package works: vitals_check_up{check=\"ping\"} 1"
