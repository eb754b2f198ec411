; A local map whose address is stored into a global can be reached by any
; thread that reads the global: its writes stay guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

@current = global ptr null

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @published(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @published() {
  %m = alloca [48 x i8], align 8
  store ptr %m, ptr @current
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  store ptr null, ptr @current
  ret void
}
