#!/bin/sh
# Prints production file sizes and the longest functions (brace matching from a line that opens a
# function body), the figures issue 12 asks for. Usage: tests/sizes.sh [N longest functions].
set -eu
cd "$(dirname "$0")/.."
top=${1:-15}
echo "== files over 300 lines (production: schema/ reconcile/ cmd/)"
git ls-files 'schema/*.cpp' 'schema/*.h' 'reconcile/*.cpp' 'reconcile/*.h' 'cmd/*.cpp' 'cmd/*.h' |
  xargs wc -l | sort -rn | awk '$2 != "total" && $1 > 300'
echo "== longest functions (lines, file:line, signature)"
git ls-files 'schema/*.cpp' 'reconcile/*.cpp' 'cmd/*.cpp' | while read -r f; do
  awk -v file="$f" '
    # A signature starts on a line at column 0 or 2 and may go on over several lines (long
    # parameter lists): the function is counted from its first line.
    function opens() { return /\)( const)?( override)?( noexcept)?( -> [^{]*)? *\{$/ }
    !infn && /^(  )?[A-Za-z~].*\(/ && !/^ *(if|for|while|switch|else|do|catch|try|return)\>/ && !/;$/ {
      pending = FNR; sig = $0 }
    !infn && pending && opens() { start = pending; depth = 0; infn = 1; pending = 0 }
    !infn && pending && /;$/ { pending = 0 }
    infn { n = gsub(/\{/, "{"); m = gsub(/\}/, "}"); depth += n - m
           if (depth == 0) { printf "%5d %s:%d %s\n", FNR - start + 1, file, start, substr(sig, 1, 60); infn = 0 } }
  ' "$f"
done | sort -rn | head -n "$top"
