# bash completion for sriov-apply: commands, options, option values, spec and state files.
_sriov_apply() {
  local cur prev cmd i
  cur=${COMP_WORDS[COMP_CWORD]}
  prev=${COMP_WORDS[COMP_CWORD-1]}
  local global="--log-level -v --verbose --version -h --help"
  local host="--sysfs-root --connect -c --state --output -o"
  local planning="$host --detailed-exitcode --max-disruption --phase --force --no-color --persist-file --metrics-file"
  cmd=""
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      apply | plan | show | doctor | validate | schema | help | version) cmd=${COMP_WORDS[i]}; break ;;
    esac
  done
  case $prev in
    --log-level) COMPREPLY=($(compgen -W "trace debug info warn error off" -- "$cur")); return ;;
    --max-disruption)
      COMPREPLY=($(compgen -W "none attribute link detach restart recreate" -- "$cur")); return ;;
    --phase) COMPREPLY=($(compgen -W "all host libvirt" -- "$cur")); return ;;
    --output | -o)
      if [ "$cmd" = show ]; then COMPREPLY=($(compgen -W "yaml json" -- "$cur"))
      else COMPREPLY=($(compgen -W "text json" -- "$cur")); fi
      return ;;
    --state | --persist-file | --lock-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --sysfs-root | --snapshot-dir | --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --connect | -c) COMPREPLY=($(compgen -W "qemu:///system qemu:///session" -- "$cur")); return ;;
    --jobs | -j | --settle-timeout | --shutdown-timeout | --detach-timeout | --lock-timeout | \
      --wait-for-pfs)
      return ;;
  esac
  if [[ $cur == -* ]]; then
    local opts
    case $cmd in
      apply | "")
        opts="$planning --yes -y --auto-approve --dry-run --no-rollback --jobs -j --settle-timeout --shutdown-timeout \
--detach-timeout --lock-timeout --lock-file --snapshot-dir --wait-for-pfs" ;;
      plan) opts="$planning --out" ;;
      show) opts="$host --as-spec" ;;
      doctor) opts="--root --connect -c --output -o" ;;
      validate) opts="--output -o --strict --no-color" ;;
      version) opts="--output -o" ;;
      schema | help) opts="" ;;
    esac
    COMPREPLY=($(compgen -W "$global $opts -h --help" -- "$cur"))
    return
  fi
  case $cmd in
    schema) COMPREPLY=($(compgen -W "spec state" -- "$cur")) ;;
    show | version) COMPREPLY=() ;;
    help) COMPREPLY=($(compgen -W "apply plan show doctor validate schema help version" -- "$cur")) ;;
    "")
      COMPREPLY=($(compgen -W "apply plan show doctor validate schema help version" -- "$cur"))
      COMPREPLY+=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
  esac
}
complete -o filenames -F _sriov_apply sriov-apply
