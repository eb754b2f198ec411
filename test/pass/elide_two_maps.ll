; swap, merge and move assignment write two maps: the site is elided only
; when both are local maps that never escape. With a map another thread may
; reach, both maps are guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

@shared = global [48 x i8] zeroinitializer, align 8

; std::map<int, int>::swap(std::map<int, int>&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr, ptr) nounwind
; std::map<int, int>::merge<std::less<int>>(std::map<int, int>&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr, ptr) nounwind
; std::map<int, int>::operator=(std::map<int, int>&&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr, ptr) nounwind

; CHECK-LABEL: define void @swap_two_locals(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
define void @swap_two_locals() {
  %a = alloca [48 x i8], align 8
  %b = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %a, ptr %b)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr %b, ptr %a)
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr %a, ptr %b)
  ret void
}

; CHECK-LABEL: define void @swap_with_global(
; CHECK:       call i64 @__mapguard_write_begin(ptr %local,
; CHECK-NEXT:  call i64 @__mapguard_write_begin(ptr @shared,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %local, ptr @shared)
define void @swap_with_global() {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %local, ptr @shared)
  ret void
}

; CHECK-LABEL: define void @merge_from_parameter(
; CHECK:       call i64 @__mapguard_write_begin(ptr %local,
; CHECK-NEXT:  call i64 @__mapguard_write_begin(ptr %other,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr %local, ptr %other)
define void @merge_from_parameter(ptr %other) {
  %local = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr %local, ptr %other)
  ret void
}

; The global is `this` and the local the source: still guarded.
; CHECK-LABEL: define void @move_local_into_global(
; CHECK:       call i64 @__mapguard_write_begin(ptr @shared,
; CHECK-NEXT:  call i64 @__mapguard_write_begin(ptr %local,
; CHECK-NEXT:  call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr @shared, ptr %local)
define void @move_local_into_global() {
  %local = alloca [48 x i8], align 8
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr @shared, ptr %local)
  ret void
}

; The second map of a swap escapes elsewhere: the swap is guarded.
; CHECK-LABEL: define void @swap_with_escaping_local(
; CHECK:       call i64 @__mapguard_write_begin(ptr %a,
; CHECK-NEXT:  call i64 @__mapguard_write_begin(ptr %b,
define void @swap_with_escaping_local(ptr %out) {
  %a = alloca [48 x i8], align 8
  %b = alloca [48 x i8], align 8
  store ptr %b, ptr %out
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %a, ptr %b)
  ret void
}
