#!/usr/bin/env bash
# Where 32-bit x86 code runs on this machine: natively, by emulation, or not at all (tests/README.md, "32-bit x86
# without a 32-bit kernel", says how and why). Sourced by tests/wine/wine.sh; as a command for people:
#   tests/wine/wine.sh x86 [emulate]    detect (emulate: even where the kernel runs 32-bit code, as CB_X86=emulate does)
#   tests/wine/wine.sh x86 unregister   remove our binfmt_misc entry again
# CB_X86=off: behave as where x86 cannot run (x86 rows skipped; a failure in CI). Detect, don't assume: a static 32-bit
# probe (x86/probe32.c) prints "x86_64" (native), "i686" (qemu-user through binfmt_misc), or does not start. Where the
# kernel cannot and we are root: qemu-user 10 from bookworm-backports (the machine's apt sources untouched), registered
# in binfmt_misc; after the Wine install the trap-number preload (x86/trapno_preload.c) in LD_PRELOAD, and Wine's 32-bit
# loader must answer --version. Afterwards X86_MODE (native | emulated | unavailable), X86_REASON, X86_LINE.

X86_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/x86
if [[ $(id -u) -eq 0 ]]; then X86_HOME=${CB_X86_HOME:-/var/cache/connect-bridge/x86}
else X86_HOME=${CB_X86_HOME:-$(cd "$X86_SRC_DIR/../../.." && pwd)/artifacts/x86}; fi
X86_BINFMT=/proc/sys/fs/binfmt_misc
X86_ENTRY=qemu-i386
X86_QEMU_SUITE=bookworm-backports
# The i386 ELF magic and mask qemu's own binfmt script uses (ELF class 32, little endian, e_machine 3).
X86_MAGIC='\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x03\x00'
X86_MASK='\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
X86_MODE=""
X86_REASON=""
X86_LINE=""

x86_log() { echo "# x86: $*"; }

x86_build_probe() {
    [[ -x $X86_HOME/probe32 && $X86_HOME/probe32 -nt $X86_SRC_DIR/probe32.c ]] && return 0
    mkdir -p "$X86_HOME" &&
        gcc -m32 -ffreestanding -nostdlib -static -fno-pie -no-pie -fno-stack-protector -O1 \
            -o "$X86_HOME/probe32" "$X86_SRC_DIR/probe32.c" 2>"$X86_HOME/probe32.log"
}

# Runs the probe; sets X86_PROBE to what it printed, or "" if it did not run. Bounded: qemu starts in well under 10 s.
x86_run_probe() {
    X86_PROBE=$(timeout 60 "$X86_HOME/probe32" 2>/dev/null) || X86_PROBE=""
}

# The qemu-i386 we register: qemu-user 10 from bookworm-backports, unpacked under $X86_HOME (fetched once).
x86_fetch_qemu() {
    local dir=$X86_HOME/qemu mirror sources lists deb
    if [[ -x $dir/usr/bin/qemu-i386 ]] && "$dir/usr/bin/qemu-i386" --version 2>/dev/null | grep -q 'version 1[0-9]\.'; then
        X86_QEMU=$dir/usr/bin/qemu-i386
        return 0
    fi
    # The machine's own Debian mirror (deb822 or one-line sources), so the package comes from where apt already goes.
    mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null |
        grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ')
    [[ -n $mirror ]] || mirror=http://deb.debian.org/debian
    rm -rf "$dir.fetch" && mkdir -p "$dir.fetch/lists/partial" "$dir.fetch/archives/partial" || return 1
    sources=$dir.fetch/sources.list
    echo "deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $X86_QEMU_SUITE main" >"$sources"
    local apt=(-o Dir::Etc::SourceList="$sources" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$dir.fetch/lists"
        -o Dir::Cache::archives="$dir.fetch/archives" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
        -o APT::Get::List-Cleanup=0 -o Acquire::Retries=3 -o APT::Sandbox::User=root)
    x86_log "fetching qemu-user from $X86_QEMU_SUITE (${mirror%/}); the machine's apt sources stay as they are"
    (cd "$dir.fetch" && timeout 600 apt-get "${apt[@]}" update </dev/null >"$dir.fetch/apt.log" 2>&1 &&
        timeout 900 apt-get "${apt[@]}" download "qemu-user/$X86_QEMU_SUITE" </dev/null >>"$dir.fetch/apt.log" 2>&1) || {
        X86_REASON="qemu-user could not be fetched from $X86_QEMU_SUITE ($(tail -n1 "$dir.fetch/apt.log" 2>/dev/null))"
        return 1
    }
    deb=$(ls "$dir.fetch"/qemu-user_*.deb 2>/dev/null | head -n1)
    rm -rf "$dir" && mkdir -p "$dir" &&
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" ./usr/bin/qemu-i386 || {
        X86_REASON="qemu-user's package could not be unpacked ($deb)"
        return 1
    }
    rm -rf "$dir.fetch"
    X86_QEMU=$dir/usr/bin/qemu-i386
    "$X86_QEMU" --version 2>/dev/null | grep -q 'version 1[0-9]\.' || {
        X86_REASON="the fetched qemu-i386 is not version 10 or newer: $("$X86_QEMU" --version 2>&1 | head -n1)"
        return 1
    }
}

