; SyncAnalysis (LoopWindows.h) gives up on a chain of calls deeper than its
; limit (8) and counts it as "could synchronise". A function met deep in
; such a chain is judged again when a loop calls it nearer the top, where
; the rest of the chain fits: @second_user's loop calls @c5, whose chain
; (@c5 ... @c9) is short, though @first_user's loop, through @c0, met @c5
; first at a depth where the chain did not fit. @first_user keeps a check
; per write: from it, the chain is too deep.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s
; CHECK:      remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NOT:  remark

@m = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr) nounwind

define internal void @c0() nounwind {
  call void @c1()
  ret void
}

define internal void @c1() nounwind {
  call void @c2()
  ret void
}

define internal void @c2() nounwind {
  call void @c3()
  ret void
}

define internal void @c3() nounwind {
  call void @c4()
  ret void
}

define internal void @c4() nounwind {
  call void @c5()
  ret void
}

define internal void @c5() nounwind {
  call void @c6()
  ret void
}

define internal void @c6() nounwind {
  call void @c7()
  ret void
}

define internal void @c7() nounwind {
  call void @c8()
  ret void
}

define internal void @c8() nounwind {
  call void @c9()
  ret void
}

define internal void @c9() nounwind {
  ret void
}

define void @first_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @c0()
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @second_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @c5()
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
