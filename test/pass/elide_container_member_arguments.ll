; Container members are trusted with a local map only where they cannot keep
; its address: as `this`, as the other container of copy construction or
; assignment, and with operator=, only when the `this` it returns is unused.
; A member template such as emplace may build an element that keeps a
; reference to its argument (a std::set of std::reference_wrapper): guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s \
; RUN:   -pass-remarks=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks

@keep = global ptr null

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
; std::map<int, int>::map(std::map<int, int> const&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2ERKS6_(ptr, ptr) nounwind
; std::map<int, int>::operator=(std::map<int, int> const&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr, ptr) nounwind
; std::set<std::reference_wrapper<std::map<int, int>>, Less>::emplace<std::map<int, int>&>(std::map<int, int>&)
declare { ptr, i8 } @_ZNSt3setISt17reference_wrapperISt3mapIiiSt4lessIiESaISt4pairIKiiEEEE4LessSaIS9_EE7emplaceIJRS8_EEES4_ISt23_Rb_tree_const_iteratorIS9_EbEDpOT_(ptr, ptr) nounwind

; CHECK-LABEL: define void @copy_source(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @copy_source() {
  %a = alloca [48 x i8], align 8
  %b = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2ERKS6_(ptr %b, ptr %a)
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr %a, ptr %b)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %a)
  ret void
}

; (m = other) returns m's address, which is then kept.
; CHECK-LABEL: define void @assignment_result_used(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @assignment_result_used(ptr %other) {
  %m = alloca [48 x i8], align 8
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr %m, ptr %other)
  store ptr %r, ptr @keep
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; CHECK-LABEL: define void @emplaced_by_reference(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @emplaced_by_reference(ptr %set) {
  %m = alloca [48 x i8], align 8
  %r = call { ptr, i8 } @_ZNSt3setISt17reference_wrapperISt3mapIiiSt4lessIiESaISt4pairIKiiEEEE4LessSaIS9_EE7emplaceIJRS8_EEES4_ISt23_Rb_tree_const_iteratorIS9_EbEDpOT_(ptr %set, ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; REMARK: guarded write: std::map<int, int>::operator= (the map has its address returned by std::map<int, int>::operator= and used)
; REMARK: guarded write: std::map<int, int>::clear (the map has its address returned by std::map<int, int>::operator= and used)
; REMARK: guarded write: std::set<{{.*}}>::emplace (the map comes from the caller)
; REMARK: guarded write: std::map<int, int>::clear (the map has its address passed to std::set<{{.*}}, Less>::emplace as argument 1)
