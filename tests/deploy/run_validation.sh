#!/usr/bin/env bash
# ctest deploy.validation: proves offline that what we ship for deployment
# applies. Renders every Kubernetes overlay with `kubectl kustomize` and
# validates the objects against the Kubernetes API schemas and our rules
# (validate_k8s.mjs); checks that a deliberately broken overlay
# (fixtures/broken) and broken variants of the dev render (mutate.mjs) are
# rejected with the right message; lints the Dockerfile (lint_dockerfile.mjs)
# and rejects fixtures/broken.Dockerfile; runs `docker-compose config` with a
# filled .env and checks the result (check_compose.mjs), and checks that an
# unfilled one is refused and that .env.example documents every variable.
# Installs the npm packages (npm ci) when missing or when the lock changed.
# Fails, never skips, when a tool is missing.
#
#   run_validation.sh <work_dir>
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <work_dir>" >&2
  exit 2
fi
work="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
mkdir -p "$work"

declare -A hint=([kubectl]="apt-get install kubernetes-client" [docker-compose]="apt-get install docker-compose")
for tool in kubectl docker-compose; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found; install it (Debian: ${hint[$tool]}; scripts/install-deps.sh does)" >&2
    exit 1
  fi
done

"$here/../../scripts/npm-ci.sh" "$here"

failed=0
fail() { echo "FAIL: $*" >&2; failed=1; }
operator="$repo/k8s/operator-provided.json"

# Expects `$@` to fail and print $expected.
rejects() {
  local what="$1" expected="$2" out
  shift 2
  if out="$("$@" 2>&1)"; then
    fail "$what was accepted"
  elif ! grep -qF -- "$expected" <<<"$out"; then
    fail "$what was rejected without \"$expected\":"$'\n'"$out"
  else
    echo "rejected as expected: $what"
  fi
}

echo "== Kubernetes overlays ($(kubectl version --client 2>/dev/null | head -1))"
for overlay in dev prod; do
  if kubectl kustomize "$repo/k8s/overlays/$overlay" >"$work/$overlay.yaml" 2>"$work/$overlay.err"; then
    node "$here/validate_k8s.mjs" "$work/$overlay.yaml" "$operator" "$overlay" || fail "overlay $overlay"
  else
    cat "$work/$overlay.err" >&2
    fail "kubectl kustomize k8s/overlays/$overlay"
  fi
done

echo "== broken manifests"
kubectl kustomize "$here/fixtures/broken" >"$work/broken.yaml" 2>/dev/null || fail "render fixtures/broken"
for expected in "unknown field spec.replica" "minReadySeconds must be integer" \
                "has no readinessProbe" "has no resources.limits.cpu"; do
  rejects "fixtures/broken ($expected)" "$expected" \
    node "$here/validate_k8s.mjs" "$work/broken.yaml" "$operator" dev
done
while IFS=$'\t' read -r name expected; do
  node "$here/mutate.mjs" "$work/dev.yaml" "$work/mutated-$name.yaml" "$name"
  rejects "dev render with $name" "$expected" \
    node "$here/validate_k8s.mjs" "$work/mutated-$name.yaml" "$operator" dev
done < <(node "$here/mutate.mjs" --list)

echo "== Dockerfile"
node "$here/lint_dockerfile.mjs" "$repo/Dockerfile" "$repo/.dockerignore" || fail "Dockerfile lint"
rejects "fixtures/broken.Dockerfile" "ENV SECRET_KEY bakes a secret" \
  node "$here/lint_dockerfile.mjs" "$here/fixtures/broken.Dockerfile" "$repo/.dockerignore"

echo "== docker-compose"
sed -E 's/^(POSTGRES_PASSWORD|KIOSK_[A-Z]+_DB_PASSWORD|SECRET_KEY)=$/\1=0123456789abcdef0123456789abcdef/' \
  "$repo/.env.example" >"$work/compose.env"
if docker-compose --project-directory "$repo" -f "$repo/docker-compose.yml" --env-file "$work/compose.env" \
     config >"$work/compose.yaml" 2>"$work/compose.err"; then
  node "$here/check_compose.mjs" "$work/compose.yaml" || fail "docker-compose.yml checks"
else
  cat "$work/compose.err" >&2
  fail "docker-compose config"
fi
rejects "docker-compose config with the unfilled .env.example" "set POSTGRES_PASSWORD in .env" \
  docker-compose --project-directory "$repo" -f "$repo/docker-compose.yml" --env-file "$repo/.env.example" config
for var in $(grep -oE '\$\{[A-Z_]+' "$repo/docker-compose.yml" | cut -c3- | sort -u); do
  grep -qE "^$var=" "$repo/.env.example" || fail ".env.example does not document $var"
done

if [[ $failed -ne 0 ]]; then
  echo "deployment validation FAILED" >&2
  exit 1
fi
echo "deployment validation passed"
