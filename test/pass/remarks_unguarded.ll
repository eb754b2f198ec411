; -pass-remarks-missed=mapguard: a "missed" remark at each recognised write
; left unguarded, with the decision and its reason: elided, ignored (scope
; list), opted-out (MAPGUARD_NO_INSTRUMENT, disable_sanitizer_instrumentation)
; and unsupported (which keeps its warning too).
; RUN: echo 'fun:ignored_here' > %t.ignorelist
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-ignorelist=%t.ignorelist -pass-remarks-missed=mapguard 2>&1 \
; RUN:   | FileCheck %s --implicit-check-not=remark -DLIST=%t.ignorelist

; The warning comes first: the remarks follow once the module is done.
; CHECK: warning: a.cpp:50:3: in function unsupported void (): MapGuard: std::set<int>::clear left unchecked: the call has too few arguments for a map

@m = global [48 x i8] zeroinitializer, align 8
@.str.skip = private unnamed_addr constant [23 x i8] c"mapguard_no_instrument\00", section "llvm.metadata"
@.str.file = private unnamed_addr constant [6 x i8] c"a.cpp\00", section "llvm.metadata"
@llvm.global.annotations = appending global [1 x { ptr, ptr, ptr, i32, ptr }] [
  { ptr, ptr, ptr, i32, ptr } { ptr @annotated, ptr @.str.skip, ptr @.str.file, i32 3, ptr null }
], section "llvm.metadata"

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
declare void @_ZNSt3setIiSt4lessIiESaIiEE5clearEv(...) nounwind

; CHECK: remark: a.cpp:10:3: unguarded write: std::map<int, int>::clear (elided: the map is a local variable no other thread can reach)
define void @elided() !dbg !11 {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %local), !dbg !6
  ret void
}

; CHECK: remark: a.cpp:20:3: unguarded write: std::map<int, int>::clear (ignored: ignorelist [[LIST]]:1 matches its function ignored_here)
define void @ignored_here() !dbg !12 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !7
  ret void
}

; CHECK: remark: a.cpp:30:3: unguarded write: std::map<int, int>::clear (opted-out: the function is marked MAPGUARD_NO_INSTRUMENT)
define void @annotated() !dbg !13 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !8
  ret void
}

; CHECK: remark: a.cpp:40:3: unguarded write: std::map<int, int>::clear (opted-out: the function has the disable_sanitizer_instrumentation attribute)
define void @no_sanitize() disable_sanitizer_instrumentation !dbg !14 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !9
  ret void
}

; CHECK: remark: a.cpp:50:3: unguarded write: std::set<int>::clear (unsupported: the call has too few arguments for a map)
define void @unsupported() !dbg !15 {
  call void (...) @_ZNSt3setIiSt4lessIiESaIiEE5clearEv(), !dbg !10
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "a.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!6 = !DILocation(line: 10, column: 3, scope: !11)
!7 = !DILocation(line: 20, column: 3, scope: !12)
!8 = !DILocation(line: 30, column: 3, scope: !13)
!9 = !DILocation(line: 40, column: 3, scope: !14)
!10 = !DILocation(line: 50, column: 3, scope: !15)
!11 = distinct !DISubprogram(name: "elided", scope: !1, file: !1, line: 9, scopeLine: 9, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "ignored_here", scope: !1, file: !1, line: 19, scopeLine: 19, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!13 = distinct !DISubprogram(name: "annotated", scope: !1, file: !1, line: 29, scopeLine: 29, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!14 = distinct !DISubprogram(name: "no_sanitize", scope: !1, file: !1, line: 39, scopeLine: 39, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!15 = distinct !DISubprogram(name: "unsupported", scope: !1, file: !1, line: 49, scopeLine: 49, type: !5, spFlags: DISPFlagDefinition, unit: !0)
