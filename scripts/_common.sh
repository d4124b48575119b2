# Shared by scripts/run and scripts/test: make sure uv exists and the environment is synced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv"
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
echo "==> uv sync"
uv sync --quiet --frozen

apt_install() {
  # apt_install CMD PACKAGE...: install the Debian packages when CMD is missing.
  local cmd=$1; shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "==> apt-get install $*"
    if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}
