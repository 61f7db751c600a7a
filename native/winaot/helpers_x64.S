// x64 pieces of MSVC's static runtime that are plain assembly.
    .intel_syntax noprefix
    .text

// __chkstk: called by functions with more than a page of locals, before they move RSP, with the size in RAX. It
// touches each page from the caller's stack pointer downwards, so that the stack's guard page is hit in order
// (skipping it would be an access violation, not stack growth). Preserves every register (MSVC's does too).
    .globl __chkstk
    .p2align 4
__chkstk:
    push rcx
    push rax
    lea rcx, [rsp + 24]          // the caller's RSP (return address and the two pushes above it)
1:  cmp rax, 0x1000
    jb 2f
    sub rcx, 0x1000
    test [rcx], rcx
    sub rax, 0x1000
    jmp 1b
2:  sub rcx, rax
    test [rcx], rcx
    pop rax
    pop rcx
    ret

// Control-flow guard: code compiled with /guard:cf calls indirectly through __guard_dispatch_icall_fptr (target in
// RAX) and checks targets with __guard_check_icall_fptr (target in RCX). Windows replaces both pointers with its
// checking routines when it loads a CFG image (they are named in the load-config directory, loadconfig.S); until
// then, or where CFG is off, they point to these: call the target, accept the target.
    .globl _guard_dispatch_icall_nop
    .p2align 4
_guard_dispatch_icall_nop:
    jmp rax
    .globl _guard_check_icall_nop
    .p2align 4
_guard_check_icall_nop:
    ret

    .section .00cfg,"dr"
    .p2align 3
    .globl __guard_check_icall_fptr
__guard_check_icall_fptr:
    .quad _guard_check_icall_nop
    .globl __guard_dispatch_icall_fptr
__guard_dispatch_icall_fptr:
    .quad _guard_dispatch_icall_nop
