; extract() returns a node handle through an sret pointer: the map is then
; the second argument, not the first.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

; std::map<int, int>::extract(int const&)
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]), ptr, ptr) nounwind

; CHECK-LABEL: define void @take(
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr %m, ptr @[[SITE:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]) %node, ptr %m, ptr %k)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr %m, ptr @[[SITE]], i64 %[[T]])
define void @take(ptr %node, ptr %m, ptr %k) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE7extractERS3_(ptr sret([32 x i8]) %node, ptr %m, ptr %k)
  ret void
}
