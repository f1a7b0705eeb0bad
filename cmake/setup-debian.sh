#!/bin/sh
# Installs the Debian 12 packages BioXen needs that are missing on this machine.
#
#   sh cmake/setup-debian.sh           # to build the library, the tool and the examples
#   sh cmake/setup-debian.sh --tests   # ... and to run the whole test suite (with chromium,
#                                      # Open MPI for the sweep test on two MPI ranks, and the
#                                      # Python package with pytest)
#   --python    ... and the Python package's build (pybind11, Python headers) and NumPy
#   --mpi       ... and Open MPI, for `bioxen sweep` across machines (docs/SWEEPS.md)
#   --docs      ... and to build the HTML API reference (Doxygen)
#   --release   ... and to build and check the release packages (cpack, dpkg-shlibdeps, lintian)
#   --browser   ... and the headless browser of the HTML report test
#   --clang     ... and clang
#   --tidy      ... and clang with clang-tidy (the tidy and tidy-ci presets)
#   --check     only report what is missing (exit 1), never install, even as root
#
# As root it runs `apt-get update` once and installs what is missing; otherwise it prints the
# exact apt-get line to run. When everything is present it only checks and exits 0.
set -eu

packages="g++ cmake make pkg-config libfmt-dev libspdlog-dev nlohmann-json3-dev libcli11-dev libedit-dev"
check_only=0
for arg in "$@"; do
  case "$arg" in
    --tests) packages="$packages libgtest-dev libgmock-dev libbenchmark-dev clang-format git chromium libopenmpi-dev openmpi-bin pybind11-dev python3-dev python3-numpy python3-pytest python3-venv python3-setuptools python3-wheel" ;;
    --python) packages="$packages pybind11-dev python3-dev python3-numpy" ;;
    --mpi) packages="$packages libopenmpi-dev openmpi-bin" ;;
    --browser) packages="$packages chromium" ;;
    --clang) packages="$packages clang" ;;
    --tidy) packages="$packages clang clang-tidy" ;;
    --docs) packages="$packages doxygen" ;;
    --release) packages="$packages dpkg-dev file lintian" ;;
    --check) check_only=1 ;;
    -h | --help)
      sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "setup-debian.sh: unknown option '$arg' (try --help)" >&2
      exit 2
      ;;
  esac
done

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done

if [ -z "$missing" ]; then
  echo "setup-debian.sh: all required packages are installed"
  exit 0
fi

if [ "$check_only" -eq 1 ] || [ "$(id -u)" -ne 0 ]; then
  echo "setup-debian.sh: missing packages:$missing" >&2
  echo "run as root:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
  exit 1
fi

echo "setup-debian.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# shellcheck disable=SC2086
apt-get install -y --no-install-recommends $missing
