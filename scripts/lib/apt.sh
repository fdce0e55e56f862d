# Sourced by scripts/test, scripts/run, scripts/bench.sh and scripts/bench-serving.sh: one way to install Debian
# packages that are missing.
#   apt_install WHO PACKAGE…   updates the package lists, then installs PACKAGE… (repeats
#                              dropped); nothing at all when no package is given.
apt_install() {
    local who=$1
    shift
    [ $# -gt 0 ] || return 0
    local packages sudo_cmd=""
    mapfile -t packages < <(printf '%s\n' "$@" | sort -u)
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    echo "$who: installing Debian packages: ${packages[*]}" >&2
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}
