; A recognised write whose call does not look like a member call (here: no
; `this`, or a `this` that is not a pointer) is left alone with a warning
; that names it and the reason — never a crash, never a half-guarded call.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s 2>%t.err | FileCheck %s
; RUN: FileCheck %s --check-prefix=WARN --input-file=%t.err

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(...)

; WARN: warning: {{.*}}in function no_this{{.*}}MapGuard: std::map<int, int>::clear left unchecked: the call has too few arguments for a map
; WARN: warning: {{.*}}in function not_a_pointer{{.*}}MapGuard: std::map<int, int>::clear left unchecked: argument 0 is not a pointer to a map

; CHECK-LABEL: define void @no_this(
; CHECK-NEXT:    call void (...) @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv()
; CHECK-NEXT:    ret void
define void @no_this() {
  call void (...) @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv()
  ret void
}

; CHECK-LABEL: define void @not_a_pointer(
; CHECK-NEXT:    call void (...) @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(i64 7)
; CHECK-NEXT:    ret void
define void @not_a_pointer() {
  call void (...) @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(i64 7)
  ret void
}
