#!/usr/bin/env bash
# `make run`: starts witd on the embedded log in the foreground, after printing how to get a
# session and create a first token.
set -euo pipefail
bin=$1 data_dir=$2 listen=$3

cat <<MSG
witd is starting on http://$listen with data in $data_dir (Ctrl-C stops it).

In another terminal:
  export WIT_SERVER=http://$listen
  export WIT_SESSION=\$($bin/witd session issue --user alice --data-dir $data_dir)
  $bin/wit token create my-token
  $bin/wit token list

A service checks tokens with a service credential:
  SVC=\$($bin/witd session issue --service git --data-dir $data_dir)
  curl -s -H "Authorization: Bearer \$SVC" -d '{"token":"wit_..."}' http://$listen/api/tokens/verify

The history, while witd runs:
  $bin/wit-audit replay --data-dir $data_dir
  $bin/wit-audit stats --data-dir $data_dir

MSG
exec "$bin/witd" serve --listen "$listen" --data-dir "$data_dir"
