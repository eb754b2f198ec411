; swap, merge and move assignment write two maps: both are begun (this
; first) and ended in reverse order. Copy assignment writes only `this`.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

; std::map<int, int>::swap(std::map<int, int>&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr, ptr) nounwind
; std::map<int, int>::merge<std::less<int>>(std::map<int, int>&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr, ptr) nounwind
; std::map<int, int>::operator=(std::map<int, int>&&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr, ptr) nounwind
; std::map<int, int>::operator=(std::map<int, int> const&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr, ptr) nounwind

; CHECK-LABEL: define void @swap(
; CHECK-NEXT:    %[[TA:.*]] = call i64 @__mapguard_write_begin(ptr %a, ptr @[[S:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    %[[TB:.*]] = call i64 @__mapguard_write_begin(ptr %b, ptr @[[S]])
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %a, ptr %b)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %b, ptr @[[S]], i64 %[[TB]])
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %a, ptr @[[S]], i64 %[[TA]])
; CHECK-NEXT:    ret void
define void @swap(ptr %a, ptr %b) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4swapERS6_(ptr %a, ptr %b)
  ret void
}

; CHECK-LABEL: define void @merge(
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr %a,
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr %b,
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr %a, ptr %b)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %b,
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %a,
define void @merge(ptr %a, ptr %b) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5mergeIS1_EEvRS_IiiT_S5_E(ptr %a, ptr %b)
  ret void
}

; CHECK-LABEL: define void @move_assign(
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr %a,
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr %b,
; CHECK-NEXT:    call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr %a, ptr %b)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %b,
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %a,
define void @move_assign(ptr %a, ptr %b) {
  call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSEOS6_(ptr %a, ptr %b)
  ret void
}

; CHECK-LABEL: define void @copy_assign(
; CHECK-NEXT:    call i64 @__mapguard_write_begin(ptr %a,
; CHECK-NEXT:    call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr %a, ptr %b)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %a,
; CHECK-NEXT:    ret void
define void @copy_assign(ptr %a, ptr %b) {
  call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEaSERKS6_(ptr %a, ptr %b)
  ret void
}
