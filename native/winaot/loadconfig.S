// _load_config_used: the load-config directory, which MSVC's static runtime supplies (loadcfg.c) and the linker
// turns into the image's IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG. Without it Windows does not know where the stack cookie
// is (so cannot randomize it before the entry point), control-flow guard stays off whatever the linker marks (the
// tables and the two guard pointers are read from here), and on x86 the SafeSEH handler table is not found.
// The __guard_* and ___safe_se_handler_* symbols are defined by lld-link (zero when the feature is off).
// Layout: IMAGE_LOAD_CONFIG_DIRECTORY32/64 of winnt.h, up to the EH-continuation table (Windows 10 1809, MSVC 2019).
#if defined(__x86_64__)
#define PTR .quad
#define C(name) name
#else
#define PTR .long
#define C(name) _##name
#endif
#if defined(__i386__)
// SafeSEH: this object defines no exception handler, so it is safe for /safeseh (the mark lld-link checks).
    .globl @feat.00
    .set @feat.00, 1
#endif
    .section .rdata,"dr"
    .p2align 3
    .globl C(_load_config_used)
C(_load_config_used):
    .long 9f - C(_load_config_used)  // Size
    .long 0                          // TimeDateStamp
    .short 0, 0                      // MajorVersion, MinorVersion
    .long 0, 0, 0                    // GlobalFlagsClear, GlobalFlagsSet, CriticalSectionDefaultTimeout
    PTR 0, 0, 0, 0, 0                // DeCommitFreeBlockThreshold, DeCommitTotalFreeThreshold, LockPrefixTable,
                                     // MaximumAllocationSize, VirtualMemoryThreshold
#if defined(__x86_64__)
    .quad 0                          // ProcessAffinityMask
    .long 0                          // ProcessHeapFlags
#else
    .long 0, 0                       // ProcessHeapFlags, ProcessAffinityMask
#endif
    .short 0, 0                      // CSDVersion, DependentLoadFlags
    PTR 0                            // EditList
    PTR C(__security_cookie)         // SecurityCookie
#if defined(__x86_64__)
    PTR 0, 0                         // SEHandlerTable, SEHandlerCount: x64 has table-based unwinding
    PTR __guard_check_icall_fptr, __guard_dispatch_icall_fptr
#else
    PTR ___safe_se_handler_table, ___safe_se_handler_count
    PTR ___guard_check_icall_fptr, 0 // x86 has no dispatch form
#endif
    PTR C(__guard_fids_table), C(__guard_fids_count)
    .long C(__guard_flags)           // GuardFlags
    .short 0, 0                      // CodeIntegrity.Flags, .Catalog
    .long 0, 0                       // CodeIntegrity.CatalogOffset, .Reserved
    PTR C(__guard_iat_table), C(__guard_iat_count)
    PTR C(__guard_longjmp_table), C(__guard_longjmp_count)
    PTR 0, 0, 0, 0                   // DynamicValueRelocTable, CHPEMetadataPointer, GuardRFFailureRoutine,
                                     // GuardRFFailureRoutineFunctionPointer
    .long 0                          // DynamicValueRelocTableOffset
    .short 0, 0                      // DynamicValueRelocTableSection, Reserved2
    PTR 0                            // GuardRFVerifyStackPointerFunctionPointer
    .long 0, 0                       // HotPatchTableOffset, Reserved3
    PTR 0, 0                         // EnclaveConfigurationPointer, VolatileMetadataPointer
    PTR C(__guard_eh_cont_table), C(__guard_eh_cont_count)
9:
