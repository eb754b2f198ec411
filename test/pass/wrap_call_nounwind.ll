; A map write that cannot throw gets the begin hook right before it and the
; end hook right after it, both given the map (`this`) and one site.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

@m = global [48 x i8] zeroinitializer, align 8

; std::map<int, int>::operator[](int&&)
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr, ptr) nounwind

; CHECK-LABEL: define void @write(
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr @m, ptr @[[SITE:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr @[[SITE]], i64 %[[T]])
; CHECK-NEXT:    store i32 1, ptr %r
; CHECK-NEXT:    ret void
define void @write(ptr %k) {
  %r = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
  store i32 1, ptr %r
  ret void
}

; The hooks are declared nounwind and take (map, site[, token]).
; CHECK: declare i64 @__mapguard_write_begin(ptr, ptr) [[ATTR:#[0-9]+]]
; CHECK: declare void @__mapguard_write_end(ptr, ptr, i64) [[ATTR]]
; CHECK: attributes [[ATTR]] = { nounwind }
