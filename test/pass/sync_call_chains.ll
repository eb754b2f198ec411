; SyncAnalysis (SyncAnalysis.h) follows calls to the end of their chains and
; through recursions: a loop whose calls lead, however deep, only to code that
; cannot synchronise keeps its window; one whose calls reach a fence or an
; unknown function, directly or from inside a recursion, gets a check per
; write, and so does every loop that reaches the same recursion later.
;  @first_user, @second_user: a chain ten calls deep, met from two depths.
;  @recursion_user: @r_even and @r_odd call each other, and nothing else.
;  @fenced_user, @fenced_again: @f_a -> @f_b -> @f_a, and @f_b holds a fence.
;  @unknown_user: @u0 calls a function without a body.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -pass-remarks=mapguard -disable-output %s 2>&1 | FileCheck %s
; CHECK:      remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NEXT: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NOT:  remark

@m = global [56 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr) nounwind

define internal void @c0(i32 %x) nounwind {
  call void @c1(i32 %x)
  ret void
}

define internal void @c1(i32 %x) nounwind {
  call void @c2(i32 %x)
  ret void
}

define internal void @c2(i32 %x) nounwind {
  call void @c3(i32 %x)
  ret void
}

define internal void @c3(i32 %x) nounwind {
  call void @c4(i32 %x)
  ret void
}

define internal void @c4(i32 %x) nounwind {
  call void @c5(i32 %x)
  ret void
}

define internal void @c5(i32 %x) nounwind {
  call void @c6(i32 %x)
  ret void
}

define internal void @c6(i32 %x) nounwind {
  call void @c7(i32 %x)
  ret void
}

define internal void @c7(i32 %x) nounwind {
  call void @c8(i32 %x)
  ret void
}

define internal void @c8(i32 %x) nounwind {
  call void @c9(i32 %x)
  ret void
}

define internal void @c9(i32 %x) nounwind {
  ret void
}

define void @first_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @c0(i32 %i)
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
  call void @c5(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define internal void @r_even(i32 %x) nounwind {
  %z = icmp eq i32 %x, 0
  br i1 %z, label %done, label %more
more:
  %y = sub i32 %x, 1
  call void @r_odd(i32 %y)
  br label %done
done:
  ret void
}

define internal void @r_odd(i32 %x) nounwind {
  %z = icmp eq i32 %x, 0
  br i1 %z, label %done, label %more
more:
  %y = sub i32 %x, 1
  call void @r_even(i32 %y)
  br label %done
done:
  ret void
}

define void @recursion_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @r_even(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define internal void @f_a(i32 %x) nounwind {
  %z = icmp eq i32 %x, 0
  br i1 %z, label %done, label %more
more:
  %y = sub i32 %x, 1
  call void @f_b(i32 %y)
  br label %done
done:
  ret void
}

define internal void @f_b(i32 %x) nounwind {
  call void @f_a(i32 %x)
  fence acquire
  ret void
}

define void @fenced_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @f_a(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @fenced_again(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @f_b(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

declare void @opaque(i32) nounwind

define internal void @u0(i32 %x) nounwind {
  call void @opaque(i32 %x)
  ret void
}

define void @unknown_user(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @u0(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
