; A local map captured by reference by a lambda run on a std::thread (clang
; -O0 IR, trimmed): the capture stores the map's address into the closure,
; an escape, so both the thread's write and the owner's are guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-inline=0 -S %s \
; RUN:   -pass-remarks=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks

%class.anon = type { ptr }

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr) nounwind
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr, ptr) nounwind
declare void @"_ZNSt6threadC2IZ8capturedvE3$_0JEvEEOT_DpOT0_"(ptr, ptr)
declare void @_ZNSt6thread4joinEv(ptr)
declare void @_ZNSt6threadD2Ev(ptr) nounwind

; CHECK-LABEL: define i32 @_Z8capturedv(
; CHECK:       call void @"_ZNSt6threadC2IZ8capturedvE3$_0JEvEEOT_DpOT0_"(ptr %t, ptr %closure)
; CHECK:       call i64 @__mapguard_write_begin(ptr %m,
; CHECK-NEXT:  call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr %m, ptr %two)
define i32 @_Z8capturedv() nounwind {
  %m = alloca [48 x i8], align 8
  %t = alloca [8 x i8], align 8
  %closure = alloca %class.anon, align 8
  %two = alloca i32, align 4
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  %capture = getelementptr inbounds %class.anon, ptr %closure, i32 0, i32 0
  store ptr %m, ptr %capture, align 8
  call void @"_ZNSt6threadC2IZ8capturedvE3$_0JEvEEOT_DpOT0_"(ptr %t, ptr %closure)
  store i32 2, ptr %two, align 4
  %v = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr %m, ptr %two)
  store i32 2, ptr %v, align 4
  call void @_ZNSt6thread4joinEv(ptr %t)
  call void @_ZNSt6threadD2Ev(ptr %t)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr %m)
  ret i32 0
}

; The lambda's body writes the map through the captured reference.
; CHECK-LABEL: define internal void @"_ZZ8capturedvENK3$_0clEv"(
; CHECK:       call i64 @__mapguard_write_begin(ptr %map,
define internal void @"_ZZ8capturedvENK3$_0clEv"(ptr %this) nounwind {
  %one = alloca i32, align 4
  %capture = getelementptr inbounds %class.anon, ptr %this, i32 0, i32 0
  %map = load ptr, ptr %capture, align 8
  store i32 1, ptr %one, align 4
  %v = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixEOi(ptr %map, ptr %one)
  store i32 1, ptr %v, align 4
  ret void
}

; REMARK: remark: <unknown>:0:0: guarded write: std::map<int, int>::operator[] (the map has its address stored to memory (a lambda capture, a pointer or a reference kept somewhere))
; REMARK: remark: <unknown>:0:0: guarded write: std::map<int, int>::operator[] (the map is reached through a pointer or reference)