# binfmt_misc: mounted if needed; our entry registered, replacing an entry of the same name that points elsewhere
# (an older qemu's) and disabling any other entry that claims i386 ELF files. Idempotent.
x86_register() {
    local entry
    if [[ ! -e $X86_BINFMT/register ]]; then
        mount -t binfmt_misc binfmt_misc "$X86_BINFMT" 2>/dev/null || {
            X86_REASON="binfmt_misc could not be mounted at $X86_BINFMT"
            return 1
        }
    fi
    for entry in "$X86_BINFMT"/*; do
        [[ -f $entry && $entry != */register && $entry != */status ]] || continue
        grep -q '^magic 7f454c4601010100000000000000000002000300$' "$entry" 2>/dev/null || continue
        if [[ ${entry##*/} == "$X86_ENTRY" ]] && grep -qx 'enabled' "$entry" && grep -qx "interpreter $X86_QEMU" "$entry" &&
            grep -q '^flags: .*F' "$entry"; then
            continue # ours, as wanted
        fi
        x86_log "removing the binfmt_misc entry ${entry##*/} ($(sed -n 's/^interpreter //p' "$entry"))"
        echo -1 >"$entry" 2>/dev/null
    done
    if [[ ! -e $X86_BINFMT/$X86_ENTRY ]]; then
        # F: the kernel opens the interpreter now, so it is found from every mount namespace and chroot.
        printf '%s' ":$X86_ENTRY:M::$X86_MAGIC:$X86_MASK:$X86_QEMU:F" >"$X86_BINFMT/register" 2>/dev/null || {
            X86_REASON="the kernel refused the binfmt_misc registration of $X86_QEMU"
            return 1
        }
        x86_log "registered $X86_QEMU for i386 ELF programs in binfmt_misc"
    fi
}

# With our entry present the probe always runs emulated; disabled for one probe run, it shows whether the kernel
# itself can (then the entry is a leftover of CB_X86=emulate, and this machine must not be touched).
x86_native_behind_our_entry() {
    local entry=$X86_BINFMT/$X86_ENTRY probe
    [[ -w $entry ]] && grep -q "^interpreter $X86_HOME/qemu/" "$entry" || return 1
    echo 0 >"$entry" || return 1
    probe=$(timeout 60 "$X86_HOME/probe32" 2>/dev/null)
    echo 1 >"$entry"
    [[ $probe == x86_64 ]]
}

x86_unregister() {
    [[ -e $X86_BINFMT/$X86_ENTRY ]] && echo -1 >"$X86_BINFMT/$X86_ENTRY"
    return 0
}

# Step 1 (before Wine's i386 packages are installed, whose maintainer scripts need 32-bit execution too).
x86_detect() {
    X86_MODE=""
    X86_REASON=""
    if [[ ${CB_X86:-} == off ]]; then # by hand only, to see the x64-only path; prepare.sh fails it in CI
        X86_MODE=unavailable
        X86_REASON="turned off by hand (CB_X86=off)"
        return 0
    fi
    if ! x86_build_probe; then
        X86_MODE=unavailable
        X86_REASON="the 32-bit probe could not be built (gcc -m32 -nostdlib: $(tail -n1 "$X86_HOME/probe32.log" 2>/dev/null))"
        return 0
    fi
    x86_run_probe
    local want_emulation=0
    if [[ -z $X86_PROBE ]]; then want_emulation=1
    elif [[ $X86_PROBE == x86_64 ]]; then [[ ${CB_X86:-} == emulate ]] && want_emulation=1
    elif [[ ${CB_X86:-} != emulate ]] && x86_native_behind_our_entry; then
        x86_log "our binfmt_misc entry was left from a forced run (CB_X86=emulate) on a kernel that runs 32-bit x86: removed"
        x86_unregister
        X86_PROBE=x86_64
    else want_emulation=1 # emulated already: make sure it is our qemu 10, not an older one
    fi
    if [[ $want_emulation -eq 0 ]]; then
        X86_MODE=native
        return 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        if [[ -n $X86_PROBE ]]; then X86_MODE=emulated; return 0; fi
        X86_MODE=unavailable
        X86_REASON="this kernel cannot execute 32-bit x86 and only root can set up emulation (binfmt_misc)"
        return 0
    fi
    if ! x86_fetch_qemu || ! x86_register; then
        X86_MODE=unavailable
        return 0
    fi
    x86_run_probe
    case $X86_PROBE in
        x86_64) X86_MODE=native ;; # binfmt did not take it (cannot happen with our entry; reported as what it is)
        "") X86_MODE=unavailable; X86_REASON="the 32-bit probe does not run even through $X86_QEMU" ;;
        *) X86_MODE=emulated ;;
    esac
}

