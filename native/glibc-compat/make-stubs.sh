#!/usr/bin/env bash
# A link-time sysroot of stand-in libraries that makes libconnect_bridge.so need glibc 2.28 at most (Astra Linux 1.7,
# RHEL 8, Debian 10) although it is linked on a newer glibc.
#
# Why: ld binds every libc reference to the default (newest) version in the libc it links against. Linked on glibc
# 2.34+ the library needs pthread_create@GLIBC_2.34, dlopen@GLIBC_2.34, log@GLIBC_2.29 ..., which older glibc lacks,
# so loading it there fails. Every such symbol also exists under its first version on every later glibc (kept for
# old binaries). These stand-ins define each symbol of this machine's libc.so.6 and libm.so.6 once, under the version a
# glibc 2.28 link would have used (see symbols() below), and put the ones glibc 2.34 moved into libc back where they
# were before (libpthread.so.0, libdl.so.2,
# librt.so.1), so the library names those files as it would have on glibc 2.28 (all of them still exist, as
# compatibility files, on newer glibc). They are only linked against, never loaded.
#
#   make-stubs.sh OUT-DIR    writes libc.so (a linker script), libc.so.6, libm.so, libpthread.so, libdl.so, librt.so
#                            into OUT-DIR; link with -L OUT-DIR before the system directories.
# ./build.sh test addin checks the result (objdump -T: nothing above GLIBC_2.28).
set -euo pipefail
out="$1"
mkdir -p "$out"
cc="${CC:-gcc}"
libdir="$(dirname "$("$cc" -print-file-name=libc.so.6)")"
[ -f "$libdir/libc.so.6" ] || libdir=/lib/x86_64-linux-gnu
nonshared="$("$cc" -print-file-name=libc_nonshared.a)"
loader=/lib64/ld-linux-x86-64.so.2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name version kind size, one line per symbol (GLIBC_PRIVATE and TLS left out), under the version a link on glibc 2.28
# would have chosen: the newest one up to GLIBC_2.28 (pthread_cond_wait: 2.3.2, not the old-ABI 2.2.5; realpath: 2.3;
# memcpy: 2.14). A symbol that only exists in later versions keeps its first one (and the check reports it if used).
symbols() {
  readelf --dyn-syms -W "$1" | awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && $8 ~ /@/ && $4 != "TLS" {
      name = $8; sub(/@.*/, "", name); version = $8; sub(/^[^@]*@@?/, "", version)
      if (version != "GLIBC_PRIVATE") print name, version, $4, $3 }' |
    sort -k1,1 -k2,2V | awk '
      function flush() { if (last != "") print (best != "" ? best : first) }
      function old(v,   p) { split(substr(v, 7), p, "."); return p[1] < 2 || (p[1] == 2 && p[2] + 0 <= 28) }
      $1 != last { flush(); last = $1; first = $0; best = "" }
      old($2) { best = $0 }
      END { flush() }'
}

# Which stand-in a libc symbol goes to: the file it lived in up to glibc 2.33.
route() {
  awk '{
    f = "libc"
    if ($1 ~ /^(pthread_|sem_)/ && $1 !~ /^pthread_(attr_(init|destroy|getdetachstate|setdetachstate|getinheritsched|setinheritsched|getschedparam|setschedparam|getschedpolicy|setschedpolicy|getscope|setscope)|condattr_(init|destroy)|cond_(broadcast|destroy|init|signal|wait|timedwait)|equal|exit|getschedparam|setschedparam|mutex_(lock|unlock)|self|setcancelstate|setcanceltype)$/) f = "libpthread"
    else if ($1 ~ /^(dlopen|dlclose|dlsym|dlvsym|dlerror|dladdr|dladdr1|dlinfo|dlmopen)$/) f = "libdl"
    else if ($1 ~ /^(shm_open|shm_unlink|timer_(create|delete|getoverrun|gettime|settime)|mq_[a-z_]+|aio_[a-z_]+|lio_listio(64)?)$/) f = "librt"
    print f, $0 }'
}

{ symbols "$libdir/libc.so.6" | route; symbols "$libdir/libm.so.6" | sed 's/^/libm /'; } >"$work/all"

stub() { # file, soname
  local file="$1" soname="$2" c="$work/$1.c" map="$work/$1.map"
  awk -v f="$file" '$1 == f { if ($4 == "OBJECT") printf "char %s[%d];\n", $2, ($5 > 0 ? $5 : 1); else printf "void %s(void) {}\n", $2 }' "$work/all" >"$c"
  awk -v f="$file" '$1 == f { list[$3] = list[$3] "    " $2 ";\n" } END {
      first = 1
      for (v in list) { printf "%s {\n  global:\n%s%s};\n", v, list[v], (first ? "  local: *;\n" : ""); first = 0 } }' "$work/all" >"$map"
  "$cc" -shared -fPIC -fno-builtin -w -nostdlib -Wl,--build-id=none -o "$work/$soname" "$c" -Wl,-soname,"$soname" -Wl,--version-script,"$map"
  cmp -s "$work/$soname" "$out/$soname" || cp "$work/$soname" "$out/$soname"   # unchanged stays unchanged: no relink
}
stub libc libc.so.6
stub libm libm.so.6
stub libpthread libpthread.so.0
stub libdl libdl.so.2
stub librt librt.so.1
ln -sf libm.so.6 "$out/libm.so"
ln -sf libpthread.so.0 "$out/libpthread.so"
ln -sf libdl.so.2 "$out/libdl.so"
ln -sf librt.so.1 "$out/librt.so"
# Like the system's libc.so: the shared part, then what only the static part has, then the loader.
echo "GROUP ( $out/libc.so.6 $nonshared AS_NEEDED ( $loader ) )" >"$work/libc.so"
cmp -s "$work/libc.so" "$out/libc.so" || cp "$work/libc.so" "$out/libc.so"
