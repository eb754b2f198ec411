; A map returned by value is built in the caller's memory (NRVO: the sret
; pointer, not an alloca), and one whose address is returned outlives the
; write's function: both are guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; std::map<int, int> make() { std::map<int, int> m; m.clear(); return m; }
; CHECK-LABEL: define void @_Z4makev(
; CHECK:       call i64 @__mapguard_write_begin(ptr %result,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %result)
define void @_Z4makev(ptr noalias sret([48 x i8]) align 8 %result) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %result)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %result)
  ret void
}

; CHECK-LABEL: define ptr @returns_address(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define ptr @returns_address() {
  %m = alloca [48 x i8], align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret ptr %m
}
