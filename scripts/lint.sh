#!/usr/bin/env bash
# lint.sh format|tidy [BUILD_DIR]: the project's two linters (`make lint` runs both; `make test`
# runs the format check).
#   format  every tracked C++ file is exactly as clang-format-14 writes it (.clang-format); the
#           tree is kept formatted, so any misformatted line, old or new, fails
#   tidy    clang-tidy-14 with .clang-tidy's checks on every project source, using the
#           compile commands of BUILD_DIR (default build); a finding fails
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: lint.sh format|tidy [BUILD_DIR]}
build=${2:-build}
mapfile -t sources < <(git ls-files '*.cc' '*.h')

for tool in clang-format-14 clang-tidy-14; do
  command -v "$tool" >/dev/null || { echo "lint: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done

case $mode in
  format)
    bad=()
    for f in "${sources[@]}"; do
      clang-format-14 --dry-run --Werror "$f" 2>/dev/null || bad+=("$f")
    done
    if ((${#bad[@]} > 0)); then
      echo "lint: not formatted as clang-format-14 writes them (clang-format-14 -i FILE):" >&2
      printf '  %s\n' "${bad[@]}" >&2
      exit 1
    fi
    echo "lint: ${#sources[@]} files formatted"
    ;;
  tidy)
    [[ -f $build/compile_commands.json ]] || { echo "lint: no $build/compile_commands.json; make build first" >&2; exit 2; }
    mapfile -t units < <(git ls-files '*.cc' | grep -v -e '^fuzz/' -e '^cmake/')
    printf '%s\n' "${units[@]}" |
      xargs -P "${JOBS:-2}" -n 4 clang-tidy-14 -p "$build" --quiet --warnings-as-errors='*' \
        2> >(grep -v 'warnings generated' >&2)
    echo "lint: clang-tidy found nothing in ${#units[@]} files"
    ;;
  *) echo "usage: lint.sh format|tidy [BUILD_DIR]" >&2; exit 2 ;;
esac
