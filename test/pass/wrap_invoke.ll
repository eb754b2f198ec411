; An invoke gets the end hook at the top of both its destinations when it is
; their only predecessor; a landing pad stays the first instruction.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

@m = global [48 x i8] zeroinitializer, align 8

; std::map<int, int>::erase(int const&)
declare i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr, ptr)
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define i64 @erase(
; CHECK:         %[[T:.*]] = call i64 @__mapguard_write_begin(ptr @m, ptr @[[SITE:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    %n = invoke i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k)
; CHECK-NEXT:            to label %ok unwind label %lpad
; CHECK:       ok:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr @[[SITE]], i64 %[[T]])
; CHECK-NEXT:    ret i64 %n
; CHECK:       lpad:
; CHECK-NEXT:    %lp = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr @[[SITE]], i64 %[[T]])
; CHECK-NEXT:    resume { ptr, i32 } %lp
define i64 @erase(ptr %k) personality ptr @__gxx_personality_v0 {
entry:
  %n = invoke i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr @m, ptr %k)
          to label %ok unwind label %lpad
ok:
  ret i64 %n
lpad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}
