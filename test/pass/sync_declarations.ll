; Functions without a body in the module count as unable to synchronise only
; when SyncAnalysis knows them exactly (SyncAnalysis.h): a member of a
; standard container whose whole signature names only standard types
; (std::map<int, int>::erase), a listed library helper (_Rb_tree_increment),
; a C library function TargetLibraryInfo recognises (memcmp, operator
; delete). A container of a user's type (its destructor may join or unlock),
; std::__detail's atomic waits, and a C library function of the wrong
; prototype are unknown: their loops keep a check per write.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -pass-remarks=mapguard -pass-remarks-missed=mapguard -disable-output %s 2>&1 | FileCheck %s
; CHECK:         remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NEXT:    remark: <unknown>:0:0: unguarded write: std::map<int, int>::erase (elided: the map is a local variable no other thread can reach){{$}}
; CHECK-COUNT-3: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable; one check for each run of the loop){{$}}
; CHECK-NEXT:    remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NEXT:    remark: <unknown>:0:0: unguarded write: std::map<int, app::Worker>::erase (elided: the map is a local variable no other thread can reach){{$}}
; CHECK-COUNT-3: remark: <unknown>:0:0: guarded write: std::unordered_map<int, int>::operator[] (the map is a global variable){{$}}
; CHECK-NOT:  remark

@m = global [56 x i8] zeroinitializer, align 8
@other = global [48 x i8] zeroinitializer, align 8

; std::unordered_map<int, int>::operator[](int const&)
declare ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr, ptr) nounwind
; std::map<int, int>::erase(int const&)
declare i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr, ptr) nounwind
; std::map<int, app::Worker>::erase(int const&)
declare i64 @_ZNSt3mapIiN3app6WorkerESt4lessIiESaISt4pairIKiS1_EEE5eraseERS5_(ptr, ptr) nounwind
; std::_Rb_tree_increment(std::_Rb_tree_node_base const*)
declare ptr @_ZSt18_Rb_tree_incrementPKSt18_Rb_tree_node_base(ptr) nounwind
; std::__detail::__waiter_pool_base::_S_for(void const*)
declare ptr @_ZNSt8__detail18__waiter_pool_base6_S_forEPKv(ptr) nounwind
declare i32 @memcmp(ptr, ptr, i64) nounwind
; not memcmp's prototype
declare void @strlen(ptr, ptr) nounwind
declare void @_ZdlPvm(ptr, i64) nounwind

define void @int_map_erase(ptr %k, i32 %n) nounwind {
entry:
  %local = alloca [48 x i8], align 8
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %e = call i64 @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5eraseERS3_(ptr %local, ptr %k)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @tree_increment(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %t = call ptr @_ZSt18_Rb_tree_incrementPKSt18_Rb_tree_node_base(ptr @other)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @compare_bytes(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %c = call i32 @memcmp(ptr @other, ptr %k, i64 4)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @delete_node(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @_ZdlPvm(ptr %k, i64 4)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @worker_map_erase(ptr %k, i32 %n) nounwind {
entry:
  %local = alloca [48 x i8], align 8
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %e = call i64 @_ZNSt3mapIiN3app6WorkerESt4lessIiESaISt4pairIKiS1_EEE5eraseERS5_(ptr %local, ptr %k)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @waiter(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  %w = call ptr @_ZNSt8__detail18__waiter_pool_base6_S_forEPKv(ptr @other)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @wrong_prototype(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void @strlen(ptr @other, ptr %k)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}

define void @indirect(ptr %k, i32 %n) nounwind {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i.next, %loop ]
  %r = call ptr @_ZNSt13unordered_mapIiiSt4hashIiESt8equal_toIiESaISt4pairIKiiEEEixERS5_(ptr @m, ptr %k)
  store i32 1, ptr %r
  call void %k(i32 %i)
  %i.next = add i32 %i, 1
  %done = icmp eq i32 %i.next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret void
}
