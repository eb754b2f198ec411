; A map write that may throw, in a frame with no landing pad of its own
; (clang emits `call`, not `invoke`, when nothing needs cleaning up), is
; turned into an invoke whose cleanup pad ends the write and resumes: an
; exception from a hash or allocator must not leave the map marked.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s
; In fast mode the end hook on the cleanup path is inline code that splits
; the cleanup block: the invoke must still unwind to the landing pad.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST

; FAST-LABEL: define void @put(ptr %k)
; FAST:         %r = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
; FAST-NEXT:            to label %{{.*}} unwind label %[[CLEANUP:mapguard.cleanup[.0-9]*]]
; FAST:       [[CLEANUP]]:
; FAST-NEXT:    landingpad { ptr, i32 }
; FAST-NEXT:            cleanup

@m = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int&&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr, ptr)

; CHECK-LABEL: define void @put(ptr %k) personality ptr @__gxx_personality_v0 {
; CHECK-NEXT:    %[[T:.*]] = call i64 @__mapguard_write_begin(ptr @m, ptr @[[SITE:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    %r = invoke ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
; CHECK-NEXT:            to label %[[CONT:.*]] unwind label %[[CLEANUP:mapguard.cleanup.*]]
; CHECK:       [[CONT]]:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr @[[SITE]], i64 %[[T]])
; CHECK-NEXT:    store i32 1, ptr %r
; CHECK-NEXT:    ret void
; CHECK:       [[CLEANUP]]:
; CHECK-NEXT:    %[[LP:.*]] = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @m, ptr @[[SITE]], i64 %[[T]])
; CHECK-NEXT:    resume { ptr, i32 } %[[LP]]
define void @put(ptr %k) {
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
  store i32 1, ptr %r
  ret void
}

; A function that cannot unwind needs no landing pad: the call stays a call.
; CHECK-LABEL: define void @put_nounwind(
; CHECK-NOT:     invoke
; CHECK-NOT:     landingpad
; CHECK:         call void @__mapguard_write_end
; CHECK-NEXT:    ret void
define void @put_nounwind(ptr %k) nounwind {
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixEOi(ptr @m, ptr %k)
  ret void
}
