; -mapguard-mode=fast calls the fast hooks; strict is the default; a bad
; mode is an error naming the option.
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=strict -S %s | FileCheck %s --check-prefix=STRICT
; RUN: %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=fast -S %s | FileCheck %s --check-prefix=FAST
; RUN: not %opt -load-pass-plugin=%plugin -passes=mapguard -mapguard-mode=quick -S %s 2>&1 | FileCheck %s --check-prefix=BAD

declare void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr) nounwind

; STRICT:      call i64 @__mapguard_write_begin(ptr %m,
; STRICT-NEXT: call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; STRICT-NEXT: call void @__mapguard_write_end(ptr %m,
; FAST:        call i64 @__mapguard_write_begin_fast(ptr %m,
; FAST-NEXT:   call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(
; FAST-NEXT:   call void @__mapguard_write_end_fast(ptr %m,
; BAD:         for the --mapguard-mode option: Cannot find option named 'quick'!
define void @clear(ptr %m) {
  call void @_ZNSt3mapIiiSt4lessIiESaISt4pairIKiiEEE5clearEv(ptr %m)
  ret void
}
