; A local map whose address is stored into a member of another object
; (here through `this`) can be reached through that object: guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

%struct.Registry = type { ptr, i32 }

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; CHECK-LABEL: define void @_ZN8Registry3runEv(
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define void @_ZN8Registry3runEv(ptr %this) {
  %m = alloca [48 x i8], align 8
  %field = getelementptr inbounds %struct.Registry, ptr %this, i32 0, i32 0
  store ptr %m, ptr %field, align 8
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
