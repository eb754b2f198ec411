; -mapguard-allowlist: only writes that match an entry (its file by src:, or
; its function by fun:) are guarded; the others are left alone, with a
; missed remark saying so.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   -mapguard-allowlist=%S/Inputs/allow_net.txt \
; RUN:   -pass-remarks-missed=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks

source_filename = "src/app/main.cpp"

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; Written in src/net/pool.cpp: matches src:*/net/*.
; CHECK-LABEL: define void @in_net_file(
; CHECK:       __mapguard_strict_claim
define void @in_net_file() !dbg !11 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !21
  ret void
}

; net::Pool::reset(): matches fun:net::*.
; CHECK-LABEL: define void @_ZN3net4Pool5resetEv(
; CHECK:       __mapguard_strict_claim
define void @_ZN3net4Pool5resetEv(ptr %this) !dbg !12 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !22
  ret void
}

; Neither: not instrumented.
; CHECK-LABEL: define void @elsewhere(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @elsewhere() !dbg !13 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !23
  ret void
}

; REMARK: remark: src/app/main.cpp:7:3: unguarded write: std::map<int, int>::clear (ignored: not in the allowlist {{.*}}allow_net.txt)

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "src/app/main.cpp", directory: "/build")
!4 = !DIFile(filename: "src/net/pool.cpp", directory: "/build")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!11 = distinct !DISubprogram(name: "in_net_file", scope: !4, file: !4, line: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "reset", scope: !1, file: !1, line: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!13 = distinct !DISubprogram(name: "elsewhere", scope: !1, file: !1, line: 6, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!21 = !DILocation(line: 2, column: 3, scope: !11)
!22 = !DILocation(line: 4, column: 3, scope: !12)
!23 = !DILocation(line: 7, column: 3, scope: !13)
