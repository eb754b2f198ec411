; Only writes are wrapped: lookups, iteration, size, constructors and
; destructors of the same containers are left alone.
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
; CHECK-NOT:   __mapguard
; CHECK:       ret void
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

; Nothing was wrapped, so no hook is declared.
; CHECK-NOT: declare {{.*}}@__mapguard
