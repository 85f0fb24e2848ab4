#!/usr/bin/env bash
# Install every Debian 12 package ce-lslm needs to build, test and run.
#
#   scripts/setup.sh          build + test + run dependencies
#   scripts/setup.sh --train  also what scripts/train_models.py needs (PyTorch, NumPy, OpenBLAS)
#   scripts/setup.sh --fuzz   also what scripts/fuzz.sh needs (clang and its libFuzzer runtime)
#   scripts/setup.sh --check  only report what is missing (exit 1 if anything is); combines
#                             with --train and --fuzz
#
# Idempotent and fast when everything is present (one dpkg-query, no apt call). Works as root
# or through sudo. Prints exactly what it installs.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake make pkg-config clang-format
  # ns-3.37 and what its CMake config silently needs
  libns3-dev ns3 libgsl-dev libxml2-dev libpython3.11-dev
  # libraries
  libeigen3-dev nlohmann-json3-dev libboost-program-options-dev libgtest-dev
  # scripts (sweep.py, plot.py and plot-radio.py; the plots draw with Debian's matplotlib)
  python3 python3-matplotlib
)

# Only for retraining the committed models (scripts/train_models.py). Debian's torch falls back to
# the generic reference BLAS (~25x slower on matmuls) unless an optimized BLAS is installed.
train_packages=(
  python3-torch python3-numpy libopenblas0-pthread
)

# Only for the libFuzzer build (scripts/fuzz.sh): clang 14, libFuzzer and the sanitizer runtimes,
# and the OpenMP runtime clang links the kernel with.
fuzz_packages=(
  clang libclang-rt-14-dev libomp-dev
)

check_only=0
train=0
fuzz=0
for arg in "$@"; do
  case "$arg" in
    --check) check_only=1 ;;
    --train) train=1 ;;
    --fuzz) fuzz=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
[ "$train" -eq 0 ] || packages+=("${train_packages[@]}")
[ "$fuzz" -eq 0 ] || packages+=("${fuzz_packages[@]}")

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} required Debian packages are installed."
  exit 0
fi

echo "setup: missing Debian packages: ${missing[*]}"
if [ "$check_only" -eq 1 ]; then
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "setup: need root to install packages, and sudo is not available." >&2
  echo "setup: run as root: apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup: apt-get update"
"${as_root[@]}" apt-get update -qq
echo "setup: installing: ${missing[*]}"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done."