# Step 2 (after the Wine install): under emulation, the trap-number preload; then Wine's 32-bit loader must start.
x86_finish() {
    local out
    [[ ${CB_X86:-} == off ]] && unset LD_PRELOAD
    if [[ $X86_MODE == emulated ]]; then
        local lib32=$X86_HOME/lib/i386-linux-gnu lib64=$X86_HOME/lib/x86_64-linux-gnu
        mkdir -p "$lib32" "$lib64"
        if [[ ! -f /lib/i386-linux-gnu/libc.so.6 ]]; then
            X86_MODE=unavailable
            X86_REASON="no i386 libc (/lib/i386-linux-gnu/libc.so.6) to build the trap-number preload against"
        elif ! gcc -m32 -shared -fPIC -nostdlib -ffreestanding -O1 -o "$lib32/trapno.so" "$X86_SRC_DIR/trapno_preload.c" \
            /lib/i386-linux-gnu/libc.so.6 2>"$X86_HOME/preload.log" ||
            ! gcc -shared -fPIC -O1 -o "$lib64/trapno.so" "$X86_SRC_DIR/trapno_preload.c" 2>>"$X86_HOME/preload.log"; then
            X86_MODE=unavailable
            X86_REASON="the trap-number preload could not be built ($(tail -n1 "$X86_HOME/preload.log"))"
        else
            # A literal $LIB: ld.so expands it per process (lib/i386-linux-gnu or lib/x86_64-linux-gnu on Debian).
            export LD_PRELOAD="$X86_HOME/\$LIB/trapno.so"
            # Under qemu: W^X's double mapping hangs; the vector paths and the background GC corrupted a 1 MB text
            # (tests/README.md has the evidence). Environment-wide; native x86 keeps all three.
            export DOTNET_EnableWriteXorExecute=0 DOTNET_EnableHWIntrinsic=0 DOTNET_gcConcurrent=0
        fi
    fi
    if [[ $X86_MODE != unavailable ]]; then
        if [[ ! -x /usr/lib/wine/wine ]]; then
            X86_MODE=unavailable
            X86_REASON="Wine's 32-bit loader /usr/lib/wine/wine is not installed"
        elif ! out=$(timeout 120 /usr/lib/wine/wine --version 2>&1); then
            X86_REASON="Wine's 32-bit loader does not start ($X86_MODE): $(echo "$out" | tail -n1)"
            X86_MODE=unavailable
            unset LD_PRELOAD
        fi
    fi
    case $X86_MODE in
        native) X86_LINE="x86: 32-bit x86 runs natively (kernel $(uname -r))" ;;
        emulated) X86_LINE="x86: 32-bit x86 runs by emulation: $("$X86_HOME/qemu/usr/bin/qemu-i386" --version 2>/dev/null | head -n1 | sed 's/ (.*//') through binfmt_misc, trap-number preload, W^X, .NET hardware intrinsics and background GC off (kernel $(uname -r); $([[ ${CB_X86:-} == emulate ]] && echo 'forced by CB_X86=emulate' || echo 'it cannot run 32-bit x86 itself'))" ;;
        *) X86_LINE="x86: 32-bit x86 CANNOT run here: $X86_REASON (kernel $(uname -r)); every x86 row is skipped" ;;
    esac
    [[ $X86_MODE == emulated && ! -x $X86_HOME/qemu/usr/bin/qemu-i386 ]] &&
        X86_LINE="x86: 32-bit x86 runs by emulation through another binfmt_misc entry ($(grep -h '^interpreter' "$X86_BINFMT"/* 2>/dev/null | head -n1 | cut -d' ' -f2)), trap-number preload (kernel $(uname -r))"
    echo "# $X86_LINE"
}
