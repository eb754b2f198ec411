; -mapguard-ignorelist: `src:` globs match the file a write is written in
; (its debug location) or the translation unit (the module's source file).
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   -mapguard-ignorelist=%S/Inputs/ignore_sources.txt | FileCheck %s
; The same module as another translation unit: only the header's write is
; ignored.
; RUN: sed 's/generated.cpp/main.cpp/' %s | %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S \
; RUN:   -mapguard-ignorelist=%S/Inputs/ignore_sources.txt | FileCheck %s --check-prefix=MAIN

source_filename = "src/generated.cpp"

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; A write in a header under third_party/, instantiated here.
; CHECK-LABEL: define void @in_header(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; MAIN-LABEL:  define void @in_header(
; MAIN-NOT:    __mapguard
; MAIN:        ret void
define void @in_header() !dbg !11 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !21
  ret void
}

; A write in the translation unit's own file.
; CHECK-LABEL: define void @in_main_file(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; MAIN-LABEL:  define void @in_main_file(
; MAIN:        __mapguard_strict_claim
define void @in_main_file() !dbg !12 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !22
  ret void
}

; A write in a header outside third_party/: ignored only as part of the
; ignored translation unit.
; CHECK-LABEL: define void @in_other_header(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; MAIN-LABEL:  define void @in_other_header(
; MAIN:        __mapguard_strict_claim
define void @in_other_header() !dbg !13 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !23
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "src/generated.cpp", directory: "/build")
!4 = !DIFile(filename: "/build/third_party/cache/lru.h", directory: "/build")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!11 = distinct !DISubprogram(name: "in_header", scope: !4, file: !4, line: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "in_main_file", scope: !1, file: !1, line: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!6 = !DIFile(filename: "/build/include/util.h", directory: "/build")
!13 = distinct !DISubprogram(name: "in_other_header", scope: !6, file: !6, line: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!21 = !DILocation(line: 2, column: 3, scope: !11)
!22 = !DILocation(line: 2, column: 3, scope: !12)
!23 = !DILocation(line: 2, column: 3, scope: !13)
