; -mapguard-sites=FILE appends one JSON object per recognised site (its file
; made absolute with the debug info's directory, line, column, function,
; container, operation, decision and reason), every decision included, and
; nothing for calls inside a container's own members. A second compilation
; appends rather than overwrites.
; RUN: rm -f %t.jsonl
; RUN: echo 'fun:ignored' > %t.ignorelist
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-ignorelist=%t.ignorelist -mapguard-sites=%t.jsonl 2>/dev/null
; RUN: FileCheck %s --input-file=%t.jsonl --match-full-lines --implicit-check-not={{.}}
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -disable-output %s \
; RUN:   -mapguard-ignorelist=%t.ignorelist -mapguard-sites=%t.jsonl 2>/dev/null
; RUN: FileCheck %s --input-file=%t.jsonl --match-full-lines --check-prefixes=CHECK,AGAIN

; CHECK:      {"file":"/src/app/a.cpp","line":10,"column":3,"function":"guarded(std::map<int, int>&)","container":"std::map<int, int>","operation":"clear","decision":"guarded","reason":"the map comes from the caller","loop_window":false}
; CHECK-NEXT: {"file":"/src/app/a.cpp","line":20,"column":5,"function":"elided","container":"std::map<int, int>","operation":"clear","decision":"elided","reason":"the map is a local variable no other thread can reach","loop_window":false}
; CHECK-NEXT: {"file":"/src/app/a.cpp","line":30,"column":3,"function":"ignored","container":"std::map<int, int>","operation":"clear","decision":"ignored","reason":"ignorelist {{.*}}.ignorelist:1 matches its function ignored","loop_window":false}
; CHECK-NEXT: {"file":"/usr/include/lib.h","line":40,"column":7,"function":"opted_out","container":"std::map<int, int>","operation":"clear","decision":"opted-out","reason":"the function has the disable_sanitizer_instrumentation attribute","loop_window":false}
; CHECK-NEXT: {"file":"/src/app/a.cpp","line":0,"column":0,"function":"unsupported","container":"std::set<int>","operation":"clear","decision":"unsupported","reason":"the call has too few arguments for a map","loop_window":false}
; AGAIN-NEXT: {"file":"/src/app/a.cpp","line":10,{{.*}}"decision":"guarded"{{.*}}
; AGAIN-NEXT: {"file":"/src/app/a.cpp","line":20,{{.*}}"decision":"elided"{{.*}}
; AGAIN-NEXT: {"file":"/src/app/a.cpp","line":30,{{.*}}"decision":"ignored"{{.*}}
; AGAIN-NEXT: {"file":"/usr/include/lib.h","line":40,{{.*}}"decision":"opted-out"{{.*}}
; AGAIN-NEXT: {"file":"/src/app/a.cpp","line":0,{{.*}}"decision":"unsupported"{{.*}}

source_filename = "/src/app/a.cpp"

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
declare void @_ZNSt3setIiSt4lessIiESaIiEE5clearEv(...) nounwind

define void @_Z7guardedRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %p) !dbg !11 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p), !dbg !21
  ret void
}

define void @elided() !dbg !12 {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %local), !dbg !22
  ret void
}

define void @ignored() !dbg !13 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !23
  ret void
}

define void @opted_out() disable_sanitizer_instrumentation !dbg !14 {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m), !dbg !24
  ret void
}

; No debug location: the module's file, line 0.
define void @unsupported() {
  call void (...) @_ZNSt3setIiSt4lessIiESaIiEE5clearEv()
  ret void
}

; Inside std::map<int, int>::swap: not a site.
define void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %this, ptr %other) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %this)
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "app/a.cpp", directory: "/src")
!4 = !DIFile(filename: "/usr/include/lib.h", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!5 = !DISubroutineType(types: !{})
!11 = distinct !DISubprogram(name: "guarded", scope: !1, file: !1, line: 9, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!12 = distinct !DISubprogram(name: "elided", scope: !1, file: !1, line: 19, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!13 = distinct !DISubprogram(name: "ignored", scope: !1, file: !1, line: 29, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!14 = distinct !DISubprogram(name: "opted_out", scope: !4, file: !4, line: 39, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!21 = !DILocation(line: 10, column: 3, scope: !11)
!22 = !DILocation(line: 20, column: 5, scope: !12)
!23 = !DILocation(line: 30, column: 3, scope: !13)
!24 = !DILocation(line: 40, column: 7, scope: !14)
