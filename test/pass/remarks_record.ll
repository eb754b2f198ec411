; The remarks carry their parts as named arguments (ore::NV), so that an
; optimisation record (opt -pass-remarks-output, clang
; -fsave-optimization-record) has them as fields.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -pass-remarks-output=%t.yaml -pass-remarks-filter=mapguard
; RUN: FileCheck %s --input-file=%t.yaml

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

define void @f() !dbg !11 {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !21
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %local), !dbg !22
  ret void
}

; CHECK-LABEL: --- !Passed
; CHECK-NEXT:  Pass:            mapguard
; CHECK-NEXT:  Name:            Guarded
; CHECK-NEXT:  DebugLoc:        { File: a.cpp, Line: 2, Column: 3 }
; CHECK-NEXT:  Function:        f
; CHECK-NEXT:  Args:
; CHECK-NEXT:    - String:          'guarded write: '
; CHECK-NEXT:    - Container:       'std::map<int, int>'
; CHECK-NEXT:    - String:          '::'
; CHECK-NEXT:    - Operation:       clear
; CHECK-NEXT:    - String:          ' ('
; CHECK-NEXT:    - Reason:          the map is a global variable
; CHECK-NEXT:    - String:          ')'
; CHECK-LABEL: --- !Missed
; CHECK-NEXT:  Pass:            mapguard
; CHECK-NEXT:  Name:            Elided
; CHECK-NEXT:  DebugLoc:        { File: a.cpp, Line: 3, Column: 3 }
; CHECK-NEXT:  Function:        f
; CHECK-NEXT:  Args:
; CHECK-NEXT:    - String:          'unguarded write: '
; CHECK-NEXT:    - Container:       'std::map<int, int>'
; CHECK-NEXT:    - String:          '::'
; CHECK-NEXT:    - Operation:       clear
; CHECK-NEXT:    - String:          ' ('
; CHECK-NEXT:    - Decision:        elided
; CHECK-NEXT:    - String:          ': '
; CHECK-NEXT:    - Reason:          the map is a local variable no other thread can reach
; CHECK-NEXT:    - String:          ')'
; CHECK-LABEL: --- !Analysis
; CHECK-NEXT:  Pass:            mapguard
; CHECK-NEXT:  Name:            FunctionSummary
; CHECK-NEXT:  DebugLoc:        { File: a.cpp, Line: 1, Column: 0 }
; CHECK-NEXT:  Function:        f
; CHECK-NEXT:  Args:
; CHECK-NEXT:    - String:          'map writes in '
; CHECK-NEXT:    - FunctionName:    f
; CHECK-NEXT:    - String:          ': '
; CHECK-NEXT:    - Guarded:         '1'
; CHECK-NEXT:    - String:          ' guarded, '
; CHECK-NEXT:    - Elided:          '1'
; CHECK-NEXT:    - String:          ' elided'

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "a.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!11 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 1, scopeLine: 1, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!21 = !DILocation(line: 2, column: 3, scope: !11)
!22 = !DILocation(line: 3, column: 3, scope: !11)
