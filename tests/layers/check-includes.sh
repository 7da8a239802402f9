#!/bin/sh
# Checks what the linker cannot see for a layer target: its sources, and the headers they reach,
# include only the standard library and the headers of the target's own sources (its layer and
# the ones it links), never a header of another layer (a header-only use of the Host seam, of
# yaml-cpp, of pugixml). Usage: check-includes.sh SOURCE_DIR TARGET SOURCE...
# (SOURCE: the target's sources, and the sources of the targets it links, as CMake lists them.)
set -eu
src=$1
target=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sriov-includes.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Allowed: the header of every source given.
for f in "$@"; do
  rel=${f#"$src"/}
  case $rel in
    *.cpp) echo "${rel%.cpp}.h" ;;
    *) echo "$rel" ;;
  esac
done | sort -u >"$tmp/allowed"
for f in "$@"; do echo "${f#"$src"/}"; done >"$tmp/todo"
: >"$tmp/seen"
: >"$tmp/bad"
while [ -s "$tmp/todo" ]; do
  file=$(head -n 1 "$tmp/todo")
  sed -i 1d "$tmp/todo"
  grep -qx "$file" "$tmp/seen" && continue
  echo "$file" >>"$tmp/seen"
  [ -e "$src/$file" ] || continue
  grep -E '^[[:space:]]*#[[:space:]]*include' "$src/$file" | sed -E 's/^[^<"]*([<"][^>"]*[>"]).*/\1/' |
    while read -r inc; do
      case $inc in
        \<*/*\> | \<*.*\>) echo "$file: includes $inc, which is not the standard library" >>"$tmp/bad" ;;
        \<*\>) ;;
        \"*\")
          h=${inc#\"}
          h=${h%\"}
          if grep -qx "$h" "$tmp/allowed"; then
            echo "$h" >>"$tmp/todo"
          else
            echo "$file: includes \"$h\", which is not a header of $target or the layers it links" >>"$tmp/bad"
          fi
          ;;
      esac
    done
done
if [ -s "$tmp/bad" ]; then
  sort -u "$tmp/bad"
  exit 1
fi
echo "$target: $(wc -l <"$tmp/seen") files include only the standard library and their layers' headers"
