; -mapguard-ignorelist: `fun:` globs match a function's mangled name, its
; qualified name (no parameters) or its demangled name with parameters; its
; writes are then left alone. Other functions are still guarded.
; LLVM 16's lists take regular expressions, not globs ("(int)" is a group).
; UNSUPPORTED: llvm-16
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   -mapguard-ignorelist=%S/Inputs/ignore_functions.txt | FileCheck %s
; Without the list, every one of them is guarded.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-outline=0 -S %s \
; RUN:   | FileCheck %s --check-prefix=NOLIST

@m = global [48 x i8] zeroinitializer, align 8

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; mangled(std::map<int, int>&)
; CHECK-LABEL: define void @_Z6mangledRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; NOLIST-LABEL: define void @_Z6mangledRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(
; NOLIST:       __mapguard_strict_claim
define void @_Z6mangledRSt3mapIiiSt4lessIiESaISt4pairIKiiEEE(ptr %p) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %p)
  ret void
}

; legacy::Cache::flush()
; CHECK-LABEL: define void @_ZN6legacy5Cache5flushEv(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; NOLIST-LABEL: define void @_ZN6legacy5Cache5flushEv(
; NOLIST:       __mapguard_strict_claim
define void @_ZN6legacy5Cache5flushEv(ptr %this) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; exact::put(int): "exact::put" matches its qualified name only.
; CHECK-LABEL: define void @_ZN5exact3putEi(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; NOLIST-LABEL: define void @_ZN5exact3putEi(
; NOLIST:       __mapguard_strict_claim
define void @_ZN5exact3putEi(i32 %x) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; by_signature(int)
; CHECK-LABEL: define void @_Z12by_signaturei(
; CHECK-NOT:   __mapguard
; CHECK:       ret void
; NOLIST-LABEL: define void @_Z12by_signaturei(
; NOLIST:       __mapguard_strict_claim
define void @_Z12by_signaturei(i32 %x) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; by_signature(long): the demangled name differs, so it is guarded.
; CHECK-LABEL: define void @_Z12by_signaturel(
; CHECK:       __mapguard_strict_claim
define void @_Z12by_signaturel(i64 %x) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}

; app::legacy::f(): "legacy::*" matches from the start of the name only.
; CHECK-LABEL: define void @_ZN3app6legacy1fEv(
; CHECK:       __mapguard_strict_claim
define void @_ZN3app6legacy1fEv() {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr @m)
  ret void
}
