# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2207 # COMPREPLY=($(compgen ...)) is the idiom
# bash completion for cvmctl(8). Installed by `make install` under
# $(PREFIX)/share/bash-completion/completions/cvmctl.
#
# The command list comes from `cvmctl help`, so a newer cvmctl's commands
# complete without editing this file.

_cvmctl_modules="cvm_core cvm_convert cvm_bounce cvm_ring"
_cvmctl_check_items="cvm mem_encrypt secure_boot lockdown tpm sig_enforce taint"

_cvmctl_commands()
{
	"${1:-cvmctl}" help 2>/dev/null |
		sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\{0,1\}$/\1/p'
}

# Complete a comma-separated list of check items (the value of --check=
# or --skip=; readline breaks the word at "=" so only the value is replaced).
_cvmctl_items()
{
	local cur=$1 prefix='' item

	case $cur in
	*,*) prefix=${cur%,*},; cur=${cur##*,} ;;
	esac
	COMPREPLY=()
	for item in $_cvmctl_check_items; do
		[[ $item == "$cur"* ]] && COMPREPLY+=("$prefix$item")
	done
	compopt -o nospace 2>/dev/null
}

_cvmctl()
{
	local cur prev words cword cmd i

	if declare -F _init_completion >/dev/null; then
		# -s: "--check=x" gives prev=--check, cur=x.
		_init_completion -s || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
		# Without bash-completion, "--check=x" is three words.
		if [[ $cur == = ]]; then
			cur=
		elif [[ $prev == = ]] && ((cword >= 2)); then
			prev=${COMP_WORDS[COMP_CWORD - 2]}
		fi
	fi

	# The command is the first word that is not a global option.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j --json -p --pretty -h --help
				-V --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_cvmctl_commands "${words[0]}")" \
				-- "$cur"))
		fi
		return
	fi

	case $cmd in
	status)
		case $prev in
		--check|--skip)
			# Only right after "=": a bare --check takes no value.
			if [[ ${COMP_LINE:0:COMP_POINT} =~ =[a-z_,]*$ ]]; then
				_cvmctl_items "$cur"
				return
			fi ;;
		esac
		COMPREPLY=($(compgen -W '--check --check= --skip=' -- "$cur"))
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		;;
	config)
		[[ $prev == config ]] &&
			COMPREPLY=($(compgen -W 'event-ratelimit' -- "$cur"))
		;;
	conversions)
		case $prev in
		conversions)
			COMPREPLY=($(compgen -W '--ranges observer' -- "$cur")) ;;
		observer)
			COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		esac
		;;
	rings)
		case $prev in
		rings)
			COMPREPLY=($(compgen -W 'policy auditor' -- "$cur")) ;;
		auditor)
			COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		policy) ;;
		*)
			[[ ${words[cword-2]} == policy ]] &&
				COMPREPLY=($(compgen -W 'monitor enforce' -- "$cur")) ;;
		esac
		;;
	pool)
		# A PCI address has ':' in it, where readline splits words, so
		# it is found by whitespace in the line; the candidates then
		# start after the address's last ':', as readline replaces only
		# that part (what bash-completion's __ltrim_colon_completions does).
		local line=${COMP_LINE:0:COMP_POINT} lw pcur pprev
		read -ra lw <<<"$line"
		if [[ $line == *[[:space:]] ]]; then
			pcur= pprev=${lw[-1]}
		else
			pcur=${lw[-1]} pprev=${lw[-2]}
		fi
		if [[ $pprev == attach || $pprev == detach ]]; then
			COMPREPLY=($(compgen -W "$(ls /sys/bus/pci/devices 2>/dev/null)" \
				-- "$pcur"))
			[[ $pcur == *:* ]] &&
				COMPREPLY=("${COMPREPLY[@]#"${pcur%"${pcur##*:}"}"}")
			return
		fi
		case $prev in
		pool)
			COMPREPLY=($(compgen -W 'attach detach set' -- "$cur")) ;;
		set)
			COMPREPLY=($(compgen -W 'zero_from_device zero_slack scrub
				misuse_warn wait_ms idle_ms' -- "$cur")) ;;
		zero_from_device|zero_slack|scrub|misuse_warn)
			COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		*)
			[[ ${words[cword-2]} == attach ]] &&
				COMPREPLY=($(compgen -W 'zero_from_device' -- "$cur")) ;;
		esac
		;;
	swiotlb)
		case $prev in
		swiotlb)
			COMPREPLY=($(compgen -W 'observer trace' -- "$cur")) ;;
		observer|trace)
			COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		esac
		;;
	set)
		case $prev in
		set)
			COMPREPLY=($(compgen -W 'event-ratelimit observer pool
				swiotlb-observer ring-policy ring-auditor' -- "$cur")) ;;
		observer|swiotlb-observer|ring-auditor)
			COMPREPLY=($(compgen -W 'on off' -- "$cur")) ;;
		pool)
			COMPREPLY=($(compgen -W 'zero_from_device zero_slack scrub
				misuse_warn wait_ms idle_ms' -- "$cur")) ;;
		*)
			[[ ${words[cword-2]} == ring-policy ]] &&
				COMPREPLY=($(compgen -W 'monitor enforce' -- "$cur")) ;;
		esac
		;;
	load|unload)
		COMPREPLY=($(compgen -W "$_cvmctl_modules" -- "$cur"))
		;;
	help)
		[[ $prev == help ]] &&
			COMPREPLY=($(compgen -W "$(_cvmctl_commands "${words[0]}")" \
				-- "$cur"))
		;;
	esac
}

complete -F _cvmctl cvmctl
