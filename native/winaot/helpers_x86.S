// x86 pieces of MSVC's static runtime that are plain assembly. C names carry a leading underscore on x86.
// SafeSEH: this object defines no exception handler, so it is safe for /safeseh (the mark lld-link checks).
    .globl @feat.00
    .set @feat.00, 1
    .intel_syntax noprefix
    .text

// _chkstk / _alloca_probe: allocate EAX bytes of stack, touching each page downwards so that the guard page is hit
// in order, and return with ESP lowered (MSVC's chkstk.asm). Preserves every register but EAX.
    .globl __chkstk
    .globl __alloca_probe
    .p2align 4
__chkstk:
__alloca_probe:
    push ecx
    lea ecx, [esp + 4]           // the caller's ESP before the call, less 4 for the return address
    sub ecx, eax                 // the new top of stack
    sbb eax, eax                 // wrapped below zero: 0
    not eax
    and ecx, eax
    mov eax, esp
    and eax, -0x1000
1:  cmp ecx, eax
    jb 2f
    mov eax, ecx
    pop ecx
    xchg esp, eax
    mov eax, [eax]               // the return address ...
    mov [esp], eax               // ... to the new top
    ret
2:  sub eax, 0x1000
    test [eax], eax
    jmp 1b

// Control-flow guard: x86 code checks indirect targets through __guard_check_icall_fptr (target in ECX); Windows
// replaces the pointer when it loads a CFG image (named in loadconfig.S). Until then: accept.
    .globl @_guard_check_icall_nop@4
    .p2align 4
@_guard_check_icall_nop@4:
    ret
    .section .00cfg,"dr"
    .p2align 2
    .globl ___guard_check_icall_fptr
___guard_check_icall_fptr:
    .long @_guard_check_icall_nop@4

    .text
// Conversions between 64-bit integers and SSE2 floating point that MSVC's x86 code generator calls (/arch:SSE2,
// MSVC's dtoi3/ltod3 helpers): a floating-point value in XMM0 becomes an integer in EDX:EAX (truncated; out of
// range gives 0x8000000000000000, as cvttsd2si does), an integer in EDX:ECX becomes a value in XMM0. They go
// through the x87 unit, which has 64-bit integer loads and stores (fild, fisttp: SSE3, every x86 CPU Windows 10
// runs on). Each preserves every register except its result (and the flags).
    .globl __dtol3
    .p2align 4
__dtol3:                         // double -> int64
    sub esp, 8
    movsd [esp], xmm0
    fld qword ptr [esp]
    fisttp qword ptr [esp]
    mov eax, [esp]
    mov edx, [esp + 4]
    add esp, 8
    ret

    .globl __ftol3
    .p2align 4
__ftol3:                         // float -> int64
    sub esp, 8
    movss [esp], xmm0
    fld dword ptr [esp]
    fisttp qword ptr [esp]
    mov eax, [esp]
    mov edx, [esp + 4]
    add esp, 8
    ret

    .globl __dtoul3_legacy
    .p2align 4
__dtoul3_legacy:                 // double -> uint64; values from 2^63 up are taken less 2^63, then the top bit set
    sub esp, 8
    movsd [esp], xmm0
    fld qword ptr [esp]
    fld dword ptr [two_to_63]
    fcomip st, st(1)             // 2^63 > x ?
    ja 1f
    fsub dword ptr [two_to_63]
    fisttp qword ptr [esp]
    mov eax, [esp]
    mov edx, [esp + 4]
    xor edx, 0x80000000
    add esp, 8
    ret
1:  fisttp qword ptr [esp]
    mov eax, [esp]
    mov edx, [esp + 4]
    add esp, 8
    ret

    .globl __ltod3
    .p2align 4
__ltod3:                         // int64 -> double: fild is exact, the store rounds once
    push edx
    push ecx
    fild qword ptr [esp]
    fstp qword ptr [esp]
    movsd xmm0, [esp]
    add esp, 8
    ret

    .globl __ltof3
    .p2align 4
__ltof3:                         // int64 -> float
    push edx
    push ecx
    fild qword ptr [esp]
    fstp dword ptr [esp]
    movss xmm0, [esp]
    add esp, 8
    ret

// uint64 -> double/float. Below 2^63 as signed. From 2^63 up: halve, keeping the lost bit as a sticky bit so that
// the one rounding (the store) is still correct, then double the rounded value (exact).
    .globl __ultod3
    .p2align 4
__ultod3:
    push edx
    push ecx
    test edx, edx
    js 1f
    fild qword ptr [esp]
    fstp qword ptr [esp]
    movsd xmm0, [esp]
    add esp, 8
    ret
1:  push ecx
    and ecx, 1
    shrd [esp + 4], edx, 1       // low half: (low >> 1) | (high << 31)
    or [esp + 4], ecx
    pop ecx
    shr dword ptr [esp + 4], 1
    fild qword ptr [esp]
    fstp qword ptr [esp]
    fld qword ptr [esp]
    fadd st, st
    fstp qword ptr [esp]
    movsd xmm0, [esp]
    add esp, 8
    ret

    .globl __ultof3
    .p2align 4
__ultof3:
    push edx
    push ecx
    test edx, edx
    js 1f
    fild qword ptr [esp]
    fstp dword ptr [esp]
    movss xmm0, [esp]
    add esp, 8
    ret
1:  push ecx
    and ecx, 1
    shrd [esp + 4], edx, 1
    or [esp + 4], ecx
    pop ecx
    shr dword ptr [esp + 4], 1
    fild qword ptr [esp]
    fstp dword ptr [esp]
    fld dword ptr [esp]
    fadd st, st
    fstp dword ptr [esp]
    movss xmm0, [esp]
    add esp, 8
    ret

    .section .rdata,"dr"
    .p2align 2
two_to_63:
    .long 0x5f000000             // 2^63 as a float

// __tls_array: the offset of the TLS slot array in the x86 TEB (fs:[0x2c]), which x86 thread-local accesses name.
    .globl __tls_array
    .set __tls_array, 0x2c
