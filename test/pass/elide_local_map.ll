; A local map whose address is used only by its constructor, destructor,
; members (writes and reads), lifetime markers and a zero-initialising
; memset cannot be written by another thread: its writes are not guarded,
; and a missed remark says why. -mapguard-elide=0 guards them again.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   -pass-remarks-missed=mapguard 2>%t.remarks | FileCheck %s
; RUN: FileCheck %s --check-prefix=REMARK --input-file=%t.remarks
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -mapguard-elide=0 -S %s \
; RUN:   | FileCheck %s --check-prefix=NOELIDE

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr) nounwind
declare ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixERS3_(ptr, ptr) nounwind
declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind
declare i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4sizeEv(ptr) nounwind
declare void @llvm.lifetime.start.p0(i64, ptr)
declare void @llvm.lifetime.end.p0(i64, ptr)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)

; CHECK-LABEL: define i64 @local_only(
; CHECK-NOT:   __mapguard
; CHECK:       ret i64
; NOELIDE-LABEL: define i64 @local_only(
; NOELIDE:       call i64 @__mapguard_strict_claim(ptr %m,
; NOELIDE:       call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixERS3_(ptr %m,
; NOELIDE:       call i64 @__mapguard_strict_claim(ptr %m,
; NOELIDE:       call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
define i64 @local_only(ptr %k) {
  %m = alloca [48 x i8], align 8
  call void @llvm.lifetime.start.p0(i64 48, ptr %m)
  call void @llvm.memset.p0.i64(ptr align 8 %m, i8 0, i64 48, i1 false)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEC2Ev(ptr %m)
  %v = call ptr @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEEixERS3_(ptr %m, ptr %k)
  store i32 1, ptr %v
  %n = call i64 @_ZNKSt3mapIiiSt4lessIiESaISt4pairIKiiEEE4sizeEv(ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEED2Ev(ptr %m)
  call void @llvm.lifetime.end.p0(i64 48, ptr %m)
  ret i64 %n
}

; REMARK: remark: <unknown>:0:0: unguarded write: std::map<int, int>::operator[] (elided: the map is a local variable no other thread can reach)
; REMARK: remark: <unknown>:0:0: unguarded write: std::map<int, int>::clear (elided: the map is a local variable no other thread can reach)
