# Sourced by scripts/serve and scripts/test: Debian packages, then a virtualenv in .venv.
# Usage: bootstrap REQUIREMENTS_FILE [DEBIAN_PACKAGE...]
bootstrap() {
  local requirements=$1; shift
  local packages=("$@")
  if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    packages+=(python3-venv)
  fi
  local missing=()
  for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    echo "Installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements"
}

# axe-core and the Nu Html Checker, at the versions of package-lock.json. Skipped when
# node_modules already holds that lock; --ignore-scripts: nothing downloads anything else.
install_node_packages() {
  local stamp=node_modules/.installed-lock.sha256
  local wanted
  wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$wanted" > "$stamp"
  fi
}
