; Two invokes share their normal destination and their landing pad. Each
; edge gets its own block, so every path runs exactly the end hook of the
; write it leaves, and no other: the shared landing pad is split into one
; pad per invoke, the shared normal destination through new edge blocks.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s | FileCheck %s

@a = global [48 x i8] zeroinitializer, align 8
@b = global [48 x i8] zeroinitializer, align 8

; std::map<int, int>::clear()
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr)
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define void @two(
; CHECK:       left:
; CHECK-NEXT:    %[[TA:.*]] = call i64 @__mapguard_write_begin(ptr @a, ptr @[[SA:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    invoke void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @a)
; CHECK-NEXT:            to label %[[NA:.*]] unwind label %[[LA:.*]]
; CHECK:       [[NA]]:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @a, ptr @[[SA]], i64 %[[TA]])
; CHECK-NEXT:    br label %done
; CHECK:       right:
; CHECK-NEXT:    %[[TB:.*]] = call i64 @__mapguard_write_begin(ptr @b, ptr @[[SB:__mapguard_site[.0-9]*]])
; CHECK-NEXT:    invoke void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @b)
; CHECK-NEXT:            to label %[[NB:.*]] unwind label %[[LB:.*]]
; CHECK:       [[NB]]:
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @b, ptr @[[SB]], i64 %[[TB]])
; CHECK-NEXT:    br label %done
; CHECK:       done:
; CHECK-NEXT:    ret void
; CHECK:       [[LA]]:
; CHECK-NEXT:    %[[LPA:.*]] = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @a, ptr @[[SA]], i64 %[[TA]])
; CHECK-NEXT:    br label %lpad
; CHECK:       [[LB]]:
; CHECK-NEXT:    %[[LPB:.*]] = landingpad { ptr, i32 }
; CHECK-NEXT:            cleanup
; CHECK-NEXT:    call void @__mapguard_write_end(ptr @b, ptr @[[SB]], i64 %[[TB]])
; CHECK-NEXT:    br label %lpad
; CHECK:       lpad:
; CHECK-NEXT:    %[[PHI:.*]] = phi { ptr, i32 } [ %[[LPA]], %[[LA]] ], [ %[[LPB]], %[[LB]] ]
; CHECK-NEXT:    resume { ptr, i32 } %[[PHI]]
; CHECK-NEXT:  }
define void @two(i1 %c) personality ptr @__gxx_personality_v0 {
entry:
  br i1 %c, label %left, label %right
left:
  invoke void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @a)
          to label %done unwind label %lpad
right:
  invoke void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @b)
          to label %done unwind label %lpad
done:
  ret void
lpad:
  %lp = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %lp
}
