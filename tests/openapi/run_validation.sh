#!/usr/bin/env bash
# ctest gateway.openapi_validation: writes the OpenAPI documents of the test
# API and of the real kiosk API, validates both against the official OpenAPI
# 3.0 schema (validate.mjs, npm package @seriousme/openapi-schema-validator),
# and checks that broken variants of the real document are rejected, so the
# check can fail. Installs the npm packages (npm ci) when they are missing or
# the lock file changed. Fails, never skips, without node or npm.
#
#   run_validation.sh <gateway_openapi_dump> <test_descriptor_set.pb> \
#                     <kiosk_descriptor_set.pb> <work_dir>
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 <gateway_openapi_dump> <test_descriptor_set.pb> <kiosk_descriptor_set.pb> <work_dir>" >&2
  exit 2
fi
dump="$1" test_set="$2" kiosk_set="$3" work="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Node.js and the npm packages (fails without node or npm).
"$here/../../scripts/npm-ci.sh" "$here"

validate() { node "$here/validate.mjs" "$1"; }

mkdir -p "$work"
"$dump" "$test_set" "$work/bookstore.json" /kiosk.gatewaytest.v1.Bookstore/ListShelves
"$dump" "$kiosk_set" "$work/kiosk.json" \
  /kiosk.users.v1.UsersService/Login /kiosk.users.v1.UsersService/Refresh

failed=0
for doc in "$work/bookstore.json" "$work/kiosk.json"; do
  validate "$doc" || failed=1
done

# Broken variants of the real document must be rejected.
declare -A broken=(
  [missing_info]='delete d.info'
  [optional_path_parameter]='Object.values(d.paths).flatMap(Object.values).flatMap(o => o.parameters ?? []).find(p => p.in === "path").required = false'
  [dangling_ref]='delete d.components.schemas.Error'
  [bad_parameter_location]='Object.values(d.paths).flatMap(Object.values).flatMap(o => o.parameters ?? [])[0].in = "body"'
)
for name in "${!broken[@]}"; do
  node -e "const fs = require('fs'); const d = JSON.parse(fs.readFileSync(process.argv[1]));
           ${broken[$name]}; fs.writeFileSync(process.argv[2], JSON.stringify(d));" \
    "$work/kiosk.json" "$work/broken_$name.json"
  if out="$(validate "$work/broken_$name.json" 2>&1)"; then
    echo "FAIL: the validator accepted broken_$name.json" >&2
    failed=1
  elif ! grep -q -e INVALID -e unresolvable <<<"$out"; then
    echo "FAIL: the validator crashed on broken_$name.json instead of rejecting it:" >&2
    echo "$out" >&2
    failed=1
  else
    echo "rejected as expected: broken_$name.json"
  fi
done

if [[ $failed -ne 0 ]]; then
  echo "OpenAPI validation FAILED" >&2
  exit 1
fi
echo "OpenAPI validation passed"
