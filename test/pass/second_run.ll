; Running the pass twice instruments once: a module flag marks the module.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard,mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s \
; RUN:   | %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S | FileCheck %s

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @once(
; CHECK-NEXT:    call i64 @__mapguard_write_begin(
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; CHECK-NEXT:    call void @__mapguard_write_end(
; CHECK-NEXT:    ret void
define void @once(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
; CHECK: !{i32 7, !"mapguard.instrumented", i32 1}
