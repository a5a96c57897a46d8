#!/usr/bin/env bash
# Sonique's bootstrap, in the shape Cake users know: check the .NET SDK, install the tools the stages
# call when they are missing and we may, build the Cake host when its sources changed, then run it with
# every argument passed through (./build.sh --target=Status, --force=Download, --config=FILE, ...).
#
# Environment: SONIQUE_NO_INSTALL=1 never installs anything (only reports what is missing).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
# The host runs from its own folder, apart from build/bin, so that the Test target can rebuild the
# build project (its tests reference it) without overwriting the assembly that is running.
host_dir="$root/build/.host"
host_dll="$host_dir/Sonique.Build.dll"
stamp="$host_dir/.sonique-build-stamp"

check_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK is missing. Sonique needs .NET SDK 10 or newer: https://dotnet.microsoft.com/download (or your distribution's dotnet-sdk-10.0 package)." >&2
    exit 1
  fi
  local major
  major="$(dotnet --version 2>/dev/null | cut -d. -f1)"
  if [ -z "$major" ] || [ "$major" -lt 10 ]; then
    echo "error: the .NET SDK here is $(dotnet --version 2>/dev/null || echo unknown); Sonique needs 10 or newer." >&2
    exit 1
  fi
}

# Tools the stages run, as command -> Debian package.
install_prerequisites() {
  local -a missing=()
  command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  command -v yt-dlp >/dev/null 2>&1 || missing+=(yt-dlp)
  # aubio is the reference the tempo tests and benchmarks compare against; the pipeline itself never runs it.
  case " $* " in *" --target=Test "*|*" --target=Benchmark "*) command -v aubio >/dev/null 2>&1 || missing+=(aubio-tools) ;; esac
  # essentia.js (npm, pinned) under Node is the tempo and key reference of the accuracy test and benchmark.
  case " $* " in *" --target=Test "*|*" --target=Benchmark "*) command -v node >/dev/null 2>&1 || missing+=(nodejs); command -v npm >/dev/null 2>&1 || missing+=(npm) ;; esac
  # The tests run the peft trainer's job reader (python3 --check, no torch); training with peft needs more (its requirements.txt).
  case " $* " in *" --target=Test "*) command -v python3 >/dev/null 2>&1 || missing+=(python3) ;; esac
  # The report's test renders it in headless Chromium.
  case " $* " in *" --target=Test "*) command -v chromium >/dev/null 2>&1 || [ -n "${SONIQUE_CHROMIUM:-}" ] || missing+=(chromium) ;; esac
  # The remote-cache tests start real servers on loopback: nginx with WebDAV (Bazel's HTTP cache protocol) and
  # OpenStack Swift with s3api (S3; memcached holds tempauth's tokens). The fixtures run them from these paths.
  case " $* " in *" --target=Test "*)
    # Debian 13 has no nginx-light; its nginx has the WebDAV module built in too.
    [ -x /usr/sbin/nginx ] || { apt-cache show nginx-light >/dev/null 2>&1 && missing+=(nginx-light) || missing+=(nginx); }
    for server in proxy object container account; do [ -x "/usr/bin/swift-$server-server" ] || missing+=("swift-$server"); done
    [ -x /usr/bin/memcached ] || missing+=(memcached)
    # The Slurm executor's tests start a one-node cluster of their own (tests/Shared/Servers/SlurmCluster.cs).
    [ -x /usr/sbin/slurmctld ] || missing+=(slurmctld)
    [ -x /usr/sbin/slurmd ] || missing+=(slurmd)
    [ -x /usr/bin/sbatch ] || missing+=(slurm-client)
    [ -x /usr/sbin/munged ] || missing+=(munge) ;;
  esac
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  fi
  if [ "${SONIQUE_NO_INSTALL:-0}" != "1" ] && command -v apt-get >/dev/null 2>&1 && [ "$sudo" != "none" ]; then
    echo "Installing missing prerequisites with apt-get: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    return 0
  fi
  echo "warning: missing ${missing[*]}: stages that download or trim media will fail until it is installed" >&2
  echo "         (Debian/Ubuntu: sudo apt-get install ${missing[*]}; macOS: brew install ${missing[*]}; or set their paths in the config profile)." >&2
}

# Rebuild only when a source of the host is newer than the last build: a no-op costs one find.
build_host() {
  if [ -f "$stamp" ] && [ -z "$(find build tasks src Directory.Build.props Directory.Packages.props global.json \
        \( -path '*/bin' -o -path '*/obj' -o -path '*/.host' \) -prune -o -type f -newer "$stamp" -print -quit 2>/dev/null)" ]; then
    return 0
  fi
  dotnet build "$root/build/Sonique.Build.csproj" -c Release -o "$host_dir" -nologo -clp:ErrorsOnly -v:quiet
  touch "$stamp"
}

check_dotnet
install_prerequisites "$@"
build_host
exec dotnet "$host_dll" "$@"
