; -pass-remarks=mapguard: a "passed" remark at each guarded write, at its
; source location, naming the container, the operation and why the map may
; be shared. Elided writes and calls inside a container's own members get
; none.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -pass-remarks=mapguard \
; RUN:   -disable-output %s 2>&1 | FileCheck %s --implicit-check-not=remark

@counts = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<std::string, int>::operator[](std::string const&)
declare ptr @_ZNSt13unordered_mapINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEiSt4hashIS5_ESt8equal_toIS5_ESaISt4pairIKS5_iEEEixERSB_(ptr, ptr) nounwind
; std::map<int, int>::erase(int const&)
declare i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr, ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK: remark: app/cache.cpp:4:3: guarded write: std::unordered_map<std::string, int>::operator[] (the map is a global variable)
; CHECK: remark: app/cache.cpp:5:5: guarded write: std::map<int, int>::erase (the map comes from the caller)
define void @_Z6recordRKSsRSt3mapIiiE(ptr %word, ptr %m, ptr %k) !dbg !4 {
  %v = call ptr @_ZNSt13unordered_mapINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEEiSt4hashIS5_ESt8equal_toIS5_ESaISt4pairIKS5_iEEEixERSB_(ptr @counts, ptr %word), !dbg !6
  %n = call i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr %m, ptr %k), !dbg !7
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %local), !dbg !8
  ret void
}

; std::map<int, int>::clear() calling another member: no site, no remark.
define void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %this, ptr %other) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %this)
  ret void
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!2, !3}
!0 = distinct !DICompileUnit(language: DW_LANG_C_plus_plus_14, file: !1, emissionKind: LineTablesOnly)
!1 = !DIFile(filename: "app/cache.cpp", directory: "/src")
!2 = !{i32 2, !"Debug Info Version", i32 3}
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = distinct !DISubprogram(name: "record", scope: !1, file: !1, line: 3, scopeLine: 3, type: !5, spFlags: DISPFlagDefinition, unit: !0)
!5 = !DISubroutineType(types: !{})
!6 = !DILocation(line: 4, column: 3, scope: !4)
!7 = !DILocation(line: 5, column: 5, scope: !4)
!8 = !DILocation(line: 6, column: 5, scope: !4)
