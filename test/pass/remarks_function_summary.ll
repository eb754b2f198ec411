; -pass-remarks-analysis=mapguard: one remark per function with map writes,
; at the function, counting its guarded and elided writes (and, when there
; are any, those left unguarded for another reason). A function without
; map writes gets none.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -pass-remarks-analysis=mapguard 2>&1 | FileCheck %s --implicit-check-not=remark

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK: remark: a.cpp:1:0: map writes in mixed(std::map<int, int>&): 2 guarded, 1 elided
define void @_Z5mixedRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %p) !dbg !11 {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !21
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %local), !dbg !21
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p), !dbg !21
  ret void
}

; CHECK: remark: a.cpp:10:0: map writes in opted_out: 0 guarded, 0 elided, 2 left unguarded otherwise
define void @opted_out() disable_sanitizer_instrumentation !dbg !12 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !22
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !22
  ret void
}

define void @no_writes() !dbg !13 {
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "a.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!11 = distinct !DISubprogram(name: "mixed", scope: !1, file: !1, line: 1, scopeLine: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "opted_out", scope: !1, file: !1, line: 10, scopeLine: 10, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!13 = distinct !DISubprogram(name: "no_writes", scope: !1, file: !1, line: 20, scopeLine: 20, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!21 = !DILocation(line: 2, column: 3, scope: !11)
!22 = !DILocation(line: 11, column: 3, scope: !12)
