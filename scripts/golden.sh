#!/usr/bin/env bash
# Fingerprints every output mailgate writes for the shipped configs and a generated one: one line
# per file (config, phase, path, sha256), plus validate's and diff's output. A refactor that must
# keep outputs byte-identical compares this before and after:
#
#   bash scripts/golden.sh > /tmp/before.txt   # on the old commit
#   bash scripts/golden.sh > /tmp/after.txt    # on the new one
#   diff /tmp/before.txt /tmp/after.txt        # nothing printed: identical
#
# Each config is copied into one scratch folder under the same relative name, so placements.json
# (which names its config directory) is the same from any checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export CHECKPOINT_DISABLE=1
unset CI MAILGATE_CONFIG MAILGATE_OUT CDKTF_OUTDIR MAILGATE_PHASE

mkdir -p "$scratch/configs"
cp -r config "$scratch/configs/example"
for dir in examples/*/ __tests__/fixtures/config/valid/; do
  name="$(basename "$dir")"
  [ -d "$scratch/configs/$name" ] && name="fixture-$name"
  cp -r "$dir" "$scratch/configs/$name"
done
node scripts/run-ts.cjs scripts/bench/generate-config.ts --domains 1000 --targets 40 --accounts 2 --seed 7 --out "$scratch/configs/generated-1000" >/dev/null

cd "$scratch"
for cfg in configs/*; do
  name="$(basename "$cfg")"
  mkdir -p out
  for phase in contract expand; do
    out="out/$name-$phase"
    # The expand phase reads the contract phase's placements, as a real two-apply change does.
    if [ "$phase" = expand ] && [ -d "out/$name-contract/generated" ]; then mkdir -p "$out" && cp -r "out/$name-contract/generated" "$out/generated"; fi
    code=0
    node "$repo/scripts/run-ts.cjs" "$repo/main.ts" --config "$cfg" --out "$out/generated" --terraform-out "$out/cdktf.out" --phase "$phase" \
      >"$out.stdout" 2>"$out.stderr" || code=$?
    echo "$name $phase exit $code"
    echo "$name $phase stdout $(sha256sum <"$out.stdout" | cut -c1-16)"
    echo "$name $phase stderr $(sha256sum <"$out.stderr" | cut -c1-16)"
    [ -d "$out" ] && (cd "$out" && find . -type f ! -path '*/.terraform/*' | LC_ALL=C sort | while read -r f; do
      echo "$name $phase $f $(sha256sum <"$f" | cut -c1-16)"
    done)
  done
  for command in validate check; do
    code=0
    node "$repo/scripts/run-ts.cjs" "$repo/lib/cli.ts" "$command" --config "$cfg" --out "out/$name-contract/generated" >"$name.$command" 2>&1 || code=$?
    echo "$name $command exit $code $(sha256sum <"$name.$command" | cut -c1-16)"
  done
done
# diff of each config against the next (and the last against the first), with the base's placements.
set -- configs/*
first="$1"
while [ "$#" -gt 0 ]; do
  base="$1" head="${2:-$first}"
  shift
  code=0
  node "$repo/scripts/run-ts.cjs" "$repo/lib/cli.ts" diff --out "out/$(basename "$base")-contract/generated" "$base" "$head" >diff.out 2>&1 || code=$?
  echo "diff $(basename "$base") $(basename "$head") exit $code $(sha256sum <diff.out | cut -c1-16)"
done
echo "golden: $(ls configs | wc -l) configs"
