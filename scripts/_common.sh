# Shared by scripts/run and scripts/test: make sure uv exists and the environment is synced.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "==> installing uv"
  python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
fi
echo "==> uv sync"
# Python starts from bytecode: the libraries' compiled here, once (later syncs skip what is fresh),
# and the project's (and pytest's rewritten tests) written beside the sources, in the ignored
# __pycache__ folders. A machine that sets PYTHONDONTWRITEBYTECODE (CI's does) otherwise compiled
# every module again in every process: django.setup() took 4.4 s instead of 1.3 s, collecting the
# tests 18 s instead of 8 s, for each pytest worker, manage.py command and server process.
uv sync --quiet --frozen --compile-bytecode
unset PYTHONDONTWRITEBYTECODE

apt_install() {
  # apt_install CMD PACKAGE...: install the Debian packages when CMD is missing.
  local cmd=$1; shift
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "==> apt-get install $*"
    if [ -z "${_APT_UPDATED:-}" ]; then apt-get update -qq; _APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}
