; A local map passed by reference to any function that is not one of its
; own members may be shared from there: its writes stay guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s \
; RUN:   -pass-remarks=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
; fill(std::map<int, int>&)
declare void @_Z4fillRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr) nounwind

; CHECK-LABEL: define void @passed_by_reference(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @passed_by_reference() {
  %m = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  call void @_Z4fillRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; Even after the write: the callee may hand the map to a thread that writes
; it while this function does.
; CHECK-LABEL: define void @passed_after_the_write(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @passed_after_the_write() {
  %m = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  call void @_Z4fillRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %m)
  ret void
}

; An indirect call is another function too.
; CHECK-LABEL: define void @passed_to_indirect_call(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
define void @passed_to_indirect_call(ptr %fn) {
  %m = alloca [48 x i8], align 8
  call void %fn(ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}

; REMARK:      guarded write: std::map<int, int>::clear (the map has its address passed to fill)
; REMARK-NEXT: guarded write: std::map<int, int>::clear (the map has its address passed to fill)
; REMARK-NEXT: guarded write: std::map<int, int>::clear (the map has its address passed to an indirect call)
