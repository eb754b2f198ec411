; Only writes are wrapped: lookups and iteration get a read check (see
; read_checks.ll) and no write hook; size, constructors, destructors and
; other containers' members get nothing.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s

declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr, ptr) nounwind
declare i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5countERS3_(ptr, ptr) nounwind
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr) nounwind
declare i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4sizeEv(ptr) nounwind
; std::map<int, int>::map() and ~map()
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr) nounwind
; Not a container at all: std::vector<int>::clear() and a plain C function.
declare void @_ZNSt6vectorIiSaIiEE5clearEv(ptr) nounwind
declare void @clear(ptr) nounwind

; CHECK-LABEL: define void @reads(
; CHECK-NOT:   __mapguard_write
; CHECK:       call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
; CHECK-NOT:   __mapguard_write
; CHECK:       call void @__mapguard_read(ptr %m,
; CHECK-NOT:   __mapguard_write
; CHECK:       %s = call i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4sizeEv(ptr %m)
; CHECK-NEXT:  call void @_ZNSt6vectorIiSaIiEE5clearEv(ptr %v)
; CHECK-NEXT:  call void @clear(ptr %v)
; CHECK-NEXT:  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr %m)
; CHECK-NEXT:  ret void
define void @reads(ptr %m, ptr %k, ptr %v) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  %f = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4findERS3_(ptr %m, ptr %k)
  %c = call i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5countERS3_(ptr %m, ptr %k)
  %b = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5beginEv(ptr %m)
  %s = call i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4sizeEv(ptr %m)
  call void @_ZNSt6vectorIiSaIiEE5clearEv(ptr %v)
  call void @clear(ptr %v)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr %m)
  ret void
}

; No write was wrapped, so no write hook is declared.
; CHECK-NOT: declare {{.*}}@__mapguard_write
